//! Dropbox: PKCE, HTTP Basic at the token endpoint on the API host, and a profile read with
//! a `POST` without a body (`/2/users/get_current_account`), which says whether the email
//! is verified.

use super::spec::{
    EmailVerified, Method, OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// Dropbox, declared.
const DROPBOX: OAuth2Preset = OAuth2Preset {
    name: "Dropbox",
    web: "https://www.dropbox.com",
    api: "https://api.dropboxapi.com",
    authorize: web("/oauth2/authorize"),
    token: api("/oauth2/token"),
    // The app's scopes are set in the App Console: none is sent unless the client asks.
    scopes: &[],
    client_auth: ClientAuth::Basic,
    // An RPC endpoint without arguments: POST, no body, no Content-Type.
    profile: ProfileCall {
        method: Method::Post,
        ..ProfileCall::bearer_get(api("/2/users/get_current_account"))
    },
    user: UserFields {
        name: &["/name/display_name"],
        email: &["/email"],
        email_verified: EmailVerified::Field("/email_verified"),
        avatar: &["/profile_photo_url"],
        ..UserFields::id("/account_id")
    },
    refresh: Refresh::WithParam("token_access_type", "offline"),
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Dropbox preset. `www.dropbox.com` (the web host) serves `/oauth2/authorize`,
    /// `api.dropboxapi.com` (the API host) serves `/oauth2/token` and the user API. The
    /// scopes are the app's (set in the App Console); none is sent unless the client asks.
    ///
    /// ```
    /// let dropbox = coauth_core::presets::Dropbox::new("app-key", "app-secret").build()?;
    /// # let _ = dropbox;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Dropbox = DROPBOX
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn nested_display_name_and_verified_flag() {
        let user = map_user(
            &DROPBOX.user,
            &json!({"account_id": "dbid:AAH4f99", "name": {"display_name": "Franz Ferdinand"},
                    "email": "f@x.test", "email_verified": true}),
        )
        .unwrap();
        assert_eq!(user.id, "dbid:AAH4f99");
        assert_eq!(user.name.as_deref(), Some("Franz Ferdinand"));
        assert_eq!(user.email_verified, Some(true));
        assert_eq!(DROPBOX.profile.method, Method::Post);
    }
}
