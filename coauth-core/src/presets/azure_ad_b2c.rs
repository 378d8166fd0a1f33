//! Azure AD B2C: OpenID Connect per user flow or custom policy, with the policy in every
//! endpoint's path (`https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/...`)
//! and the issuer naming the tenant's id, not its name
//! (`https://{tenant}.b2clogin.com/{tenant id}/v2.0/`, with its trailing slash). Every
//! policy of a tenant signs with keys its own endpoints publish, and the ID token names
//! the policy that issued it in `tfp` (or `acr`); the preset requires it to be the one
//! configured, case-insensitively, so that a token of another user flow of the same tenant
//! is refused. The email is the first of `emails` (B2C's claim), or `email`; B2C documents
//! no `email_verified` claim, so `emailVerified` is unknown. B2C's `prompt` takes only
//! `login`: silent sign-in is off. `offline_access` brings a refresh token.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::platform::{check_segment, is_guid};
use super::spec::{
    EmailVerified, OidcPreset, OidcPresetBuilder, PresetContext, UserFields, preset,
};
use crate::oauth2::ClientAuth;
use crate::provider::User;
use crate::{ConfigError, Error};

/// Azure AD B2C, declared (learn.microsoft.com/azure/active-directory-b2c/
/// openid-connect).
const AZURE_AD_B2C: OidcPreset = OidcPreset {
    name: "Azure AD B2C",
    issuer: "https://{tenant}.b2clogin.com/{tenant_id}/v2.0/",
    authorize: "https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/oauth2/v2.0/authorize",
    token: "https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/oauth2/v2.0/token",
    jwks: "https://{tenant}.b2clogin.com/{tenant}.onmicrosoft.com/{policy}/discovery/v2.0/keys",
    // B2C has a userinfo endpoint with custom policies only; the ID token has the claims.
    userinfo: None,
    scopes: &["openid", "offline_access"],
    client_auth: ClientAuth::Post,
    silent: false,
    vars: &[("tenant", ""), ("tenant_id", ""), ("policy", "")],
    user: UserFields {
        email: &["/emails/0", "/email"],
        email_verified: EmailVerified::Unknown,
        ..UserFields::STANDARD_CLAIMS
    },
    claims_hook: Some(issued_by_the_policy),
    check_vars: Some(check_vars),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Azure AD B2C preset, for one user flow or custom policy of a tenant.
    ///
    /// ```
    /// use coauth_core::presets::AzureAdB2c;
    /// let b2c = AzureAdB2c::new(
    ///     "client-id",
    ///     "client-secret",
    ///     "contoso",
    ///     "775527ff-9a37-4307-8b3d-cc311f58d925",
    ///     "B2C_1_signupsignin",
    /// )
    /// .build()?;
    /// # let _ = b2c;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    AzureAdB2c = AZURE_AD_B2C, custom_new
}

impl AzureAdB2c {
    /// The application `client_id` of the B2C tenant `tenant` (its name, the `contoso` of
    /// `contoso.onmicrosoft.com`), whose id (a GUID) is `tenant_id`, signing in with the user
    /// flow or custom policy `policy` (`B2C_1_...` or `B2C_1A_...`). Checked at `build`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
        tenant: impl Into<String>,
        tenant_id: impl Into<String>,
        policy: impl Into<String>,
    ) -> AzureAdB2c {
        AzureAdB2c {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, client_secret)
                .var("tenant", tenant)
                .var("tenant_id", tenant_id)
                .var("policy", policy),
        }
    }
}

fn check_vars(context: &PresetContext) -> Result<(), ConfigError> {
    let tenant = context.var("tenant");
    let tenant_ok = (1..=26).contains(&tenant.len())
        && tenant
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !tenant_ok {
        return Err(ConfigError(format!(
            "the Azure AD B2C tenant {tenant:?} must be the tenant's name (lower-case letters \
             and digits: the contoso of contoso.onmicrosoft.com)"
        )));
    }
    let tenant_id = context.var("tenant_id");
    if !is_guid(tenant_id) {
        return Err(ConfigError(format!(
            "the Azure AD B2C tenant id {tenant_id:?} must be the tenant's GUID"
        )));
    }
    let policy = context.var("policy");
    check_segment("Azure AD B2C", "policy", policy)?;
    if !policy.to_ascii_lowercase().starts_with("b2c_1") {
        return Err(ConfigError(format!(
            "the Azure AD B2C policy {policy:?} must be a user flow or custom policy name \
             (B2C_1_... or B2C_1A_...)"
        )));
    }
    Ok(())
}

/// The ID token must name the configured policy in `tfp` (or, with the newer token
/// compatibility setting, `acr`).
fn issued_by_the_policy(
    context: &PresetContext,
    claims: &Map<String, Value>,
    _: &BTreeMap<String, String>,
    _: &mut User,
) -> Result<(), Error> {
    let policy = context.var("policy");
    let named = claims
        .get("tfp")
        .or_else(|| claims.get("acr"))
        .and_then(Value::as_str);
    match named {
        Some(named) if named.eq_ignore_ascii_case(policy) => Ok(()),
        _ => Err(Error::Provider(
            "the Azure AD B2C ID token was not issued by the configured policy".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENANT_ID: &str = "775527ff-9a37-4307-8b3d-cc311f58d925";

    #[test]
    fn the_policy_is_in_the_path_and_the_tenant_id_in_the_issuer() {
        let b2c = AzureAdB2c::new("c", "s", "contoso", TENANT_ID, "B2C_1_signin")
            .build()
            .unwrap();
        assert_eq!(
            b2c.config().issuer,
            format!("https://contoso.b2clogin.com/{TENANT_ID}/v2.0/")
        );
        let metadata = b2c.config().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.authorization_endpoint.as_str(),
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin/oauth2/v2.0/authorize"
        );
    }

    #[test]
    fn bad_tenants_ids_and_policies_are_refused() {
        for (tenant, id, policy) in [
            ("", TENANT_ID, "B2C_1_signin"),
            ("contoso.evil", TENANT_ID, "B2C_1_signin"),
            ("contoso/x", TENANT_ID, "B2C_1_signin"),
            ("Contoso", TENANT_ID, "B2C_1_signin"),
            ("contoso", "not-a-guid", "B2C_1_signin"),
            ("contoso", TENANT_ID, ""),
            ("contoso", TENANT_ID, "signin"),
            ("contoso", TENANT_ID, "B2C_1_a/../b"),
            ("contoso", TENANT_ID, "B2C_1_a?p=x"),
            ("contoso", TENANT_ID, "B2C_1_a#x"),
            ("contoso", TENANT_ID, "B2C_1_a b"),
        ] {
            assert!(
                AzureAdB2c::new("c", "s", tenant, id, policy)
                    .build()
                    .is_err(),
                "{tenant:?} {id:?} {policy:?}"
            );
        }
    }

    #[test]
    fn the_token_must_name_the_policy() {
        let context = PresetContext {
            client_id: "c".into(),
            secret: crate::Secret::new(""),
            vars: vec![("policy", "B2C_1_signin".into())],
        };
        let check = |claims: Value| {
            let Value::Object(claims) = claims else {
                unreachable!()
            };
            issued_by_the_policy(&context, &claims, &BTreeMap::new(), &mut User::default())
        };
        assert!(check(serde_json::json!({"tfp": "B2C_1_SignIn"})).is_ok());
        assert!(check(serde_json::json!({"acr": "b2c_1_signin"})).is_ok());
        assert!(check(serde_json::json!({"tfp": "B2C_1_other"})).is_err());
        assert!(check(serde_json::json!({})).is_err());
    }
}
