//! Weibo: the token answer names the user (`uid`), whom the profile call must name again
//! (`/2/users/show.json?uid=...`, with the access token as the `access_token` query
//! parameter), and API errors carry an `error_code`. Weibo gives no email to ordinary apps.
//! Web apps get no refresh token (Weibo issues those to its mobile SDK only). No PKCE and no
//! silent sign-in: Weibo's OAuth 2.0 documentation has neither.

use super::spec::{
    OAuth2Preset, ProfileCall, ProfileUrl, Refresh, TokenIn, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// Weibo, declared.
const WEIBO: OAuth2Preset = OAuth2Preset {
    name: "Weibo",
    web: "https://api.weibo.com",
    api: "https://api.weibo.com",
    authorize: web("/oauth2/authorize"),
    token: api("/oauth2/access_token"),
    // The basic user information needs no scope.
    scopes: &[],
    client_auth: ClientAuth::Post,
    pkce: false,
    token_user_id: Some("/uid"),
    profile: ProfileCall {
        token: TokenIn::Query("access_token"),
        query: &[("uid", "{user_id}")],
        ..ProfileCall::bearer_get(api("/2/users/show.json"))
    },
    user: UserFields {
        name: &["/screen_name", "/name"],
        username: &["/domain"],
        avatar: &["/avatar_large", "/profile_image_url"],
        // `profile_url` is a path whose form varies (`zaku`, `/u/2656274875`): the page by
        // id is always there.
        profile_url: ProfileUrl::Template("https://weibo.com/u/{/id}"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Weibo preset. `api.weibo.com` serves `/oauth2/authorize`,
    /// `/oauth2/access_token` and `/2/users/show.json` (web and API host alike).
    ///
    /// ```
    /// let weibo = coauth_core::presets::Weibo::new("app-key", "app-secret").build()?;
    /// # let _ = weibo;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Weibo = WEIBO
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    async fn read(answer: Value, uid: &str) -> Result<crate::User, crate::Error> {
        let http = move |request: Request<Bytes>| {
            assert_eq!(request.uri().query(), Some("uid=1404376560&access_token=t"));
            let body = Bytes::from(answer.to_string());
            async move { Ok(Response::new(body)) }
        };
        let weibo = Weibo::new("key", "secret");
        let credentials = test_credentials("t", json!({"uid": uid, "remind_in": "157679999"}));
        fetch_profile(weibo.builder, &http, &credentials)
            .await
            .map(|(user, _)| user)
    }

    #[tokio::test]
    async fn the_profile_of_the_token_s_uid() {
        let show = json!({"id": 1404376560_u64, "idstr": "1404376560", "screen_name": "zaku",
                          "domain": "zaku", "profile_url": "zaku",
                          "avatar_large": "https://tvax1.sinaimg.cn/large/x.jpg"});
        let user = read(show.clone(), "1404376560").await.unwrap();
        assert_eq!(user.id, "1404376560");
        assert_eq!(user.name.as_deref(), Some("zaku"));
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://weibo.com/u/1404376560")
        );
        let error = read(
            json!({"error": "expired_token", "error_code": 21327,
                                "request": "/2/users/show.json"}),
            "1404376560",
        )
        .await
        .unwrap_err();
        assert_eq!(error.code(), "ProviderError");
    }
}
