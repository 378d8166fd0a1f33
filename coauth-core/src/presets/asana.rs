//! Asana: the authorization and token endpoints are `/-/oauth_authorize` and
//! `/-/oauth_token` on `app.asana.com`, PKCE, the client id and secret in the token
//! request's body, and a user wrapped in `data` (`/api/1.0/users/me`) whose id is the
//! string `gid`. Asana does not say whether it verified the email. A refresh token comes
//! with every code grant. The scopes are the app's: an app registered for Asana's granular
//! scopes asks for `users:read` (the client passes it), an app with full permissions asks
//! for none, and the two kinds refuse each other's requests, so none is sent unless the
//! client asks.

use super::spec::{OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Asana, declared.
const ASANA: OAuth2Preset = OAuth2Preset {
    name: "Asana",
    web: "https://app.asana.com",
    api: "https://app.asana.com",
    authorize: web("/-/oauth_authorize"),
    token: api("/-/oauth_token"),
    scopes: &[],
    client_auth: ClientAuth::Post,
    pkce: true,
    profile: ProfileCall {
        user_at: "/data",
        ..ProfileCall::bearer_get(api("/api/1.0/users/me"))
    },
    user: UserFields {
        name: &["/name"],
        email: &["/email"],
        avatar: &["/photo/image_128x128"],
        ..UserFields::id("/gid")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Asana preset. `app.asana.com` serves `/-/oauth_authorize`, `/-/oauth_token` and
    /// `/api/1.0/users/me` (it is both hosts).
    ///
    /// ```
    /// let asana = coauth_core::presets::Asana::new("client-id", "client-secret").build()?;
    /// # let _ = asana;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Asana = ASANA
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn gid_is_the_id() {
        let user = map_user(
            &ASANA.user,
            &json!({"gid": "12345", "resource_type": "user", "name": "Greg Sanchez",
                    "email": "gsanchez@example.test", "photo": null}),
        )
        .unwrap();
        assert_eq!(user.id, "12345");
        assert_eq!(user.avatar_url, None);
        assert_eq!(ASANA.profile.user_at, "/data");
    }
}
