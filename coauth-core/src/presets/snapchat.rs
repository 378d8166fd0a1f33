//! Snapchat (Login Kit over OAuth 2.0): HTTP Basic at the token endpoint, scopes that are
//! URLs (`https://auth.snapchat.com/oauth2/api/user.display_name`, ...), and the user from
//! `kit.snapchat.com/v1/me`, a GraphQL-style API that takes the wanted fields as a `query`
//! parameter and answers `{"data": {"me": {...}}}`. `externalId` is the user's stable id for
//! the app. Snapchat gives no email. Every code grant issues a refresh token. No PKCE (the
//! Login Kit documentation gives PKCE to public clients, not to server-side web apps) and no
//! silent sign-in.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Snapchat, declared.
const SNAPCHAT: OAuth2Preset = OAuth2Preset {
    name: "Snapchat",
    web: "https://accounts.snapchat.com",
    api: "https://kit.snapchat.com",
    authorize: web("/accounts/oauth2/auth"),
    token: web("/accounts/oauth2/token"),
    scopes: &[
        "https://auth.snapchat.com/oauth2/api/user.external_id",
        "https://auth.snapchat.com/oauth2/api/user.display_name",
        "https://auth.snapchat.com/oauth2/api/user.bitmoji.avatar",
    ],
    client_auth: ClientAuth::Basic,
    pkce: false,
    profile: ProfileCall {
        query: &[("query", "{me{externalId displayName bitmoji{avatar}}}")],
        user_at: "/data/me",
        ..ProfileCall::bearer_get(api("/v1/me"))
    },
    user: UserFields {
        name: &["/displayName"],
        avatar: &["/bitmoji/avatar"],
        ..UserFields::id("/externalId")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Snapchat preset, for a confidential OAuth client of the app. `accounts.snapchat.com`
    /// (the web host) serves `/accounts/oauth2/auth` and `/accounts/oauth2/token`,
    /// `kit.snapchat.com` (the API host) serves `/v1/me`.
    ///
    /// ```
    /// let snapchat = coauth_core::presets::Snapchat::new("client-id", "client-secret").build()?;
    /// # let _ = snapchat;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Snapchat = SNAPCHAT
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[tokio::test]
    async fn the_user_is_data_me_of_the_query() {
        let http = |request: Request<Bytes>| {
            assert_eq!(
                request.uri().query(),
                Some("query=%7Bme%7BexternalId+displayName+bitmoji%7Bavatar%7D%7D%7D")
            );
            let me = json!({"data": {"me": {"externalId": "CAESIPiRBp0e5gLDq7VVurQ3rVdmdbqxpOJWynjyBL/xlo0w",
                "displayName": "Bitmoji User", "bitmoji": {"avatar": "https://sdk.bitmoji.com/a.png"}}}});
            async move { Ok(Response::new(Bytes::from(me.to_string()))) }
        };
        let snapchat = Snapchat::new("id", "secret");
        let (user, _) = fetch_profile(snapchat.builder, &http, &test_credentials("t", json!({})))
            .await
            .unwrap();
        assert_eq!(user.id, "CAESIPiRBp0e5gLDq7VVurQ3rVdmdbqxpOJWynjyBL/xlo0w");
        assert_eq!(
            user.avatar_url.as_deref(),
            Some("https://sdk.bitmoji.com/a.png")
        );
    }
}
