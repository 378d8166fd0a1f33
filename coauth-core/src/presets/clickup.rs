//! ClickUp: the authorization page is `app.clickup.com/api`, the token endpoint
//! `api.clickup.com/api/v2/oauth/token` (the client id and secret with the code, in the
//! request's body), and the API takes the access token as the whole `Authorization` header,
//! without a `Bearer` scheme. `/api/v2/user` wraps the user in `user`; ClickUp does not say
//! whether it verified the email. ClickUp has no scopes (the user picks the Workspaces), and
//! its access tokens do not expire (no refresh token). No PKCE: ClickUp's documentation has
//! none.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, TokenIn, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// ClickUp, declared.
const CLICKUP: OAuth2Preset = OAuth2Preset {
    name: "ClickUp",
    web: "https://app.clickup.com",
    api: "https://api.clickup.com",
    authorize: web("/api"),
    token: api("/api/v2/oauth/token"),
    scopes: &[],
    client_auth: ClientAuth::Post,
    pkce: false,
    profile: ProfileCall {
        token: TokenIn::Bare,
        user_at: "/user",
        ..ProfileCall::bearer_get(api("/api/v2/user"))
    },
    user: UserFields {
        name: &["/username"],
        email: &["/email"],
        avatar: &["/profilePicture"],
        ..UserFields::id("/id")
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The ClickUp preset. `app.clickup.com` (the web host) serves `/api`, the authorization
    /// page; `api.clickup.com` (the API host) serves `/api/v2/oauth/token` and
    /// `/api/v2/user`.
    ///
    /// ```
    /// let clickup = coauth_core::presets::ClickUp::new("client-id", "secret").build()?;
    /// # let _ = clickup;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    ClickUp = CLICKUP
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[tokio::test]
    async fn the_token_is_the_whole_authorization_header() {
        let http = |request: Request<Bytes>| {
            // No scheme: the header is the token.
            assert_eq!(request.headers()["authorization"], "12345_abcdef");
            let answer = json!({"user": {"id": 123, "username": "John Doe",
                "email": "johndoe@example.test", "profilePicture": null}});
            async move { Ok(Response::new(Bytes::from(answer.to_string()))) }
        };
        let clickup = ClickUp::new("id", "secret");
        let credentials = test_credentials("12345_abcdef", json!({}));
        let (user, _) = fetch_profile(clickup.builder, &http, &credentials)
            .await
            .unwrap();
        assert_eq!(user.id, "123");
        assert_eq!(user.name.as_deref(), Some("John Doe"));
        assert_eq!(user.avatar_url, None);
    }
}
