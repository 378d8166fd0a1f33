//! Spotify: HTTP Basic at the token endpoint, PKCE, the profile on `api.spotify.com` with
//! the picture in `images[0].url`. Spotify documents the email as unverified, so the user's
//! `emailVerified` is `false`.

use super::spec::{
    EmailVerified, OAuth2Preset, ProfileCall, ProfileUrl, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// Spotify, declared.
const SPOTIFY: OAuth2Preset = OAuth2Preset {
    name: "Spotify",
    web: "https://accounts.spotify.com",
    api: "https://api.spotify.com",
    authorize: web("/authorize"),
    token: web("/api/token"),
    scopes: &["user-read-email", "user-read-private"],
    client_auth: ClientAuth::Basic,
    profile: ProfileCall::bearer_get(api("/v1/me")),
    user: UserFields {
        name: &["/display_name"],
        username: &["/id"],
        email: &["/email"],
        // "This email address is unverified" (Spotify's Web API reference).
        email_verified: EmailVerified::Never,
        avatar: &["/images/0/url"],
        profile_url: ProfileUrl::Field("/external_urls/spotify"),
        ..UserFields::id("/id")
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Spotify preset. `accounts.spotify.com` (the web host) serves `/authorize` and
    /// `/api/token`, `api.spotify.com` (the API host) serves `/v1/me`.
    ///
    /// ```
    /// let spotify = coauth_core::presets::Spotify::new("client-id", "client-secret").build()?;
    /// # let _ = spotify;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Spotify = SPOTIFY
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn first_image_and_unverified_email() {
        let user = map_user(
            &SPOTIFY.user,
            &json!({"id": "wizzler", "display_name": "W", "email": "w@x.test",
                    "images": [{"url": "https://i.scdn.co/a.jpg", "height": 300}]}),
        )
        .unwrap();
        assert_eq!(user.avatar_url.as_deref(), Some("https://i.scdn.co/a.jpg"));
        assert_eq!(user.email_verified, Some(false));
        assert_eq!(user.username.as_deref(), Some("wizzler"));
        let user = map_user(&SPOTIFY.user, &json!({"id": "w", "images": []})).unwrap();
        assert_eq!((user.avatar_url, user.email_verified), (None, None));
    }
}
