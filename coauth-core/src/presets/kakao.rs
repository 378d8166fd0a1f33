//! Kakao: the client id is the app's REST API key, PKCE, the client secret in the token
//! request's body (Kakao requires it only when the app turned the client secret on; coauth
//! always sends the one configured), and the user's information under `kakao_account`. What
//! the app may read is set as consent items on the app: no scope is sent unless the client
//! asks (comma-separated). Kakao documents two email flags: `is_email_verified` (the address
//! was verified) and `is_email_valid` (it is still the account's: `false` once it expired or
//! was taken by another account); `emailVerified` is true only when both are. The id is a
//! number, stable per service. Every code grant issues a refresh token. No silent sign-in:
//! Kakao documents `prompt=none` only for its auto-login inside the Kakao Talk in-app
//! browser, answering `consent_required`, not for other browsers.

use serde_json::Value;

use super::spec::{
    EmailVerified, Hooks, OAuth2Preset, PresetContext, ProfileCall, Refresh, UserFields, api,
    preset, web,
};
use crate::Error;
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};

/// Kakao, declared.
const KAKAO: OAuth2Preset = OAuth2Preset {
    name: "Kakao",
    web: "https://kauth.kakao.com",
    api: "https://kapi.kakao.com",
    authorize: web("/oauth/authorize"),
    token: web("/oauth/token"),
    // Consent items are set on the app: none is sent unless the client asks.
    scopes: &[],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    profile: ProfileCall::bearer_get(api("/v2/user/me")),
    user: UserFields {
        name: &["/kakao_account/profile/nickname", "/properties/nickname"],
        email: &["/kakao_account/email"],
        email_verified: EmailVerified::Field("/kakao_account/is_email_verified"),
        avatar: &[
            "/kakao_account/profile/profile_image_url",
            "/properties/profile_image",
        ],
        ..UserFields::id("/id")
    },
    hooks: Hooks {
        request: None,
        user: Some(still_valid_email),
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Kakao preset, for the app's REST API key and client secret. `kauth.kakao.com`
    /// (the web host) serves `/oauth/authorize` and `/oauth/token`, `kapi.kakao.com` (the
    /// API host) serves `/v2/user/me`.
    ///
    /// ```
    /// let kakao = coauth_core::presets::Kakao::new("rest-api-key", "client-secret").build()?;
    /// # let _ = kakao;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Kakao = KAKAO
}

/// A verified email counts only while Kakao also says it is valid (`is_email_valid`).
fn still_valid_email(
    _: &PresetContext,
    profile: &mut Value,
    _: &Credentials,
    user: &mut User,
) -> Result<(), Error> {
    if user.email.is_some() {
        let valid = profile.pointer("/kakao_account/is_email_valid") == Some(&Value::Bool(true));
        user.email_verified = Some(user.email_verified == Some(true) && valid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    async fn read(account: Value) -> User {
        let http = move |_: Request<Bytes>| {
            let me = json!({"id": 123456789, "kakao_account": account});
            async move { Ok(Response::new(Bytes::from(me.to_string()))) }
        };
        let kakao = Kakao::new("key", "secret");
        let (user, _) = fetch_profile(kakao.builder, &http, &test_credentials("t", json!({})))
            .await
            .unwrap();
        user
    }

    #[tokio::test]
    async fn an_email_is_verified_only_while_valid() {
        let account = |verified: bool, valid: bool| {
            json!({"profile": {"nickname": "홍길동"}, "email": "sample@sample.com",
                   "is_email_verified": verified, "is_email_valid": valid})
        };
        let user = read(account(true, true)).await;
        assert_eq!(user.id, "123456789");
        assert_eq!(user.name.as_deref(), Some("홍길동"));
        assert_eq!(user.email_verified, Some(true));
        assert_eq!(read(account(true, false)).await.email_verified, Some(false));
        assert_eq!(read(account(false, true)).await.email_verified, Some(false));
        let no_email = read(json!({"profile": {"nickname": "홍길동"}})).await;
        assert_eq!((no_email.email, no_email.email_verified), (None, None));
    }
}
