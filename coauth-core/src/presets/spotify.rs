//! Spotify: HTTP Basic at the token endpoint, PKCE, the profile on `api.spotify.com` with
//! the picture in `images[0].url`. Spotify documents the email as unverified, so the user's
//! `emailVerified` is `false`.

use super::preset_client::{ApiProfile, PresetClient, preset_builder, required_id, text};
use crate::oauth2::{ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Spotify preset. `accounts.spotify.com` (the web host) serves `/authorize` and
/// `/api/token`, `api.spotify.com` (the API host) serves `/v1/me`.
///
/// ```
/// let spotify = coauth_core::presets::Spotify::new("client-id", "client-secret").build();
/// # let _ = spotify;
/// ```
#[derive(Debug, Clone)]
pub struct Spotify {
    client: PresetClient,
}

preset_builder!(Spotify, "Spotify", web: "https://accounts.spotify.com", api: "https://api.spotify.com");

impl Spotify {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/authorize"),
            &client.web("/api/token"),
            &["user-read-email", "user-read-private"],
            ClientAuth::Basic,
            true,
        )?;
        let me = client.api_endpoint("/v1/me")?;
        let profile = ApiProfile::bearer_get(me, map_profile);
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let id = required_id(&profile, "/id", "Spotify")?;
    let email = text(&profile, "/email");
    let user = User {
        name: text(&profile, "/display_name"),
        // "This email address is unverified" (Spotify's Web API reference).
        email_verified: email.as_ref().map(|_| false),
        email,
        avatar_url: text(&profile, "/images/0/url"),
        profile_url: text(&profile, "/external_urls/spotify"),
        username: Some(id.clone()),
        id,
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn first_image_and_unverified_email() {
        let (user, _) = map_profile(
            json!({"id": "wizzler", "display_name": "W", "email": "w@x.test",
                   "images": [{"url": "https://i.scdn.co/a.jpg", "height": 300}]}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(user.avatar_url.as_deref(), Some("https://i.scdn.co/a.jpg"));
        assert_eq!(user.email_verified, Some(false));
        let (user, _) = map_profile(
            json!({"id": "w", "images": []}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!((user.avatar_url, user.email_verified), (None, None));
    }
}
