//! Dribbble: the `public` scope reads the user (`api.dribbble.com/v2/user`), which carries no
//! email; the credentials go in the token request's body, and the access token does not
//! expire (no refresh token). No PKCE: Dribbble's OAuth documentation has none.

use super::spec::{OAuth2Preset, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Dribbble, declared.
const DRIBBBLE: OAuth2Preset = OAuth2Preset {
    name: "Dribbble",
    web: "https://dribbble.com",
    api: "https://api.dribbble.com",
    authorize: web("/oauth/authorize"),
    token: web("/oauth/token"),
    scopes: &["public"],
    client_auth: ClientAuth::Post,
    pkce: false,
    profile: ProfileCall::bearer_get(api("/v2/user")),
    user: UserFields {
        name: &["/name", "/login"],
        username: &["/login"],
        avatar: &["/avatar_url"],
        profile_url: ProfileUrl::Field("/html_url"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Dribbble preset. `dribbble.com` (the web host) serves `/oauth/authorize` and
    /// `/oauth/token`, `api.dribbble.com` (the API host) serves `/v2/user`. Dribbble gives
    /// no email.
    ///
    /// ```
    /// let dribbble = coauth_core::presets::Dribbble::new("client-id", "secret").build()?;
    /// # let _ = dribbble;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Dribbble = DRIBBBLE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn no_email_and_the_login_as_username() {
        let user = map_user(
            &DRIBBBLE.user,
            &json!({"id": 1, "name": "Dan Cederholm", "login": "simplebits",
                    "html_url": "https://dribbble.com/simplebits", "email": "x@example.test"}),
        )
        .unwrap();
        assert_eq!(user.id, "1");
        assert_eq!(user.username.as_deref(), Some("simplebits"));
        assert_eq!(user.email, None);
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://dribbble.com/simplebits")
        );
    }
}
