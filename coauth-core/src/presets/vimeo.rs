//! Vimeo: everything on `api.vimeo.com`, HTTP Basic at the token endpoint, an `Accept`
//! header that names the API version, and a user whose only id is its URI (`/users/123`):
//! the id is the number at the end of `uri`. The `public` scope reads the user; Vimeo gives
//! no email. Access tokens do not expire and come without a refresh token. No PKCE: Vimeo's
//! authentication documentation has none.

use serde_json::Value;

use super::spec::{
    Hooks, OAuth2Preset, PresetContext, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset,
    web,
};
use crate::Error;
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};

/// The API version every call names.
const ACCEPT: &str = "application/vnd.vimeo.*+json;version=3.4";

/// Vimeo, declared.
const VIMEO: OAuth2Preset = OAuth2Preset {
    name: "Vimeo",
    web: "https://api.vimeo.com",
    api: "https://api.vimeo.com",
    authorize: web("/oauth/authorize"),
    token: api("/oauth/access_token"),
    scopes: &["public"],
    client_auth: ClientAuth::Basic,
    pkce: false,
    profile: ProfileCall {
        headers: &[("accept", ACCEPT)],
        ..ProfileCall::bearer_get(api("/me"))
    },
    user: UserFields {
        name: &["/name"],
        avatar: &["/pictures/base_link"],
        profile_url: ProfileUrl::Field("/link"),
        // `/users/{id}`; the hook keeps the number.
        ..UserFields::id("/uri")
    },
    hooks: Hooks {
        request: None,
        user: Some(id_from_uri),
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Vimeo preset. `api.vimeo.com` serves `/oauth/authorize`, `/oauth/access_token`
    /// and `/me` (it is both hosts).
    ///
    /// ```
    /// let vimeo = coauth_core::presets::Vimeo::new("client-id", "client-secret").build()?;
    /// # let _ = vimeo;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Vimeo = VIMEO
}

/// The user's id is the last segment of `uri` (`/users/123` is user `123`); any other
/// shape is refused rather than taken as an id.
fn id_from_uri(
    _: &PresetContext,
    _: &mut Value,
    _: &Credentials,
    user: &mut User,
) -> Result<(), Error> {
    let id = user
        .id
        .strip_prefix("/users/")
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| Error::Provider("Vimeo's user uri is not /users/{id}".into()))?;
    user.id = id.to_owned();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    async fn read(profile: Value) -> Result<User, Error> {
        let http = move |request: Request<Bytes>| {
            assert_eq!(request.headers()["accept"], ACCEPT);
            let body = Bytes::from(profile.to_string());
            async move { Ok(Response::new(body)) }
        };
        let vimeo = Vimeo::new("id", "secret");
        let credentials = test_credentials("t", json!({}));
        fetch_profile(vimeo.builder, &http, &credentials)
            .await
            .map(|(user, _)| user)
    }

    #[tokio::test]
    async fn the_id_is_the_number_of_the_uri() {
        let user = read(json!({"uri": "/users/152184", "name": "Vimeo Staff",
                               "link": "https://vimeo.com/staff"}))
        .await
        .unwrap();
        assert_eq!(user.id, "152184");
        assert_eq!(user.profile_url.as_deref(), Some("https://vimeo.com/staff"));
        for uri in ["/channels/1", "/users/", "/users/1/videos", "152184"] {
            let error = read(json!({"uri": uri})).await.unwrap_err();
            assert_eq!(error.code(), "ProviderError", "{uri}");
        }
    }
}
