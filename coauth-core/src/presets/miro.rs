//! Miro: the authorization page is on `miro.com`, the token endpoint and the API on
//! `api.miro.com`, the client id and secret go in the token request's body, and the user is
//! read from the token's context (`/v1/oauth-token`), whose `user` has an id and a name but
//! no email. An app that turned on expiring tokens gets a refresh token with every code
//! grant (one hour access tokens, 60 day refresh tokens); other apps' tokens never expire.
//! No PKCE: Miro's OAuth documentation has none. The scopes are the app's (set in Miro's
//! developer settings); none is sent unless the client asks.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Miro, declared.
const MIRO: OAuth2Preset = OAuth2Preset {
    name: "Miro",
    web: "https://miro.com",
    api: "https://api.miro.com",
    authorize: web("/oauth/authorize"),
    token: api("/v1/oauth/token"),
    scopes: &[],
    client_auth: ClientAuth::Post,
    pkce: false,
    profile: ProfileCall {
        user_at: "/user",
        ..ProfileCall::bearer_get(api("/v1/oauth-token"))
    },
    user: UserFields {
        name: &["/name"],
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Miro preset. `miro.com` (the web host) serves `/oauth/authorize`, `api.miro.com`
    /// (the API host) serves `/v1/oauth/token` and `/v1/oauth-token`. Miro gives no email.
    ///
    /// ```
    /// let miro = coauth_core::presets::Miro::new("client-id", "client-secret").build()?;
    /// # let _ = miro;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Miro = MIRO
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[tokio::test]
    async fn the_user_of_the_token_context() {
        let http = |request: Request<Bytes>| {
            assert_eq!(request.uri(), "https://api.miro.com/v1/oauth-token");
            let context = json!({"type": "oauth_token", "scopes": ["boards:read"],
                "team": {"id": "3074457350804038700", "name": "Team"},
                "createdBy": {"id": "1", "name": "Someone Else"},
                "user": {"type": "user", "id": "3074457347105456666", "name": "Ada"}});
            async move { Ok(Response::new(Bytes::from(context.to_string()))) }
        };
        let miro = Miro::new("id", "secret");
        let (user, profile) = fetch_profile(miro.builder, &http, &test_credentials("t", json!({})))
            .await
            .unwrap();
        assert_eq!(user.id, "3074457347105456666");
        assert_eq!(user.name.as_deref(), Some("Ada"));
        assert_eq!(user.email, None);
        assert_eq!(profile["type"], "user");
    }
}
