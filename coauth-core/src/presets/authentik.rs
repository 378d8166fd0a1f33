//! authentik: OpenID Connect per application, whose issuer is
//! `{base}/application/o/{slug}/` (with its trailing slash) and whose keys are at
//! `{base}/application/o/{slug}/jwks/`, while the authorization, token and userinfo
//! endpoints are shared by every application (`{base}/application/o/authorize/`, ...). The
//! claims are read from userinfo too (a provider may leave them out of the ID token).
//! authentik's `email_verified` comes from a scope mapping (false by default since 2025.10,
//! true before), not from a verification of the address, so `emailVerified` is unknown. `offline_access` brings a refresh token. No
//! documented `prompt=none`: silent sign-in is off. The base URL must be https; an
//! authentik on loopback only with [`Authentik::allow_http_loopback`].

use super::platform::{ALLOW_HTTP_LOOPBACK, check_base_url, check_segment};
use super::spec::{
    EmailVerified, OidcPreset, OidcPresetBuilder, PresetContext, UserFields, preset,
};
use crate::ConfigError;

/// authentik, declared (docs.goauthentik.io/add-secure-apps/providers/oauth2/).
const AUTHENTIK: OidcPreset = OidcPreset {
    name: "authentik",
    issuer: "{base}/application/o/{slug}/",
    authorize: "{base}/application/o/authorize/",
    token: "{base}/application/o/token/",
    jwks: "{base}/application/o/{slug}/jwks/",
    userinfo: Some("{base}/application/o/userinfo/"),
    silent: false,
    vars: &[("base", ""), ("slug", ""), (ALLOW_HTTP_LOOPBACK, "")],
    user: UserFields {
        email_verified: EmailVerified::Unknown,
        ..UserFields::STANDARD_CLAIMS
    },
    check_vars: Some(check_vars),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The authentik preset, for one application.
    ///
    /// ```
    /// use coauth_core::presets::Authentik;
    /// let authentik =
    ///     Authentik::new("client-id", "client-secret", "https://auth.example.com", "my-app")
    ///         .build()?;
    /// # let _ = authentik;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Authentik = AUTHENTIK, custom_new
}

impl Authentik {
    /// The provider's `client_id` of the application `slug` at the authentik at `base_url`
    /// (https). The slug is one path segment. Checked at `build`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
        base_url: impl Into<String>,
        slug: impl Into<String>,
    ) -> Authentik {
        let base = base_url.into().trim_end_matches('/').to_owned();
        Authentik {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, client_secret)
                .var("base", base)
                .var("slug", slug),
        }
    }

    /// Allows an authentik on loopback, plain http included (development). Off by default.
    pub fn allow_http_loopback(mut self, allow: bool) -> Authentik {
        self.builder = self
            .builder
            .var(ALLOW_HTTP_LOOPBACK, if allow { "1" } else { "" });
        self
    }
}

fn check_vars(context: &PresetContext) -> Result<(), ConfigError> {
    check_base_url(
        "authentik",
        context.var("base"),
        context.var(ALLOW_HTTP_LOOPBACK) == "1",
    )?;
    check_segment("authentik", "application slug", context.var("slug"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slug_is_in_the_issuer_and_the_keys_only() {
        let authentik = Authentik::new("c", "s", "https://auth.example.com", "my-app")
            .build()
            .unwrap();
        assert_eq!(
            authentik.config().issuer,
            "https://auth.example.com/application/o/my-app/"
        );
        let metadata = authentik.config().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.token_endpoint.as_str(),
            "https://auth.example.com/application/o/token/"
        );
        assert_eq!(
            metadata.jwks_uri.as_str(),
            "https://auth.example.com/application/o/my-app/jwks/"
        );
    }

    #[test]
    fn bad_slugs_and_base_urls_are_refused() {
        for slug in ["", "..", "a/b", "a?b", "a#b", "a b"] {
            assert!(
                Authentik::new("c", "s", "https://auth.example.com", slug)
                    .build()
                    .is_err(),
                "{slug:?}"
            );
        }
        for base in [
            "http://auth.example.com",
            "https://172.16.0.1",
            "https://localhost",
        ] {
            assert!(
                Authentik::new("c", "s", base, "my-app").build().is_err(),
                "{base:?}"
            );
        }
    }
}
