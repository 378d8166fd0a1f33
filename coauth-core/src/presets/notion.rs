//! Notion: everything on `api.notion.com`, an authorization request that must say who owns
//! the integration (`owner=user`), HTTP Basic at the token endpoint, and no profile call:
//! the token answer carries the user who authorized it (`owner.user`: `id`, `name`,
//! `avatar_url`, and `person.email` when the integration may read emails). Notion does not
//! say whether it verified the email. A refresh token comes with every code grant. Notion
//! has no scopes (the integration's capabilities are set in its settings), no PKCE and no
//! silent sign-in.

use super::spec::{OAuth2Preset, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Notion, declared.
const NOTION: OAuth2Preset = OAuth2Preset {
    name: "Notion",
    web: "https://api.notion.com",
    api: "https://api.notion.com",
    authorize: web("/v1/oauth/authorize"),
    token: api("/v1/oauth/token"),
    scopes: &[],
    client_auth: ClientAuth::Basic,
    pkce: false,
    authorize_params: &[("owner", "user")],
    // A workspace-owned integration's token answer has no `owner.user`: refused.
    user_in_token: Some("/owner/user"),
    user: UserFields {
        name: &["/name"],
        email: &["/person/email"],
        avatar: &["/avatar_url"],
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Notion preset, for a public integration. `api.notion.com` serves
    /// `/v1/oauth/authorize` and `/v1/oauth/token` (it is both hosts); the user comes with
    /// the token.
    ///
    /// ```
    /// let notion = coauth_core::presets::Notion::new("client-id", "client-secret").build()?;
    /// # let _ = notion;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Notion = NOTION
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    /// What the preset reads from a token answer with `extra`; no call may be made.
    async fn read(extra: Value) -> Result<(crate::User, Value), crate::Error> {
        // Any call fails the sign-in.
        let http = |_: Request<Bytes>| async {
            let answer: Result<Response<Bytes>, crate::HttpError> = Err(crate::HttpError::Other(
                "Notion's user comes with the token: no profile call".into(),
            ));
            answer
        };
        let notion = Notion::new("id", "secret");
        fetch_profile(notion.builder, &http, &test_credentials("t", extra)).await
    }

    #[tokio::test]
    async fn the_user_is_the_owner_of_the_token() {
        let (user, profile) = read(json!({"bot_id": "b1", "workspace_id": "w1",
            "owner": {"type": "user", "user": {"object": "user",
                "id": "e79a0b74-3aba-4149-9f74-0bb5791a6ee6", "name": "Avocado Lovelace",
                "avatar_url": "https://s3.example/avocado.png", "type": "person",
                "person": {"email": "avo@example.test"}}}}))
        .await
        .unwrap();
        assert_eq!(user.id, "e79a0b74-3aba-4149-9f74-0bb5791a6ee6");
        assert_eq!(user.email.as_deref(), Some("avo@example.test"));
        assert_eq!(user.email_verified, None);
        assert_eq!(profile["type"], "person");
        let error =
            read(json!({"bot_id": "b1", "owner": {"type": "workspace", "workspace": true}}))
                .await
                .unwrap_err();
        assert_eq!(error.code(), "ProviderError");
    }
}
