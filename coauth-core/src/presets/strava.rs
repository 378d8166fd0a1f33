//! Strava: comma-separated scopes, an `approval_prompt` parameter (`auto`: the consent page
//! only until the user has approved the app), the client credentials in the token request's
//! body, and a token answer that carries a summary of the athlete besides the tokens. The
//! profile is read from `/api/v3/athlete`, whose id must be the token answer's
//! `athlete.id`. Strava gives no email to API applications. Access tokens last six hours;
//! every code grant also issues a refresh token. No PKCE and no silent sign-in: Strava's
//! authentication documentation has neither.

use super::spec::{OAuth2Preset, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Strava, declared.
const STRAVA: OAuth2Preset = OAuth2Preset {
    name: "Strava",
    web: "https://www.strava.com",
    api: "https://www.strava.com",
    authorize: web("/oauth/authorize"),
    token: api("/oauth/token"),
    // `read`: public profile data; the profile call needs no more.
    scopes: &["read"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: false,
    authorize_params: &[("approval_prompt", "auto")],
    token_user_id: Some("/athlete/id"),
    profile: ProfileCall::bearer_get(api("/api/v3/athlete")),
    user: UserFields {
        full_name: Some(("/firstname", "/lastname")),
        username: &["/username"],
        avatar: &["/profile"],
        profile_url: ProfileUrl::Template("https://www.strava.com/athletes/{/id}"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Strava preset. `www.strava.com` serves `/oauth/authorize`, `/oauth/token` and
    /// `/api/v3/athlete` (web and API host alike).
    ///
    /// ```
    /// let strava = coauth_core::presets::Strava::new("client-id", "client-secret").build()?;
    /// # let _ = strava;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Strava = STRAVA
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::{Value, json};

    /// What the preset reads from `athlete` with a token answer naming `token_athlete`.
    async fn read(athlete: Value, token_athlete: Value) -> Result<crate::User, crate::Error> {
        let http = move |request: Request<Bytes>| {
            assert_eq!(request.uri(), "https://www.strava.com/api/v3/athlete");
            let body = Bytes::from(athlete.to_string());
            async move { Ok(Response::new(body)) }
        };
        let strava = Strava::new("id", "secret");
        let credentials = test_credentials("t", json!({"athlete": token_athlete}));
        fetch_profile(strava.builder, &http, &credentials)
            .await
            .map(|(user, _)| user)
    }

    #[tokio::test]
    async fn the_athlete_of_the_token_answer_is_the_profile_s() {
        let athlete = json!({"id": 134815, "username": "marianne_v", "firstname": "Marianne",
                             "lastname": "V.", "profile": "https://dgalywyr863hv.cloudfront.net/a.jpg"});
        let user = read(athlete.clone(), json!({"id": 134815})).await.unwrap();
        assert_eq!(user.id, "134815");
        assert_eq!(user.name.as_deref(), Some("Marianne V."));
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://www.strava.com/athletes/134815")
        );
        assert_eq!(user.email, None);
        let error = read(athlete, json!({"id": 1})).await.unwrap_err();
        assert_eq!(error.code(), "ProviderError");
    }

    #[test]
    fn approval_prompt_and_comma_scopes() {
        let strava = Strava::new("id", "secret").build().unwrap();
        let config = strava.config();
        assert_eq!(
            config.extra_authorize_params,
            [("approval_prompt".to_owned(), "auto".to_owned())]
        );
        assert_eq!(config.scope_separator, ",");
        assert!(!config.pkce && !config.supports_prompt_none);
    }
}
