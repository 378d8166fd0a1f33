//! Twitch: credentials in the token request body, `scope` answered as a JSON array, errors
//! as `{"status": 400, "message": "..."}`, and Helix API calls that need the app's
//! `Client-Id` header besides the token; the user is `data[0]`, whose `email` Twitch
//! documents as the user's verified address (so `emailVerified` is true when there is one).
//! No PKCE: Twitch's authentication documentation has none, and Twitch's developer support
//! confirms it is not supported.

use super::spec::{
    EmailVerified, OAuth2Preset, ProfileCall, ProfileUrl, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// Twitch, declared.
const TWITCH: OAuth2Preset = OAuth2Preset {
    name: "Twitch",
    web: "https://id.twitch.tv",
    api: "https://api.twitch.tv",
    authorize: web("/oauth2/authorize"),
    token: web("/oauth2/token"),
    scopes: &["user:read:email"],
    client_auth: ClientAuth::Post,
    pkce: false,
    profile: ProfileCall {
        headers: &[("client-id", "{client_id}")],
        user_at: "/data/0",
        ..ProfileCall::bearer_get(api("/helix/users"))
    },
    user: UserFields {
        name: &["/display_name", "/login"],
        username: &["/login"],
        email: &["/email"],
        // Helix documents `email` as "the user's verified email address".
        email_verified: EmailVerified::Always,
        avatar: &["/profile_image_url"],
        profile_url: ProfileUrl::Template("https://www.twitch.tv/{/login}"),
        ..UserFields::id("/id")
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Twitch preset. `id.twitch.tv` (the web host) serves `/oauth2/authorize` and
    /// `/oauth2/token`, `api.twitch.tv` (the API host) serves `/helix/users`.
    ///
    /// ```
    /// let twitch = coauth_core::presets::Twitch::new("client-id", "client-secret").build()?;
    /// # let _ = twitch;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Twitch = TWITCH
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, map_user, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    /// What the preset reads from `answer` to the Helix users call.
    async fn read(answer: Value) -> Result<(crate::User, Value), crate::Error> {
        let http = move |request: Request<Bytes>| {
            assert_eq!(request.uri(), "https://api.twitch.tv/helix/users");
            // Helix wants the app's Client-Id besides the token.
            assert_eq!(request.headers()["client-id"], "app");
            let body = Bytes::from(answer.to_string());
            async move { Ok(Response::new(body)) }
        };
        let twitch = Twitch::new("app", "secret");
        fetch_profile(twitch.builder, &http, &test_credentials("t", json!({}))).await
    }

    #[tokio::test]
    async fn user_is_the_first_of_data() {
        let (user, profile) = read(json!({"data": [{"id": "141981764", "login": "twitchdev",
                                                    "display_name": "TwitchDev"}]}))
        .await
        .unwrap();
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://www.twitch.tv/twitchdev")
        );
        assert_eq!(user.name.as_deref(), Some("TwitchDev"));
        assert_eq!(user.email_verified, None);
        assert_eq!(profile["login"], "twitchdev");
        let error = read(json!({"data": []})).await.unwrap_err();
        assert_eq!(error.code(), "ProviderError");
    }

    #[test]
    fn the_email_twitch_returns_is_verified() {
        let user = map_user(
            &TWITCH.user,
            &json!({"id": "141981764", "login": "twitchdev", "email": "dev@twitch.test"}),
        )
        .unwrap();
        assert_eq!(user.email.as_deref(), Some("dev@twitch.test"));
        assert_eq!(user.email_verified, Some(true));
    }
}
