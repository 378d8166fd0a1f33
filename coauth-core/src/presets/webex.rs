//! Webex: everything on `webexapis.com`, the client id and secret in the token request's
//! body, PKCE, and `/v1/people/me`, whose emails are a list (`emails[0]` is the user's
//! address; Webex does not say whether it verified it). The `spark:people_read` scope reads
//! the user; Webex issues a refresh token with every code grant.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Webex, declared.
const WEBEX: OAuth2Preset = OAuth2Preset {
    name: "Webex",
    web: "https://webexapis.com",
    api: "https://webexapis.com",
    authorize: web("/v1/authorize"),
    token: api("/v1/access_token"),
    scopes: &["spark:people_read"],
    client_auth: ClientAuth::Post,
    pkce: true,
    profile: ProfileCall::bearer_get(api("/v1/people/me")),
    user: UserFields {
        name: &["/displayName", "/nickName"],
        full_name: Some(("/firstName", "/lastName")),
        email: &["/emails/0"],
        avatar: &["/avatar"],
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Webex preset. `webexapis.com` serves `/v1/authorize`, `/v1/access_token` and
    /// `/v1/people/me` (it is both hosts).
    ///
    /// ```
    /// let webex = coauth_core::presets::Webex::new("client-id", "client-secret").build()?;
    /// # let _ = webex;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Webex = WEBEX
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn the_first_email_of_the_list() {
        let user = map_user(
            &WEBEX.user,
            &json!({"id": "Y2lzY29zcGFyazovL3VzL1BFT1BMRS8xMjM", "displayName": "John Andersen",
                    "emails": ["john@example.test", "j.a@example.test"],
                    "avatar": "https://avatar.example/j.png"}),
        )
        .unwrap();
        assert_eq!(user.email.as_deref(), Some("john@example.test"));
        assert_eq!(user.email_verified, None);
        let unnamed = map_user(
            &WEBEX.user,
            &json!({"id": "Y2l", "firstName": "John", "lastName": "Andersen", "emails": []}),
        )
        .unwrap();
        assert_eq!(unnamed.name.as_deref(), Some("John Andersen"));
        assert_eq!(unnamed.email, None);
    }
}
