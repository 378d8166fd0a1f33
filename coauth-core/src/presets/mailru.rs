//! Mail.ru (VK Group's OAuth at oauth.mail.ru): credentials in the token request body, PKCE
//! (`code_challenge` on `/login`, as VK ID's OAuth Mail documentation lists it), and a
//! userinfo endpoint that takes the token as an `access_token` query parameter. The user is
//! identified by the userinfo `id` only: an email can change hands or be replaced, so an
//! answer without an id is refused rather than keyed by the email.

use super::spec::{OAuth2Preset, ProfileCall, TokenIn, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Mail.ru, declared.
const MAILRU: OAuth2Preset = OAuth2Preset {
    name: "Mail.ru",
    web: "https://oauth.mail.ru",
    api: "https://oauth.mail.ru",
    authorize: web("/login"),
    token: api("/token"),
    scopes: &["userinfo"],
    client_auth: ClientAuth::Post,
    profile: ProfileCall {
        token: TokenIn::Query("access_token"),
        ..ProfileCall::bearer_get(api("/userinfo"))
    },
    // The stable id only: falling back to the email would give one account two ids.
    user: UserFields {
        name: &["/name"],
        username: &["/nickname"],
        email: &["/email"],
        avatar: &["/image"],
        ..UserFields::id("/id")
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Mail.ru preset. `oauth.mail.ru` serves everything: the web host `/login`, the API
    /// host `/token` and `/userinfo`.
    ///
    /// ```
    /// let mailru = coauth_core::presets::MailRu::new("client-id", "client-secret").build()?;
    /// # let _ = mailru;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    MailRu = MAILRU
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, map_user, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[tokio::test]
    async fn id_is_the_stable_id_only() {
        let user = map_user(
            &MAILRU.user,
            &json!({"id": "1234567", "email": "a@mail.ru", "name": "A"}),
        )
        .unwrap();
        assert_eq!(user.id, "1234567");
        assert_eq!(user.email.as_deref(), Some("a@mail.ru"));
        // No fallback to the email: one account must not get two ids.
        for profile in [
            json!({"email": "a@mail.ru", "name": "A"}),
            json!({"id": "", "email": "a@mail.ru"}),
            json!({"name": "A"}),
        ] {
            let http = move |request: Request<Bytes>| {
                assert_eq!(
                    request.uri(),
                    "https://oauth.mail.ru/userinfo?access_token=t"
                );
                let body = Bytes::from(profile.to_string());
                async move { Ok(Response::new(body)) }
            };
            let mailru = MailRu::new("id", "secret").builder;
            let error = fetch_profile(mailru, &http, &test_credentials("t", json!({})))
                .await
                .unwrap_err();
            assert_eq!(error.code(), "ProviderError");
        }
    }
}
