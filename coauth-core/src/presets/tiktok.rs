//! TikTok (Login Kit v2): the client id is the app's *client key* and travels as
//! `client_key` (in the authorization URL and in the token request's body, with the client
//! secret), scopes are comma-separated, and the token answer names the user (`open_id`).
//! The user info API answers `{"data": {"user": {...}}, "error": {"code": "ok", ...}}` with
//! every request: `error.code` other than `ok` is an error, whatever the HTTP status, and
//! only the fields named in `fields=` are sent. `open_id` is the user's stable id for the
//! app. TikTok gives no email. Every code grant issues a refresh token. No PKCE (TikTok
//! documents it for its desktop and mobile kits only, not for web apps) and no silent
//! sign-in.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// TikTok, declared.
const TIKTOK: OAuth2Preset = OAuth2Preset {
    name: "TikTok",
    web: "https://www.tiktok.com",
    api: "https://open.tiktokapis.com",
    authorize: web("/v2/auth/authorize/"),
    token: api("/v2/oauth/token/"),
    scopes: &["user.info.basic"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    client_id_param: "client_key",
    pkce: false,
    token_user_id: Some("/open_id"),
    profile: ProfileCall {
        query: &[("fields", "open_id,union_id,avatar_url,display_name")],
        user_at: "/data/user",
        success: Some(("/error/code", "ok")),
        ..ProfileCall::bearer_get(api("/v2/user/info/"))
    },
    user: UserFields {
        name: &["/display_name"],
        avatar: &["/avatar_url"],
        ..UserFields::id("/open_id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The TikTok preset, for the app's client key and client secret. `www.tiktok.com` (the
    /// web host) serves `/v2/auth/authorize/`, `open.tiktokapis.com` (the API host) serves
    /// `/v2/oauth/token/` and `/v2/user/info/`.
    ///
    /// ```
    /// let tiktok = coauth_core::presets::TikTok::new("client-key", "client-secret").build()?;
    /// # let _ = tiktok;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    TikTok = TIKTOK
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    async fn read(answer: Value, open_id: &str) -> Result<crate::User, crate::Error> {
        let http = move |request: Request<Bytes>| {
            assert_eq!(
                request.uri().query(),
                Some("fields=open_id%2Cunion_id%2Cavatar_url%2Cdisplay_name")
            );
            let body = Bytes::from(answer.to_string());
            async move { Ok(Response::new(body)) }
        };
        let tiktok = TikTok::new("key", "secret");
        let credentials = test_credentials("t", json!({"open_id": open_id}));
        fetch_profile(tiktok.builder, &http, &credentials)
            .await
            .map(|(user, _)| user)
    }

    #[tokio::test]
    async fn the_user_of_an_ok_answer() {
        let answer = json!({"data": {"user": {"open_id": "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
            "union_id": "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1", "display_name": "Tik Toker",
            "avatar_url": "https://p19-sign.tiktokcdn-us.com/a.jpeg"}},
            "error": {"code": "ok", "message": "", "log_id": "20220829194722CBE87ED59D524E727021"}});
        let user = read(answer, "723f24d7-e717-40f8-a2b6-cb8464cd23b4")
            .await
            .unwrap();
        assert_eq!(user.id, "723f24d7-e717-40f8-a2b6-cb8464cd23b4");
        assert_eq!(user.name.as_deref(), Some("Tik Toker"));
        let error = read(
            json!({"data": {}, "error": {"code": "scope_not_authorized", "message": "x",
                                        "log_id": "1"}}),
            "723f24d7-e717-40f8-a2b6-cb8464cd23b4",
        )
        .await
        .unwrap_err();
        assert!(
            error.to_string().contains("scope_not_authorized"),
            "{error}"
        );
    }

    #[test]
    fn the_client_key_is_the_client_id() {
        let tiktok = TikTok::new("key", "secret").build().unwrap();
        assert_eq!(tiktok.config().client_id_param, "client_key");
        assert_eq!(tiktok.config().scope_separator, ",");
    }
}
