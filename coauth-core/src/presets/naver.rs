//! Naver: the token request repeats the redirect's `state` and carries the client
//! credentials in its body, token errors come with HTTP 200, and the profile API
//! (`openapi.naver.com/v1/nid/me`) says in every answer whether it succeeded:
//! `{"resultcode": "00", "message": "success", "response": {...}}`, the user being
//! `response`; any other `resultcode` is an error. The information the app may read is set
//! on the app at Naver Developers: no scope is sent. Naver does not say whether the email it
//! returns is verified. Every code grant issues a refresh token. No PKCE and no silent
//! sign-in: Naver's login API documentation has neither.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Naver, declared.
const NAVER: OAuth2Preset = OAuth2Preset {
    name: "Naver",
    web: "https://nid.naver.com",
    api: "https://openapi.naver.com",
    authorize: web("/oauth2.0/authorize"),
    token: web("/oauth2.0/token"),
    scopes: &[],
    client_auth: ClientAuth::Post,
    pkce: false,
    redirect_params_to_token: &["state"],
    profile: ProfileCall {
        user_at: "/response",
        success: Some(("/resultcode", "00")),
        ..ProfileCall::bearer_get(api("/v1/nid/me"))
    },
    user: UserFields {
        name: &["/nickname", "/name"],
        email: &["/email"],
        avatar: &["/profile_image"],
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Naver preset. `nid.naver.com` (the web host) serves `/oauth2.0/authorize` and
    /// `/oauth2.0/token`, `openapi.naver.com` (the API host) serves `/v1/nid/me`.
    ///
    /// ```
    /// let naver = coauth_core::presets::Naver::new("client-id", "client-secret").build()?;
    /// # let _ = naver;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Naver = NAVER
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    async fn read(answer: Value) -> Result<crate::User, crate::Error> {
        let http = move |_: Request<Bytes>| {
            let body = Bytes::from(answer.to_string());
            async move { Ok(Response::new(body)) }
        };
        let naver = Naver::new("id", "secret");
        fetch_profile(naver.builder, &http, &test_credentials("t", json!({})))
            .await
            .map(|(user, _)| user)
    }

    #[tokio::test]
    async fn the_user_is_the_response_of_a_successful_answer() {
        let user = read(
            json!({"resultcode": "00", "message": "success", "response": {
            "id": "32742776", "nickname": "OpenAPI", "email": "openapi@naver.com",
            "profile_image": "https://ssl.pstatic.net/static/pwe/address/nodata_33x33.gif"}}),
        )
        .await
        .unwrap();
        assert_eq!(user.id, "32742776");
        assert_eq!(user.name.as_deref(), Some("OpenAPI"));
        assert_eq!(user.email_verified, None);
        let error = read(json!({"resultcode": "024", "message": "Authentication failed"}))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "ProviderError");
        assert!(error.to_string().contains("024"), "{error}");
    }

    #[test]
    fn the_token_request_repeats_the_state() {
        let naver = Naver::new("id", "secret").build().unwrap();
        assert_eq!(naver.config().redirect_params_to_token, ["state"]);
    }
}
