//! VK (the legacy OAuth of vk.com): every API call names an API version (`v=`), scopes are
//! comma-separated, the user's `email` and `user_id` arrive only in the token answer, and
//! API errors come with HTTP 200 as `{"error": {"error_code", "error_msg"}}`. For the newer
//! VK ID see [`super::VkId`].

use serde_json::Value;

use super::spec::{
    Hooks, OAuth2Preset, PresetContext, ProfileCall, ProfileUrl, Refresh, TokenIn, UserFields, api,
    preset, text, web,
};
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};
use crate::{DenialRule, Error};

/// The VK API version the preset asks for unless told otherwise.
pub const VK_API_VERSION: &str = "5.199";

/// How the provider reports that the user refused: VK adds `error_reason=user_denied` to
/// its `error=access_denied`.
const DENIALS: &[DenialRule] = &[
    DenialRule::equals("error", "access_denied"),
    DenialRule::equals("error_reason", "user_denied"),
];

/// VK, declared.
const VK: OAuth2Preset = OAuth2Preset {
    name: "VK",
    web: "https://oauth.vk.ru",
    api: "https://api.vk.ru",
    authorize: web("/authorize"),
    token: web("/access_token"),
    scopes: &["email"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: false,
    authorize_params: &[("display", "popup"), ("v", "{version}")],
    denials: DENIALS,
    vars: &[("version", VK_API_VERSION)],
    profile: ProfileCall {
        token: TokenIn::Query("access_token"),
        query: &[("fields", "photo_100,screen_name"), ("v", "{version}")],
        user_at: "/response/0",
        ..ProfileCall::bearer_get(api("/method/users.get"))
    },
    user: UserFields {
        full_name: Some(("/first_name", "/last_name")),
        username: &["/screen_name"],
        avatar: &["/photo_100"],
        // Without a screen name, `id<id>` (see `from_the_token_answer`).
        profile_url: ProfileUrl::Template("https://vk.com/{/screen_name}"),
        ..UserFields::id("/id")
    },
    hooks: Hooks {
        request: None,
        user: Some(from_the_token_answer),
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The VK preset. `oauth.vk.ru` (the web host) serves `/authorize` and `/access_token`,
    /// `api.vk.ru` (the API host) serves `/method/users.get`.
    ///
    /// ```
    /// let vk = coauth_core::presets::Vk::new("app-id", "secure-key").build()?;
    /// # let _ = vk;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Vk = VK
}

impl Vk {
    /// Another API version, e.g. `"5.131"`.
    pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
        self.builder = self.builder.var("version", version);
        self
    }
}

/// Refuses a profile of another user than the token's `user_id`, takes the email from the
/// token answer (kept with the profile for `fields`), and makes `https://vk.com/id<id>` the
/// profile URL of a user without a screen name.
fn from_the_token_answer(
    _: &PresetContext,
    profile: &mut Value,
    credentials: &Credentials,
    user: &mut User,
) -> Result<(), Error> {
    let token = |name| {
        credentials
            .extra
            .get(name)
            .and_then(|value| text(value, ""))
    };
    if token("user_id").is_some_and(|token_user| token_user != user.id) {
        return Err(Error::Provider(
            "VK's token and profile name different users".into(),
        ));
    }
    user.email = token("email");
    if let (Some(email), Some(object)) = (&user.email, profile.as_object_mut()) {
        object.insert("email".into(), email.clone().into());
    }
    if user.profile_url.is_none() {
        user.profile_url = Some(format!("https://vk.com/id{}", user.id));
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

    fn users_get() -> Value {
        json!({"response": [{"id": 66748, "first_name": "Pavel", "last_name": "Durov",
                             "screen_name": "durov", "photo_100": "https://vk.example/p.jpg"}]})
    }

    /// What the preset reads from `answer`, with a token answer carrying `extra`.
    async fn read(answer: Value, extra: Value) -> Result<(User, Value), Error> {
        let http = move |request: Request<Bytes>| {
            assert_eq!(
                request.uri().query(),
                Some("fields=photo_100%2Cscreen_name&v=5.199&access_token=t")
            );
            let body = Bytes::from(answer.to_string());
            async move { Ok(Response::new(body)) }
        };
        let vk = Vk::new("app", "key");
        fetch_profile(vk.builder, &http, &test_credentials("t", extra)).await
    }

    #[tokio::test]
    async fn email_and_user_id_come_from_the_token_answer() {
        let extra = json!({"user_id": 66748, "email": "p@x.test"});
        let (user, profile) = read(users_get(), extra).await.unwrap();
        assert_eq!(user.id, "66748");
        assert_eq!(user.name.as_deref(), Some("Pavel Durov"));
        assert_eq!(user.email.as_deref(), Some("p@x.test"));
        assert_eq!(user.profile_url.as_deref(), Some("https://vk.com/durov"));
        assert_eq!(profile["email"], "p@x.test");
        let mut anonymous = users_get();
        anonymous["response"][0]["screen_name"] = Value::Null;
        let (user, _) = read(anonymous, json!({})).await.unwrap();
        assert_eq!(user.profile_url.as_deref(), Some("https://vk.com/id66748"));
        assert_eq!(user.email, None);
    }

    #[tokio::test]
    async fn a_token_for_another_user_is_refused() {
        let extra = json!({"user_id": 1});
        let error = read(users_get(), extra.clone()).await.unwrap_err();
        assert_eq!(error.code(), "ProviderError");
        assert!(read(json!({"response": []}), extra).await.is_err());
    }
}
