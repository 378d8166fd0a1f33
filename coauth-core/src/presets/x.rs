//! X (Twitter) OAuth 2.0: PKCE is required, confidential clients authenticate with HTTP
//! Basic and must send `client_id` in the body as well, and the profile is wrapped in
//! `data`. X gives no email through this API.

use super::spec::{OAuth2Preset, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// X's OAuth 2.0, declared.
const X_OAUTH2: OAuth2Preset = OAuth2Preset {
    name: "X",
    web: "https://x.com",
    api: "https://api.x.com",
    authorize: web("/i/oauth2/authorize"),
    token: api("/2/oauth2/token"),
    // users.read needs tweet.read as well.
    scopes: &["users.read", "tweet.read"],
    // X wants the client id in the form body as well as in the Basic header.
    client_auth: ClientAuth::BasicWithClientIdInBody,
    profile: ProfileCall {
        query: &[("user.fields", "profile_image_url")],
        user_at: "/data",
        ..ProfileCall::bearer_get(api("/2/users/me"))
    },
    user: UserFields {
        name: &["/name"],
        username: &["/username"],
        avatar: &["/profile_image_url"],
        profile_url: ProfileUrl::Template("https://x.com/{/username}"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::WithScope("offline.access"),
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The X OAuth 2.0 preset (for OAuth 1.0a see the Twitter preset). The authorize page is
    /// on `x.com` (the web host), the token endpoint and `/2/users/me` on `api.x.com` (the
    /// API host).
    ///
    /// ```
    /// let x = coauth_core::presets::X::new("client-id", "client-secret").build()?;
    /// # let _ = x;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    X = X_OAUTH2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    /// What the preset reads from `answer` to `GET /2/users/me`.
    async fn read(answer: Value) -> Result<(crate::User, Value), crate::Error> {
        let http = move |request: Request<Bytes>| {
            assert_eq!(
                request.uri(),
                "https://api.x.com/2/users/me?user.fields=profile_image_url"
            );
            let body = Bytes::from(answer.to_string());
            async move { Ok(Response::new(body)) }
        };
        let x = X::new("id", "secret");
        fetch_profile(x.builder, &http, &test_credentials("t", json!({}))).await
    }

    #[tokio::test]
    async fn profile_is_under_data() {
        let (user, profile) =
            read(json!({"data": {"id": "2244994945", "name": "X Dev", "username": "XDevelopers"}}))
                .await
                .unwrap();
        assert_eq!(user.id, "2244994945");
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://x.com/XDevelopers")
        );
        assert_eq!(profile["username"], "XDevelopers");
        let error = read(json!({"errors": []})).await.unwrap_err();
        assert_eq!(error.code(), "ProviderError");
    }
}
