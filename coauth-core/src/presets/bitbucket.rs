//! Bitbucket Cloud: HTTP Basic at the token endpoint, the profile at `/2.0/user` with links
//! nested under `links`, and the email only from `/2.0/user/emails` (the primary one, with
//! its `is_confirmed` flag). The user is identified by `account_id` only, the Atlassian
//! account id Atlassian documents as the stable primary key of a user across its products
//! (developer.atlassian.com, "Bitbucket Cloud REST APIs are changing to improve user
//! privacy"); an answer without one is refused, never keyed by the `uuid` instead, which
//! would give one account two ids. No PKCE: Bitbucket Cloud's OAuth 2.0 documentation does
//! not describe it.

use super::spec::{
    EmailsCall, OAuth2Preset, ProfileCall, ProfileUrl, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// Bitbucket, declared.
const BITBUCKET: OAuth2Preset = OAuth2Preset {
    name: "Bitbucket",
    web: "https://bitbucket.org",
    api: "https://api.bitbucket.org",
    authorize: web("/site/oauth2/authorize"),
    token: web("/site/oauth2/access_token"),
    scopes: &["account", "email"],
    client_auth: ClientAuth::Basic,
    pkce: false,
    profile: ProfileCall::bearer_get(api("/2.0/user")),
    // `/2.0/user` has no email: the primary one of `/2.0/user/emails`, confirmed or not.
    emails: Some(EmailsCall {
        endpoint: api("/2.0/user/emails"),
        headers: &[],
        only_without_email: false,
        list_at: "/values",
        email: "/email",
        primary: "/is_primary",
        verified: "/is_confirmed",
        verified_only: false,
    }),
    user: UserFields {
        name: &["/display_name"],
        username: &["/username", "/nickname"],
        avatar: &["/links/avatar/href"],
        profile_url: ProfileUrl::Field("/links/html/href"),
        ..UserFields::id("/account_id")
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Bitbucket preset. `bitbucket.org` (the web host) serves `/site/oauth2/authorize`
    /// and `/site/oauth2/access_token`, `api.bitbucket.org` (the API host) serves
    /// `/2.0/user` and `/2.0/user/emails`.
    ///
    /// ```
    /// let bitbucket = coauth_core::presets::Bitbucket::new("key", "secret").build()?;
    /// # let _ = bitbucket;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Bitbucket = BITBUCKET
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, map_user, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    /// What the preset reads when `/2.0/user` answers `profile` and `/2.0/user/emails`
    /// `emails`.
    async fn read(profile: Value, emails: Value) -> Result<crate::User, crate::Error> {
        let http = move |request: Request<Bytes>| {
            let body = match request.uri().to_string().as_str() {
                "https://api.bitbucket.org/2.0/user" => profile.to_string(),
                "https://api.bitbucket.org/2.0/user/emails" => emails.to_string(),
                other => panic!("unexpected call to {other}"),
            };
            async move { Ok(Response::new(Bytes::from(body))) }
        };
        let bitbucket = Bitbucket::new("key", "secret");
        let credentials = test_credentials("t", json!({}));
        let (user, _) = fetch_profile(bitbucket.builder, &http, &credentials).await?;
        Ok(user)
    }

    #[tokio::test]
    async fn primary_email_with_its_confirmation() {
        let profile = json!({"uuid": "{a-b}", "account_id": "557058:c0b7",
            "display_name": "Ada", "nickname": "ada",
            "links": {"avatar": {"href": "https://b.example/a.png"},
                      "html": {"href": "https://bitbucket.org/ada/"}}});
        let emails = json!({"values": [
            {"email": "old@x.test", "is_primary": false, "is_confirmed": true},
            {"email": "ada@x.test", "is_primary": true, "is_confirmed": false}]});
        let user = read(profile, emails).await.unwrap();
        assert_eq!(user.id, "557058:c0b7");
        assert_eq!(user.email.as_deref(), Some("ada@x.test"));
        assert_eq!(user.email_verified, Some(false));
        assert_eq!(user.username.as_deref(), Some("ada"));
        let user = read(json!({"account_id": "557058:c0b7"}), json!({"values": []}))
            .await
            .unwrap();
        assert_eq!((user.id.as_str(), user.email), ("557058:c0b7", None));
    }

    #[tokio::test]
    async fn account_id_only_without_fallback() {
        // Without `account_id` the profile is refused, not keyed by the `uuid`.
        for profile in [
            json!({"uuid": "{a-b}", "display_name": "Ada"}),
            json!({"uuid": "{a-b}", "account_id": ""}),
            json!({}),
        ] {
            assert!(map_user(&BITBUCKET.user, &profile).is_none(), "{profile}");
            let error = read(profile, json!({"values": []})).await.unwrap_err();
            assert_eq!(error.code(), "ProviderError");
        }
    }
}
