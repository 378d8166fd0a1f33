//! LinkedIn ("Sign In with LinkedIn using OpenID Connect"): issuer
//! `https://www.linkedin.com/oauth`, client credentials in the form body, no PKCE for web
//! apps, and ID tokens that never carry a nonce, so none is sent (the sealed `state` binds
//! the redirect).

use super::spec::{OidcPreset, Refresh, preset};
use crate::DenialRule;
use crate::oauth2::ClientAuth;

/// LinkedIn, declared.
const LINKEDIN: OidcPreset = OidcPreset {
    name: "LinkedIn",
    issuer: "https://www.linkedin.com/oauth",
    authorize: "https://www.linkedin.com/oauth/v2/authorization",
    token: "https://www.linkedin.com/oauth/v2/accessToken",
    jwks: "https://www.linkedin.com/oauth/openid/jwks",
    userinfo: Some("https://api.linkedin.com/v2/userinfo"),
    client_auth: ClientAuth::Post,
    pkce: false,
    nonce: false,
    silent: false,
    // A cancelled sign-in is `error=user_cancelled_login` (or `user_cancelled_authorize`).
    denials: &[
        DenialRule::equals("error", "access_denied"),
        DenialRule::equals("error", "user_cancelled_login"),
        DenialRule::equals("error", "user_cancelled_authorize"),
    ],
    refresh: Refresh::No,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The LinkedIn preset.
    ///
    /// ```
    /// let linkedin = coauth_core::presets::LinkedIn::new("client-id", "client-secret").build()?;
    /// # let _ = linkedin;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    LinkedIn = LINKEDIN
}
