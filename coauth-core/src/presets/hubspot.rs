//! HubSpot: the authorization page is on `app.hubspot.com`, the token endpoint and the API
//! on `api.hubapi.com`, the client id and secret go in the token request's body, and the
//! user is read from the access token's own metadata, a `GET` whose path is the token
//! itself (`/oauth/v1/access-tokens/{token}`, no `Authorization` header). That answer names
//! the user by `user_id` and email (`user`), with no display name; it also echoes the
//! token, which coauth removes from the profile document. HubSpot does not say whether it
//! verified the email. The `oauth` scope is the minimum; a refresh token comes with every
//! code grant. No PKCE: HubSpot's OAuth documentation has none. These are v1 of HubSpot's
//! OAuth API, which HubSpot documents until its deprecation on 16 February 2027.

use serde_json::Value;

use super::spec::{
    Hooks, OAuth2Preset, PresetContext, ProfileCall, Refresh, TokenIn, UserFields, api, preset, web,
};
use crate::Error;
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};

/// HubSpot, declared.
const HUBSPOT: OAuth2Preset = OAuth2Preset {
    name: "HubSpot",
    web: "https://app.hubspot.com",
    api: "https://api.hubapi.com",
    authorize: web("/oauth/authorize"),
    token: api("/oauth/v1/token"),
    scopes: &["oauth"],
    client_auth: ClientAuth::Post,
    pkce: false,
    profile: ProfileCall {
        token: TokenIn::Path,
        ..ProfileCall::bearer_get(api("/oauth/v1/access-tokens/{access_token}"))
    },
    user: UserFields {
        email: &["/user"],
        ..UserFields::id("/user_id")
    },
    hooks: Hooks {
        request: None,
        user: Some(forget_the_token),
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The HubSpot preset. `app.hubspot.com` (the web host) serves `/oauth/authorize`,
    /// `api.hubapi.com` (the API host) serves `/oauth/v1/token` and
    /// `/oauth/v1/access-tokens/{token}`.
    ///
    /// ```
    /// let hubspot = coauth_core::presets::HubSpot::new("client-id", "secret").build()?;
    /// # let _ = hubspot;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    HubSpot = HUBSPOT
}

/// The token's metadata repeats the access token (`token`): not part of the profile.
fn forget_the_token(
    _: &PresetContext,
    profile: &mut Value,
    _: &Credentials,
    _: &mut User,
) -> Result<(), Error> {
    if let Some(object) = profile.as_object_mut() {
        object.remove("token");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    /// An access token of HubSpot's documentation.
    const TOKEN: &str = "CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwHjX7OIpuIFEavB2-qYAGQsF4";

    #[tokio::test]
    async fn the_token_is_in_the_path_and_not_in_the_profile() {
        let http = |request: Request<Bytes>| {
            assert_eq!(
                request.uri().to_string(),
                format!("https://api.hubapi.com/oauth/v1/access-tokens/{TOKEN}")
            );
            assert!(request.headers().get("authorization").is_none());
            let answer = json!({"token": TOKEN,
                "user": "test@hubspot.test", "hub_domain": "demo.hubapi.com",
                "scopes": ["oauth"], "hub_id": 62515, "app_id": 456,
                "expires_in": 21588, "user_id": 123, "token_type": "access"});
            async move { Ok(Response::new(Bytes::from(answer.to_string()))) }
        };
        let hubspot = HubSpot::new("id", "secret");
        let credentials = test_credentials(TOKEN, json!({}));
        let (user, profile) = fetch_profile(hubspot.builder, &http, &credentials)
            .await
            .unwrap();
        assert_eq!(user.id, "123");
        assert_eq!(user.email.as_deref(), Some("test@hubspot.test"));
        assert_eq!(user.name, None);
        assert!(profile.get("token").is_none());
        assert_eq!(profile["hub_id"], 62515);
    }

    #[tokio::test]
    async fn a_token_with_reserved_characters_stays_one_segment() {
        let http = |request: Request<Bytes>| {
            assert_eq!(
                request.uri().path(),
                "/oauth/v1/access-tokens/a%2Fb%3Fc%20d%2B"
            );
            let answer = json!({"user_id": 1});
            async move { Ok(Response::new(Bytes::from(answer.to_string()))) }
        };
        let hubspot = HubSpot::new("id", "secret");
        let credentials = test_credentials("a/b?c d+", json!({}));
        assert!(
            fetch_profile(hubspot.builder, &http, &credentials)
                .await
                .is_ok()
        );
    }
}
