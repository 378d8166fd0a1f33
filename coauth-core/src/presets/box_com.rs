//! Box: the authorization page is on `account.box.com`, the token endpoint and the API on
//! `api.box.com`, the client id and secret go in the token request's body, and
//! `/2.0/users/me` names the user's email `login`; Box does not say whether it verified it.
//! Box issues a refresh token with every code grant (single use: each refresh answers a new
//! one). No PKCE: Box's OAuth 2.0 documentation has none. The scopes are the app's (set in
//! the Box developer console); none is sent unless the client asks.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Box, declared.
const BOX: OAuth2Preset = OAuth2Preset {
    name: "Box",
    web: "https://account.box.com",
    api: "https://api.box.com",
    authorize: web("/api/oauth2/authorize"),
    token: api("/oauth2/token"),
    scopes: &[],
    client_auth: ClientAuth::Post,
    pkce: false,
    profile: ProfileCall::bearer_get(api("/2.0/users/me")),
    user: UserFields {
        name: &["/name"],
        email: &["/login"],
        avatar: &["/avatar_url"],
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Box (box.com) preset, named `BoxCom` so as not to shadow the standard `Box`.
    /// `account.box.com` (the web host) serves `/api/oauth2/authorize`,
    /// `api.box.com` (the API host) serves `/oauth2/token` and `/2.0/users/me`.
    ///
    /// ```
    /// let box_com = coauth_core::presets::BoxCom::new("client-id", "client-secret").build()?;
    /// # let _ = box_com;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    BoxCom = BOX
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn the_login_is_the_email() {
        let user = map_user(
            &BOX.user,
            &json!({"type": "user", "id": "11446498", "name": "Aaron Levie",
                    "login": "ceo@example.test",
                    "avatar_url": "https://www.box.com/api/avatar/large/181216415"}),
        )
        .unwrap();
        assert_eq!(user.id, "11446498");
        assert_eq!(user.email.as_deref(), Some("ceo@example.test"));
        assert_eq!(user.email_verified, None);
    }
}
