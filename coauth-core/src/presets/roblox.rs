//! Roblox: OpenID Connect with the issuer `https://apis.roblox.com/oauth/` (with its
//! trailing slash) and endpoints under `https://apis.roblox.com/oauth/v1/`. The user id is
//! `sub` (the Roblox user id), the display name `name` (or `nickname`), the username
//! `preferred_username`, the avatar `picture` and the profile page `profile`, with the
//! `profile` scope. Roblox shares no email with apps. Every code grant brings a refresh
//! token. Roblox shows its consent screen to third-party apps every time: silent sign-in
//! is off.

use super::spec::{OidcPreset, ProfileUrl, Refresh, UserFields, preset};

/// Roblox, declared (create.roblox.com/docs/cloud/reference/oauth2).
const ROBLOX: OidcPreset = OidcPreset {
    name: "Roblox",
    issuer: "https://apis.roblox.com/oauth/",
    authorize: "https://apis.roblox.com/oauth/v1/authorize",
    token: "https://apis.roblox.com/oauth/v1/token",
    jwks: "https://apis.roblox.com/oauth/v1/certs",
    // The ID token carries the profile claims.
    userinfo: None,
    scopes: &["openid", "profile"],
    silent: false,
    user: UserFields {
        name: &["/name", "/nickname"],
        email: &[],
        profile_url: ProfileUrl::Field("/profile"),
        ..UserFields::STANDARD_CLAIMS
    },
    refresh: Refresh::Issued,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Roblox preset.
    ///
    /// ```
    /// let roblox = coauth_core::presets::Roblox::new("client-id", "client-secret").build()?;
    /// # let _ = roblox;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Roblox = ROBLOX
}
