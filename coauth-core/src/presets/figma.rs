//! Figma: the authorization page is `www.figma.com/oauth`, the token endpoint
//! `api.figma.com/v1/oauth/token` (the `www.figma.com/api/oauth/token` of older guides was
//! retired in 2025) with HTTP Basic client authentication, and `/v1/me` reads the user with
//! the `current_user:read` scope. Figma says nothing of the email's verification. A refresh
//! token comes with every code grant; Figma documents refreshing it at
//! `/v1/oauth/refresh` rather than at the token endpoint. No PKCE and no silent sign-in.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Figma, declared.
const FIGMA: OAuth2Preset = OAuth2Preset {
    name: "Figma",
    web: "https://www.figma.com",
    api: "https://api.figma.com",
    authorize: web("/oauth"),
    token: api("/v1/oauth/token"),
    scopes: &["current_user:read"],
    client_auth: ClientAuth::Basic,
    pkce: false,
    profile: ProfileCall::bearer_get(api("/v1/me")),
    user: UserFields {
        name: &["/handle"],
        email: &["/email"],
        avatar: &["/img_url"],
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Figma preset. `www.figma.com` (the web host) serves `/oauth`, `api.figma.com`
    /// (the API host) serves `/v1/oauth/token` and `/v1/me`.
    ///
    /// ```
    /// let figma = coauth_core::presets::Figma::new("client-id", "client-secret").build()?;
    /// # let _ = figma;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Figma = FIGMA
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_endpoint_on_the_api_host_with_basic() {
        let figma = Figma::new("id", "secret").build().unwrap();
        assert_eq!(
            figma.config().token_url.as_str(),
            "https://api.figma.com/v1/oauth/token"
        );
        assert_eq!(
            figma.config().authorize_url.as_str(),
            "https://www.figma.com/oauth"
        );
        assert_eq!(figma.config().client_auth, ClientAuth::Basic);
    }
}
