//! Zoom: HTTP Basic at the token endpoint on `zoom.us`, PKCE, scopes set on the app in the
//! Zoom App Marketplace (none is sent unless the client asks), and the profile from the API
//! host's `/v2/users/me`. Zoom documents `verified` only as whether the *account* is
//! verified (`1` or `0`), not the email: `emailVerified` stays unknown. Every code grant
//! issues a refresh token (Zoom rotates it on each refresh). No silent sign-in: Zoom's
//! OAuth documentation has no `prompt=none`.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Zoom, declared.
const ZOOM: OAuth2Preset = OAuth2Preset {
    name: "Zoom",
    web: "https://zoom.us",
    api: "https://api.zoom.us",
    authorize: web("/oauth/authorize"),
    token: web("/oauth/token"),
    // The app's scopes are set in the Marketplace: none is sent unless the client asks.
    scopes: &[],
    client_auth: ClientAuth::Basic,
    profile: ProfileCall::bearer_get(api("/v2/users/me")),
    user: UserFields {
        name: &["/display_name"],
        full_name: Some(("/first_name", "/last_name")),
        email: &["/email"],
        avatar: &["/pic_url"],
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Zoom preset. `zoom.us` (the web host) serves `/oauth/authorize` and
    /// `/oauth/token`, `api.zoom.us` (the API host) serves `/v2/users/me`.
    ///
    /// ```
    /// let zoom = coauth_core::presets::Zoom::new("client-id", "client-secret").build()?;
    /// # let _ = zoom;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Zoom = ZOOM
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn display_name_then_first_and_last_and_no_email_verdict() {
        let user = map_user(
            &ZOOM.user,
            &json!({"id": "KDcuGIm1QgePTO8WbOqwIQ", "first_name": "Jill", "last_name": "Chill",
                    "email": "jchill@example.com", "verified": 1,
                    "pic_url": "https://example.com/photo.jpg"}),
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("Jill Chill"));
        // `verified` is the account's status, not the email's.
        assert_eq!(user.email_verified, None);
        let user = map_user(
            &ZOOM.user,
            &json!({"id": "x", "display_name": "Jill C.", "first_name": "Jill"}),
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("Jill C."));
    }
}
