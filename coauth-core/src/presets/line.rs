//! LINE Login v2.1: OpenID Connect whose ID tokens from web login are signed with `HS256`
//! keyed with the channel secret (the client secret), although its discovery document
//! names only `ES256` (what LINE's SDKs and LIFF get, with keys at
//! `https://api.line.me/oauth2/v2.1/certs`); the preset accepts both, `HS256` with the
//! channel secret alone. The authorization page is on `access.line.me`, the token call on
//! `api.line.me` with the channel id and secret in the form body. The user id is `sub`,
//! the name and picture come with `profile`; the email only with `email`, which a channel
//! may ask for once LINE granted it the email permission, so it is not asked for by
//! default, and LINE does not say it verified it (`emailVerified` is unknown). Every code
//! grant brings a refresh token. No `prompt=none`: silent sign-in is off.

use super::spec::{EmailVerified, OidcPreset, ProfileUrl, Refresh, UserFields, preset};
use crate::oauth2::ClientAuth;

/// LINE, declared (developers.line.biz/en/docs/line-login/integrate-line-login/,
/// developers.line.biz/en/docs/line-login/verify-id-token/).
const LINE: OidcPreset = OidcPreset {
    name: "LINE",
    issuer: "https://access.line.me",
    authorize: "https://access.line.me/oauth2/v2.1/authorize",
    token: "https://api.line.me/oauth2/v2.1/token",
    jwks: "https://api.line.me/oauth2/v2.1/certs",
    // The ID token carries the name, picture and (with `email`) the email.
    userinfo: None,
    scopes: &["openid", "profile"],
    client_auth: ClientAuth::Post,
    silent: false,
    hs256_client_secret: true,
    user: UserFields {
        username: &[],
        email_verified: EmailVerified::Unknown,
        profile_url: ProfileUrl::None,
        ..UserFields::STANDARD_CLAIMS
    },
    refresh: Refresh::Issued,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The LINE Login preset: the channel id and the channel secret.
    ///
    /// ```
    /// let line = coauth_core::presets::Line::new("1234567890", "channel-secret").build()?;
    /// # let _ = line;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Line = LINE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs256_with_the_channel_secret_is_accepted() {
        let line = Line::new("1234567890", "channel-secret").build().unwrap();
        assert!(line.config().hs256_client_secret);
        assert_eq!(line.config().issuer, "https://access.line.me");
    }
}
