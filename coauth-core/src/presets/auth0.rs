//! Auth0: OpenID Connect at the tenant's domain (`dev-abc.us.auth0.com`, or a custom domain
//! such as `login.example.com`), whose issuer ends with a slash (`https://{domain}/`); the
//! token endpoint is `/oauth/token`, where the client secret travels in the form body (the
//! application's authentication method "Post"). `email_verified` is Auth0's own flag
//! (false until the user follows the verification email, or as the social connection
//! says). `prompt=none` answers `login_required` without a page, and `offline_access`
//! brings a refresh token when the API allows it.

use super::platform::check_host_name;
use super::spec::{OidcPreset, OidcPresetBuilder, PresetContext, preset};
use crate::ConfigError;
use crate::oauth2::ClientAuth;

/// Auth0, declared (auth0.com/docs/authenticate/login/oidc-conformant-authentication): the
/// client secret travels in the form body, so the application's token endpoint
/// authentication method must be "Client Secret (Post)".
const AUTH0: OidcPreset = OidcPreset {
    name: "Auth0",
    issuer: "https://{domain}/",
    authorize: "https://{domain}/authorize",
    token: "https://{domain}/oauth/token",
    jwks: "https://{domain}/.well-known/jwks.json",
    // The ID token carries the profile and email claims the scopes ask for.
    userinfo: None,
    client_auth: ClientAuth::Post,
    vars: &[("domain", "")],
    check_vars: Some(check_domain),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Auth0 preset, for one tenant's domain.
    ///
    /// ```
    /// use coauth_core::presets::Auth0;
    /// let auth0 = Auth0::new("client-id", "client-secret", "dev-abc.us.auth0.com").build()?;
    /// # let _ = auth0;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Auth0 = AUTH0, custom_new
}

impl Auth0 {
    /// The application `client_id` of the tenant at `domain`: its Auth0 domain
    /// (`dev-abc.us.auth0.com`) or a custom domain (`login.example.com`), a host name
    /// without scheme or path (anything else fails at `build`).
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
        domain: impl Into<String>,
    ) -> Auth0 {
        Auth0 {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, client_secret)
                .var("domain", domain),
        }
    }
}

fn check_domain(context: &PresetContext) -> Result<(), ConfigError> {
    check_host_name("Auth0", "domain", context.var("domain"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_keeps_its_trailing_slash() {
        let auth0 = Auth0::new("c", "s", "dev-abc.us.auth0.com")
            .build()
            .unwrap();
        assert_eq!(auth0.config().issuer, "https://dev-abc.us.auth0.com/");
        let metadata = auth0.config().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.token_endpoint.as_str(),
            "https://dev-abc.us.auth0.com/oauth/token"
        );
    }

    #[test]
    fn a_domain_that_could_move_the_urls_is_refused() {
        for domain in [
            "",
            "dev-abc.us.auth0.com/",
            "evil.example/x",
            "evil.example?",
            "evil.example#",
            "user@evil.example",
            "a b.example",
            "https://dev-abc.us.auth0.com",
            "127.0.0.1",
        ] {
            assert!(Auth0::new("c", "s", domain).build().is_err(), "{domain:?}");
        }
    }
}
