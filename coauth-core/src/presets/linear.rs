//! Linear: the authorization page is on `linear.app`, the token endpoint on
//! `api.linear.app`, scopes are comma-separated (`read` reads the user), the client id and
//! secret go in the token request's body, and PKCE is taken. There is no REST profile: the
//! user is the GraphQL `viewer`, read with a `POST` of a JSON query to `/graphql`, and
//! GraphQL errors come with HTTP 200 and no `data` (refused as an answer without a user).
//! Linear does not say whether it verified the email. A refresh token comes with every code
//! grant (every app uses Linear's refresh tokens since April 2026).

use super::spec::{
    Method, OAuth2Preset, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// The GraphQL query of the profile call.
const VIEWER: &str = r#"{"query":"{ viewer { id name displayName email avatarUrl url } }"}"#;

/// Linear, declared.
const LINEAR: OAuth2Preset = OAuth2Preset {
    name: "Linear",
    web: "https://linear.app",
    api: "https://api.linear.app",
    authorize: web("/oauth/authorize"),
    token: api("/oauth/token"),
    scopes: &["read"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: true,
    profile: ProfileCall {
        method: Method::Post,
        json: VIEWER,
        user_at: "/data/viewer",
        ..ProfileCall::bearer_get(api("/graphql"))
    },
    user: UserFields {
        name: &["/name", "/displayName"],
        username: &["/displayName"],
        email: &["/email"],
        avatar: &["/avatarUrl"],
        profile_url: ProfileUrl::Field("/url"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Linear preset. `linear.app` (the web host) serves `/oauth/authorize`,
    /// `api.linear.app` (the API host) serves `/oauth/token` and `/graphql`.
    ///
    /// ```
    /// let linear = coauth_core::presets::Linear::new("client-id", "client-secret").build()?;
    /// # let _ = linear;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Linear = LINEAR
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    /// What the preset reads from `answer` to its GraphQL query.
    async fn read(answer: Value) -> Result<(crate::User, Value), crate::Error> {
        let http = move |request: Request<Bytes>| {
            assert_eq!(request.method(), http::Method::POST);
            assert_eq!(request.uri(), "https://api.linear.app/graphql");
            assert_eq!(request.headers()["content-type"], "application/json");
            assert_eq!(request.headers()["authorization"], "Bearer t");
            let query: Value = serde_json::from_slice(request.body()).unwrap();
            assert!(query["query"].as_str().unwrap().contains("viewer"));
            let body = Bytes::from(answer.to_string());
            async move { Ok(Response::new(body)) }
        };
        let linear = Linear::new("id", "secret");
        fetch_profile(linear.builder, &http, &test_credentials("t", json!({}))).await
    }

    #[tokio::test]
    async fn the_viewer_of_a_graphql_query() {
        let (user, profile) = read(json!({"data": {"viewer": {
            "id": "8f6c2b1e-1d2e-4f5a-9b3c-7d8e9f0a1b2c", "name": "Ada Lovelace",
            "displayName": "ada", "email": "ada@example.test"}}}))
        .await
        .unwrap();
        assert_eq!(user.id, "8f6c2b1e-1d2e-4f5a-9b3c-7d8e9f0a1b2c");
        assert_eq!(user.username.as_deref(), Some("ada"));
        assert_eq!(profile["email"], "ada@example.test");
        let error = read(json!({"data": null, "errors": [{"message": "Authentication required"}]}))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "ProviderError");
    }
}
