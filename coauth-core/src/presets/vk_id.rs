//! VK ID (OAuth 2.1 at id.vk.ru): a public client, so PKCE is mandatory and no secret is
//! sent; the redirect carries a `device_id` that the token request must repeat (with the
//! `state`); the profile is a `POST` to `/oauth2/user_info` with the token and the client id
//! in the form, answered as `{"user": {...}}`.

use super::spec::{
    Method, OAuth2Preset, PresetBuilder, ProfileCall, ProfileUrl, TokenIn, UserFields, api, preset,
    web,
};
use crate::Secret;
use crate::oauth2::ClientAuth;

/// VK ID, declared.
const VK_ID: OAuth2Preset = OAuth2Preset {
    name: "VK ID",
    web: "https://id.vk.ru",
    api: "https://id.vk.ru",
    authorize: web("/authorize"),
    token: api("/oauth2/auth"),
    scopes: &["vkid.personal_info", "email"],
    client_auth: ClientAuth::Public,
    redirect_params_to_token: &["device_id", "state"],
    profile: ProfileCall {
        method: Method::Post,
        form: &[("client_id", "{client_id}")],
        token: TokenIn::Form("access_token"),
        user_at: "/user",
        ..ProfileCall::bearer_get(api("/oauth2/user_info"))
    },
    // `verified` is about the account, not the email: `emailVerified` stays unknown.
    user: UserFields {
        full_name: Some(("/first_name", "/last_name")),
        email: &["/email"],
        avatar: &["/avatar"],
        profile_url: ProfileUrl::Template("https://vk.com/id{/user_id}"),
        ..UserFields::id("/user_id")
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The VK ID preset. `id.vk.ru` serves everything: the web host `/authorize`, the API
    /// host `/oauth2/auth` (tokens) and `/oauth2/user_info`.
    ///
    /// ```
    /// let vk_id = coauth_core::presets::VkId::new("app-id").build()?;
    /// # let _ = vk_id;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    VkId = VK_ID, custom_new
}

impl VkId {
    /// VK ID with the app's id. The code exchange is a public-client PKCE exchange: VK ID
    /// takes no client secret there.
    pub fn new(app_id: impl Into<String>) -> Self {
        VkId {
            builder: PresetBuilder::new(Self::SPEC, app_id, Secret::new("")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, map_user, test_credentials};
    use bytes::Bytes;
    use http::{Method as HttpMethod, Request, Response};
    use serde_json::json;

    #[test]
    fn user_object() {
        let user = map_user(
            &VK_ID.user,
            &json!({"user_id": "1234567890", "first_name": "Ivan", "last_name": "I",
                    "email": "i@x.test", "verified": true}),
        )
        .unwrap();
        assert_eq!(user.id, "1234567890");
        assert_eq!(user.name.as_deref(), Some("Ivan I"));
        assert_eq!(user.email_verified, None);
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://vk.com/id1234567890")
        );
    }

    #[tokio::test]
    async fn user_info_is_a_form_post() {
        let http = |request: Request<Bytes>| {
            assert_eq!(request.method(), HttpMethod::POST);
            assert_eq!(request.uri(), "https://id.vk.ru/oauth2/user_info");
            assert_eq!(&request.body()[..], b"client_id=app&access_token=t");
            async { Ok(Response::new(Bytes::from(r#"{"user": {"user_id": 5}}"#))) }
        };
        let (user, _) = fetch_profile(
            VkId::new("app").builder,
            &http,
            &test_credentials("t", json!({})),
        )
        .await
        .unwrap();
        assert_eq!(user.id, "5");
    }

    #[test]
    fn device_id_and_state_go_to_the_token_request() {
        let provider = VkId::new("app").build().unwrap();
        assert_eq!(
            provider.config().redirect_params_to_token,
            ["device_id", "state"]
        );
        assert_eq!(provider.config().client_auth, ClientAuth::Public);
        assert!(provider.config().pkce);
    }
}
