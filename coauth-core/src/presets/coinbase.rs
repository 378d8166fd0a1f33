//! Coinbase (Coinbase App OAuth2 at `login.coinbase.com`): PKCE, the client credentials in
//! the token request's body, and the user from `api.coinbase.com/v2/user`, wrapped in
//! `data`. A refresh token comes only with the `offline_access` scope. Coinbase does not say
//! whether the email it returns is verified. No silent sign-in: Coinbase's OAuth2 reference
//! has no `prompt=none`.

use super::spec::{OAuth2Preset, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Coinbase, declared.
const COINBASE: OAuth2Preset = OAuth2Preset {
    name: "Coinbase",
    web: "https://login.coinbase.com",
    api: "https://api.coinbase.com",
    authorize: web("/oauth2/auth"),
    token: web("/oauth2/token"),
    scopes: &["wallet:user:read", "wallet:user:email"],
    client_auth: ClientAuth::Post,
    profile: ProfileCall {
        user_at: "/data",
        ..ProfileCall::bearer_get(api("/v2/user"))
    },
    user: UserFields {
        name: &["/name", "/username"],
        username: &["/username"],
        email: &["/email"],
        avatar: &["/avatar_url"],
        profile_url: ProfileUrl::Field("/profile_url"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::WithScope("offline_access"),
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Coinbase preset. `login.coinbase.com` (the web host) serves `/oauth2/auth` and
    /// `/oauth2/token`, `api.coinbase.com` (the API host) serves `/v2/user`.
    ///
    /// ```
    /// let coinbase = coauth_core::presets::Coinbase::new("client-id", "client-secret").build()?;
    /// # let _ = coinbase;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Coinbase = COINBASE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[tokio::test]
    async fn the_user_is_data() {
        let http = |request: Request<Bytes>| {
            assert_eq!(request.uri(), "https://api.coinbase.com/v2/user");
            let answer = json!({"data": {"id": "9da7a204-544e-5fd1-9a12-61176c5d4cd8",
                "name": "User One", "username": "user1", "email": "user1@example.com",
                "avatar_url": "https://images.coinbase.com/avatar?h=vR%2FY8igBoPwuwGren5JMwvDNGpURAY%2F0nRIOgH%2FY2Qh%2BQ6nomR3qusA%2Bh6o2%0Af9rH&s=128",
                "resource": "user"}});
            async move { Ok(Response::new(Bytes::from(answer.to_string()))) }
        };
        let coinbase = Coinbase::new("id", "secret");
        let (user, _) = fetch_profile(coinbase.builder, &http, &test_credentials("t", json!({})))
            .await
            .unwrap();
        assert_eq!(user.id, "9da7a204-544e-5fd1-9a12-61176c5d4cd8");
        assert_eq!(user.name.as_deref(), Some("User One"));
        assert_eq!(user.email_verified, None);
    }
}
