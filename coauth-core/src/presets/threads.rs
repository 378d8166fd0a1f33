//! Threads (Meta's Threads API): the client credentials in the token request's body,
//! comma-separated scopes, a token answer that names the user (`user_id`), and the profile
//! from `/v1.0/me`, whose fields are sent only when named (`fields=`) and whose access token
//! travels as the `access_token` query parameter. Threads gives no email. Tokens are
//! short-lived (one hour) and exchanged for long-lived ones outside the sign-in; no refresh
//! token. No PKCE and no silent sign-in: the Threads API documentation has neither.

use super::spec::{
    OAuth2Preset, ProfileCall, ProfileUrl, Refresh, TokenIn, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// Threads, declared.
const THREADS: OAuth2Preset = OAuth2Preset {
    name: "Threads",
    web: "https://threads.com",
    api: "https://graph.threads.net",
    authorize: web("/oauth/authorize"),
    token: api("/oauth/access_token"),
    scopes: &["threads_basic"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: false,
    token_user_id: Some("/user_id"),
    profile: ProfileCall {
        token: TokenIn::Query("access_token"),
        query: &[("fields", "id,username,name,threads_profile_picture_url")],
        ..ProfileCall::bearer_get(api("/v1.0/me"))
    },
    user: UserFields {
        name: &["/name", "/username"],
        username: &["/username"],
        avatar: &["/threads_profile_picture_url"],
        profile_url: ProfileUrl::Template("https://www.threads.com/@{/username}"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Threads preset, for the Threads app id and secret (not the Meta app's).
    /// `threads.com` (the web host) serves `/oauth/authorize`, `graph.threads.net` (the API
    /// host) serves `/oauth/access_token` and `/v1.0/me`.
    ///
    /// ```
    /// let threads = coauth_core::presets::Threads::new("threads-app-id", "threads-app-secret")
    ///     .build()?;
    /// # let _ = threads;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Threads = THREADS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[tokio::test]
    async fn the_profile_of_the_token_s_user() {
        let http = |request: Request<Bytes>| {
            assert_eq!(
                request.uri().query(),
                Some("fields=id%2Cusername%2Cname%2Cthreads_profile_picture_url&access_token=t")
            );
            let me = json!({"id": "1234567", "username": "threadsapitestuser",
                            "name": "Threads API Test User",
                            "threads_profile_picture_url": "https://scontent.cdninstagram.com/p.jpg"});
            async move { Ok(Response::new(Bytes::from(me.to_string()))) }
        };
        let threads = Threads::new("id", "secret");
        let credentials = test_credentials("t", json!({"user_id": 1234567}));
        let (user, _) = fetch_profile(threads.builder, &http, &credentials)
            .await
            .unwrap();
        assert_eq!(user.id, "1234567");
        assert_eq!(user.name.as_deref(), Some("Threads API Test User"));
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://www.threads.com/@threadsapitestuser")
        );
    }
}
