//! Salesforce: OpenID Connect at `login.salesforce.com` (production orgs),
//! `test.salesforce.com` (sandboxes, [`Salesforce::sandbox`]) or an org's My Domain
//! (`acme.my.salesforce.com`, [`Salesforce::my_domain`]): the issuer is the host signed in
//! at, and tokens of one are not accepted by a preset configured for another. The client
//! id and secret travel in the form body. The user id is userinfo's `user_id` (the
//! 18-character user id; `sub` is an identity URL that names the login host), and
//! `email_verified` is Salesforce's flag. A refresh token needs the `refresh_token` scope.
//! No documented `prompt=none`: silent sign-in is off.

use super::platform::check_host_name;
use super::spec::{OidcPreset, OidcPresetBuilder, PresetContext, Refresh, UserFields, preset};
use crate::ConfigError;
use crate::oauth2::ClientAuth;

/// Salesforce, declared (help.salesforce.com: "OpenID Connect Endpoints").
const SALESFORCE: OidcPreset = OidcPreset {
    name: "Salesforce",
    issuer: "https://{host}",
    authorize: "https://{host}/services/oauth2/authorize",
    token: "https://{host}/services/oauth2/token",
    jwks: "https://{host}/id/keys",
    userinfo: Some("https://{host}/services/oauth2/userinfo"),
    client_auth: ClientAuth::Post,
    silent: false,
    vars: &[("host", "login.salesforce.com")],
    user: UserFields {
        id: "/user_id",
        ..UserFields::STANDARD_CLAIMS
    },
    check_vars: Some(check_host),
    refresh: Refresh::WithScope("refresh_token"),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Salesforce preset: production orgs at `login.salesforce.com` unless
    /// [`Salesforce::sandbox`] or [`Salesforce::my_domain`] says otherwise.
    ///
    /// ```
    /// use coauth_core::presets::Salesforce;
    /// let production = Salesforce::new("consumer-key", "consumer-secret").build()?;
    /// let sandbox = Salesforce::new("consumer-key", "consumer-secret").sandbox().build()?;
    /// let acme = Salesforce::new("consumer-key", "consumer-secret")
    ///     .my_domain("acme.my.salesforce.com")
    ///     .build()?;
    /// # let _ = (production, sandbox, acme);
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Salesforce = SALESFORCE, custom_new
}

impl Salesforce {
    /// The connected app's consumer key and secret, for production orgs.
    pub fn new(
        consumer_key: impl Into<String>,
        consumer_secret: impl Into<crate::Secret>,
    ) -> Salesforce {
        Salesforce {
            builder: OidcPresetBuilder::new(Self::SPEC, consumer_key, consumer_secret),
        }
    }

    /// Sandbox orgs: `test.salesforce.com`.
    pub fn sandbox(self) -> Salesforce {
        self.my_domain("test.salesforce.com")
    }

    /// One org's My Domain, by its host name (`acme.my.salesforce.com`,
    /// `acme--dev.sandbox.my.salesforce.com`). A host outside `salesforce.com` fails at
    /// `build`.
    pub fn my_domain(mut self, host: impl Into<String>) -> Salesforce {
        self.builder = self.builder.var("host", host);
        self
    }
}

fn check_host(context: &PresetContext) -> Result<(), ConfigError> {
    let host = context.var("host");
    check_host_name("Salesforce", "My Domain", host)?;
    if !host.to_ascii_lowercase().ends_with(".salesforce.com") {
        return Err(ConfigError(format!(
            "the Salesforce My Domain {host:?} must be a host of salesforce.com, such as \
             acme.my.salesforce.com"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_is_the_login_host() {
        let issuer = |salesforce: Salesforce| salesforce.build().unwrap().config().issuer.clone();
        assert_eq!(
            issuer(Salesforce::new("c", "s")),
            "https://login.salesforce.com"
        );
        assert_eq!(
            issuer(Salesforce::new("c", "s").sandbox()),
            "https://test.salesforce.com"
        );
        assert_eq!(
            issuer(Salesforce::new("c", "s").my_domain("acme.my.salesforce.com")),
            "https://acme.my.salesforce.com"
        );
        for bad in [
            "",
            "acme.example.com",
            "acme.my.salesforce.com/x",
            "evil.example/.salesforce.com",
            "evil.example#.salesforce.com",
            "user@acme.my.salesforce.com",
        ] {
            assert!(
                Salesforce::new("c", "s").my_domain(bad).build().is_err(),
                "{bad:?}"
            );
        }
    }
}
