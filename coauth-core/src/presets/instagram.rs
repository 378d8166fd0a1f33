//! Instagram (the Instagram API with Instagram Login, for Instagram professional accounts):
//! the client credentials in the token request's body, comma-separated scopes
//! (`instagram_business_basic`), a token answer documented both at the top level and
//! wrapped (`{"data": [{"access_token": ...}]}`), and the profile from `graph.instagram.com/me`, whose
//! fields are sent only when named (`fields=`) and whose access token travels as the
//! `access_token` query parameter. `id` is the user's id for the app; `user_id`, the
//! professional account's id, is kept in the profile. Instagram gives no email. Tokens are
//! short-lived (one hour) and exchanged for long-lived ones outside the sign-in; no refresh
//! token. No PKCE and no silent sign-in: Instagram's documentation has neither.

use super::spec::{
    OAuth2Preset, ProfileCall, ProfileUrl, Refresh, TokenIn, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// Instagram, declared.
const INSTAGRAM: OAuth2Preset = OAuth2Preset {
    name: "Instagram",
    // The authorization window and the token endpoint are both on `api.instagram.com`.
    web: "https://api.instagram.com",
    api: "https://graph.instagram.com",
    authorize: web("/oauth/authorize"),
    token: web("/oauth/access_token"),
    scopes: &["instagram_business_basic"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: false,
    // The Business Login guide shows the tokens wrapped in `data`; the endpoint reference
    // shows them at the top level. Both are read.
    token_answer_at: Some("/data/0"),
    profile: ProfileCall {
        token: TokenIn::Query("access_token"),
        query: &[("fields", "id,user_id,username,name,profile_picture_url")],
        ..ProfileCall::bearer_get(api("/me"))
    },
    user: UserFields {
        name: &["/name", "/username"],
        username: &["/username"],
        avatar: &["/profile_picture_url"],
        profile_url: ProfileUrl::Template("https://www.instagram.com/{/username}"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Instagram preset, for the Instagram app id and secret (not the Meta app's).
    /// `api.instagram.com` (the web host) serves `/oauth/authorize` and
    /// `/oauth/access_token`, `graph.instagram.com` (the API host) serves `/me`.
    ///
    /// ```
    /// let instagram =
    ///     coauth_core::presets::Instagram::new("instagram-app-id", "instagram-app-secret")
    ///         .build()?;
    /// # let _ = instagram;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Instagram = INSTAGRAM
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn the_app_scoped_id_and_the_username() {
        let user = map_user(
            &INSTAGRAM.user,
            &json!({"id": "7590282904327", "user_id": "17841405793187218",
                    "username": "jayposiris", "profile_picture_url": "https://x.test/p.jpg"}),
        )
        .unwrap();
        assert_eq!(user.id, "7590282904327");
        assert_eq!(user.name.as_deref(), Some("jayposiris"));
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://www.instagram.com/jayposiris")
        );
        assert_eq!(INSTAGRAM.scope_separator, ",");
    }
}
