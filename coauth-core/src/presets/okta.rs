//! Okta: OpenID Connect at the org's domain (`example.okta.com`, or a custom domain), with
//! two kinds of authorization server. The org authorization server (the default here) has
//! the issuer `https://{domain}` and endpoints under `/oauth2/v1/`; a custom authorization
//! server (`default`, or one the admin created) has the issuer
//! `https://{domain}/oauth2/{server}` and endpoints under `/oauth2/{server}/v1/`. Tokens of
//! one kind are never accepted for the other: the issuer differs. The profile claims are
//! read from userinfo too (an ID token may carry the base claims only), `email_verified`
//! is Okta's flag, `prompt=none` answers `login_required` without a page, and
//! `offline_access` brings a refresh token when the app allows the refresh grant.

use super::platform::{check_host_name, check_segment};
use super::spec::{OidcPreset, OidcPresetBuilder, PresetContext, preset};
use crate::ConfigError;

/// Okta, declared (developer.okta.com/docs/reference/api/oidc/): `{server_path}` is empty
/// for the org authorization server and `/{server}` for a custom one.
const OKTA: OidcPreset = OidcPreset {
    name: "Okta",
    issuer: "https://{domain}{issuer_path}",
    authorize: "https://{domain}/oauth2{server_path}/v1/authorize",
    token: "https://{domain}/oauth2{server_path}/v1/token",
    jwks: "https://{domain}/oauth2{server_path}/v1/keys",
    userinfo: Some("https://{domain}/oauth2{server_path}/v1/userinfo"),
    vars: &[
        ("domain", ""),
        ("server", ""),
        ("issuer_path", ""),
        ("server_path", ""),
    ],
    check_vars: Some(check_vars),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Okta preset: the org authorization server, or a custom one with
    /// [`Okta::authorization_server`].
    ///
    /// ```
    /// use coauth_core::presets::Okta;
    /// let org = Okta::new("client-id", "client-secret", "example.okta.com").build()?;
    /// let custom = Okta::new("client-id", "client-secret", "example.okta.com")
    ///     .authorization_server("default")
    ///     .build()?;
    /// # let _ = (org, custom);
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Okta = OKTA, custom_new
}

impl Okta {
    /// The app `client_id` of the Okta org at `domain` (`example.okta.com`, or a custom
    /// domain: a host name without scheme or path), on the org authorization server. The
    /// domain is the one the issuer names: with a custom URL domain, that domain.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
        domain: impl Into<String>,
    ) -> Okta {
        Okta {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, client_secret)
                .var("domain", domain),
        }
    }

    /// A custom authorization server by its id (`default`, or `aus1a2b3c4d5e6f7g8h9`): the
    /// issuer becomes `https://{domain}/oauth2/{server}`. The id is one path segment;
    /// anything else fails at `build`.
    pub fn authorization_server(mut self, server: impl Into<String>) -> Okta {
        let server = server.into();
        self.builder = self
            .builder
            .var("issuer_path", format!("/oauth2/{server}"))
            .var("server_path", format!("/{server}"))
            .var("server", server);
        self
    }
}

fn check_vars(context: &PresetContext) -> Result<(), ConfigError> {
    check_host_name("Okta", "domain", context.var("domain"))?;
    let server = context.var("server");
    if server.is_empty() && context.var("server_path").is_empty() {
        return Ok(());
    }
    check_segment("Okta", "authorization server", server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_kinds_of_authorization_server() {
        let org = Okta::new("c", "s", "example.okta.com").build().unwrap();
        assert_eq!(org.config().issuer, "https://example.okta.com");
        let metadata = org.config().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.authorization_endpoint.as_str(),
            "https://example.okta.com/oauth2/v1/authorize"
        );
        let custom = Okta::new("c", "s", "example.okta.com")
            .authorization_server("default")
            .build()
            .unwrap();
        assert_eq!(
            custom.config().issuer,
            "https://example.okta.com/oauth2/default"
        );
        let metadata = custom.config().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.token_endpoint.as_str(),
            "https://example.okta.com/oauth2/default/v1/token"
        );
        assert_eq!(
            metadata.jwks_uri.as_str(),
            "https://example.okta.com/oauth2/default/v1/keys"
        );
    }

    #[test]
    fn bad_domains_and_servers_are_refused() {
        for domain in [
            "",
            "example.okta.com/x",
            "evil.example@example.okta.com",
            "a b.c",
        ] {
            assert!(Okta::new("c", "s", domain).build().is_err(), "{domain:?}");
        }
        for server in ["", "..", "default/../x", "a?b", "a#b", "a b", "a@b"] {
            assert!(
                Okta::new("c", "s", "example.okta.com")
                    .authorization_server(server)
                    .build()
                    .is_err(),
                "{server:?}"
            );
        }
    }
}
