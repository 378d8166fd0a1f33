//! Keycloak: OpenID Connect per realm, at `{base}/realms/{realm}` of the app's Keycloak
//! (`https://sso.example.com`, or `https://example.com/auth` for the path of versions before
//! 17), with the endpoints under `/protocol/openid-connect/`. The base URL must be https;
//! a Keycloak on loopback (plain http too) only with [`Keycloak::allow_http_loopback`].
//! `email_verified` is the realm's flag for the user, `prompt=none` answers
//! `login_required` without a page, and every code grant brings a refresh token.

use super::platform::{ALLOW_HTTP_LOOPBACK, check_base_url, check_segment};
use super::spec::{OidcPreset, OidcPresetBuilder, PresetContext, Refresh, preset};
use crate::ConfigError;

/// Keycloak, declared (www.keycloak.org/securing-apps/oidc-layers).
const KEYCLOAK: OidcPreset = OidcPreset {
    name: "Keycloak",
    issuer: "{base}/realms/{realm}",
    authorize: "{base}/realms/{realm}/protocol/openid-connect/auth",
    token: "{base}/realms/{realm}/protocol/openid-connect/token",
    jwks: "{base}/realms/{realm}/protocol/openid-connect/certs",
    // The ID token carries the profile and email claims of the default client scopes.
    userinfo: None,
    vars: &[("base", ""), ("realm", ""), (ALLOW_HTTP_LOOPBACK, "")],
    check_vars: Some(check_vars),
    refresh: Refresh::Issued,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Keycloak preset, for one realm of the app's Keycloak.
    ///
    /// ```
    /// use coauth_core::presets::Keycloak;
    /// let keycloak =
    ///     Keycloak::new("client-id", "client-secret", "https://sso.example.com", "main").build()?;
    /// # let _ = keycloak;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Keycloak = KEYCLOAK, custom_new
}

impl Keycloak {
    /// The client `client_id` of `realm` at the Keycloak at `base_url` (an https URL, with
    /// the `/auth` path of older versions when it has one). The realm is one path segment.
    /// Both are checked at `build`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
        base_url: impl Into<String>,
        realm: impl Into<String>,
    ) -> Keycloak {
        let base = base_url.into().trim_end_matches('/').to_owned();
        Keycloak {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, client_secret)
                .var("base", base)
                .var("realm", realm),
        }
    }

    /// Allows a Keycloak on loopback, plain http included (a local Keycloak in development).
    /// Off by default.
    pub fn allow_http_loopback(mut self, allow: bool) -> Keycloak {
        self.builder = self
            .builder
            .var(ALLOW_HTTP_LOOPBACK, if allow { "1" } else { "" });
        self
    }
}

fn check_vars(context: &PresetContext) -> Result<(), ConfigError> {
    check_base_url(
        "Keycloak",
        context.var("base"),
        context.var(ALLOW_HTTP_LOOPBACK) == "1",
    )?;
    check_segment("Keycloak", "realm", context.var("realm"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_realm_is_in_every_url() {
        let keycloak = Keycloak::new("c", "s", "https://example.com/auth/", "main")
            .build()
            .unwrap();
        assert_eq!(
            keycloak.config().issuer,
            "https://example.com/auth/realms/main"
        );
        let metadata = keycloak.config().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.token_endpoint.as_str(),
            "https://example.com/auth/realms/main/protocol/openid-connect/token"
        );
    }

    #[test]
    fn bad_realms_and_base_urls_are_refused() {
        for realm in ["", "..", "a/b", "a?b", "a#b", "a b", "a@b"] {
            assert!(
                Keycloak::new("c", "s", "https://sso.example.com", realm)
                    .build()
                    .is_err(),
                "{realm:?}"
            );
        }
        for base in [
            "http://sso.example.com",
            "https://10.0.0.1",
            "sso.example.com",
        ] {
            assert!(
                Keycloak::new("c", "s", base, "main").build().is_err(),
                "{base:?}"
            );
        }
        assert!(
            Keycloak::new("c", "s", "http://127.0.0.1:8080", "main")
                .build()
                .is_err()
        );
        assert!(
            Keycloak::new("c", "s", "http://127.0.0.1:8080", "main")
                .allow_http_loopback(true)
                .build()
                .is_ok()
        );
    }
}
