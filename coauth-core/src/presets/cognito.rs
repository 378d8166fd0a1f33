//! Amazon Cognito user pools: the issuer and the keys are on the regional Cognito host,
//! `https://cognito-idp.{region}.amazonaws.com/{user pool id}`, while the browser and the
//! token call go to the user pool's domain (its managed login domain,
//! `{prefix}.auth.{region}.amazoncognito.com`, or a custom domain): two hosts, each
//! declared for its own endpoints, so an ID token naming the domain as its issuer is
//! refused. The client secret travels as HTTP Basic, `email_verified` is the pool's flag,
//! the username is `cognito:username`, and every code grant brings a refresh token.
//! Cognito documents no `prompt=none`: silent sign-in is off.

use super::platform::check_host_name;
use super::spec::{OidcPreset, OidcPresetBuilder, PresetContext, Refresh, UserFields, preset};
use crate::ConfigError;

/// Amazon Cognito, declared (docs.aws.amazon.com/cognito/latest/developerguide/
/// cognito-userpools-server-contract-reference.html).
const COGNITO: OidcPreset = OidcPreset {
    name: "Amazon Cognito",
    issuer: "https://cognito-idp.{region}.amazonaws.com/{user_pool_id}",
    authorize: "https://{domain}/oauth2/authorize",
    token: "https://{domain}/oauth2/token",
    jwks: "https://cognito-idp.{region}.amazonaws.com/{user_pool_id}/.well-known/jwks.json",
    // The ID token carries the user's readable attributes.
    userinfo: None,
    silent: false,
    vars: &[("region", ""), ("user_pool_id", ""), ("domain", "")],
    user: UserFields {
        username: &["/cognito:username", "/preferred_username"],
        ..UserFields::STANDARD_CLAIMS
    },
    check_vars: Some(check_vars),
    refresh: Refresh::Issued,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Amazon Cognito preset, for one user pool.
    ///
    /// ```
    /// use coauth_core::presets::AmazonCognito;
    /// let cognito = AmazonCognito::new(
    ///     "client-id",
    ///     "client-secret",
    ///     "eu-west-1",
    ///     "eu-west-1_AbCdEf123",
    ///     "example.auth.eu-west-1.amazoncognito.com",
    /// )
    /// .build()?;
    /// # let _ = cognito;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    AmazonCognito = COGNITO, custom_new
}

impl AmazonCognito {
    /// The app client `client_id` of the user pool `user_pool_id` (`eu-west-1_AbCdEf123`)
    /// in `region` (`eu-west-1`), whose domain is `domain` (a host name:
    /// `example.auth.eu-west-1.amazoncognito.com` or a custom domain). Checked at `build`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
        region: impl Into<String>,
        user_pool_id: impl Into<String>,
        domain: impl Into<String>,
    ) -> AmazonCognito {
        AmazonCognito {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, client_secret)
                .var("region", region)
                .var("user_pool_id", user_pool_id)
                .var("domain", domain),
        }
    }
}

/// An AWS region: lower-case words joined by `-`, ending in a number (`us-east-1`,
/// `us-gov-west-1`, `ap-southeast-2`).
fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()))
}

fn check_vars(context: &PresetContext) -> Result<(), ConfigError> {
    let region = context.var("region");
    if !is_region(region) {
        return Err(ConfigError(format!(
            "the Amazon Cognito region {region:?} must be an AWS region such as eu-west-1"
        )));
    }
    let pool = context.var("user_pool_id");
    let pool_ok = pool
        .strip_prefix(region)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|id| {
            (1..=55).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    if !pool_ok {
        return Err(ConfigError(format!(
            "the Amazon Cognito user pool id {pool:?} must be the region, '_' and letters or \
             digits, such as {region}_AbCdEf123"
        )));
    }
    check_host_name("Amazon Cognito", "domain", context.var("domain"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cognito(
        region: &str,
        pool: &str,
        domain: &str,
    ) -> Result<crate::oidc::OidcProvider, ConfigError> {
        AmazonCognito::new("c", "s", region, pool, domain).build()
    }

    #[test]
    fn the_issuer_and_the_domain_are_two_hosts() {
        let provider = cognito(
            "us-east-1",
            "us-east-1_AbC123",
            "example.auth.us-east-1.amazoncognito.com",
        )
        .unwrap();
        assert_eq!(
            provider.config().issuer,
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123"
        );
        let metadata = provider.config().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.authorization_endpoint.as_str(),
            "https://example.auth.us-east-1.amazoncognito.com/oauth2/authorize"
        );
        assert_eq!(
            metadata.jwks_uri.as_str(),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json"
        );
    }

    #[test]
    fn bad_regions_pools_and_domains_are_refused() {
        let domain = "example.auth.us-east-1.amazoncognito.com";
        for (region, pool) in [
            ("", "us-east-1_AbC123"),
            ("us-east-1.evil.example/", "us-east-1_AbC123"),
            ("US-EAST-1", "US-EAST-1_AbC123"),
            ("us-east", "us-east_AbC123"),
            ("us-east-1", "eu-west-1_AbC123"),
            ("us-east-1", "us-east-1_"),
            ("us-east-1", "us-east-1_Ab/../x"),
            ("us-east-1", "us-east-1_Ab?x"),
        ] {
            assert!(
                cognito(region, pool, domain).is_err(),
                "{region:?} {pool:?}"
            );
        }
        assert!(cognito("us-gov-west-1", "us-gov-west-1_AbC123", domain).is_ok());
        for domain in ["", "evil.example/x", "a@evil.example", "https://x.example"] {
            assert!(
                cognito("us-east-1", "us-east-1_AbC123", domain).is_err(),
                "{domain:?}"
            );
        }
    }
}
