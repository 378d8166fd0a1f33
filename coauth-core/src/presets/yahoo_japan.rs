//! Yahoo! JAPAN (YConnect v2): OpenID Connect with the issuer
//! `https://auth.login.yahoo.co.jp/yconnect/v2`, HTTP Basic client authentication, PKCE,
//! and the user's attributes from the UserInfo API on another host
//! (`https://userinfo.yahooapis.jp/yconnect/v2/attribute`; its use needs Yahoo! JAPAN's
//! review of the app), where `email_verified` is Yahoo! JAPAN's flag. `bail=1` is always
//! sent: without it, a user who declines is taken to the Yahoo! JAPAN top page instead of
//! back to the app. Every code grant brings a refresh token. Its documentation does not say
//! how `prompt=none` answers a signed-out user: silent sign-in is off.

use super::spec::{OidcPreset, ProfileUrl, Refresh, UserFields, preset};

/// Yahoo! JAPAN, declared (developer.yahoo.co.jp/yconnect/v2/authorization_code/).
const YAHOO_JAPAN: OidcPreset = OidcPreset {
    name: "Yahoo! JAPAN",
    issuer: "https://auth.login.yahoo.co.jp/yconnect/v2",
    authorize: "https://auth.login.yahoo.co.jp/yconnect/v2/authorization",
    token: "https://auth.login.yahoo.co.jp/yconnect/v2/token",
    jwks: "https://auth.login.yahoo.co.jp/yconnect/v2/jwks",
    userinfo: Some("https://userinfo.yahooapis.jp/yconnect/v2/attribute"),
    silent: false,
    authorize_params: &[("bail", "1")],
    user: UserFields {
        username: &[],
        profile_url: ProfileUrl::None,
        ..UserFields::STANDARD_CLAIMS
    },
    refresh: Refresh::Issued,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Yahoo! JAPAN preset.
    ///
    /// ```
    /// let yahoo_japan =
    ///     coauth_core::presets::YahooJapan::new("client-id", "client-secret").build()?;
    /// # let _ = yahoo_japan;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    YahooJapan = YAHOO_JAPAN
}
