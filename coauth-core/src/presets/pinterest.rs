//! Pinterest (API v5): HTTP Basic at the token endpoint on the API host, comma-separated
//! scopes, and the account from `/v5/user_account`, whose `id` is the stable id (the
//! username can change). Business accounts carry a `business_name`, the display name when
//! present. Pinterest gives no email. Every code grant issues a refresh token. No PKCE and no
//! silent sign-in: Pinterest's authentication documentation has neither.

use super::spec::{OAuth2Preset, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Pinterest, declared.
const PINTEREST: OAuth2Preset = OAuth2Preset {
    name: "Pinterest",
    web: "https://www.pinterest.com",
    api: "https://api.pinterest.com",
    authorize: web("/oauth/"),
    token: api("/v5/oauth/token"),
    scopes: &["user_accounts:read"],
    scope_separator: ",",
    client_auth: ClientAuth::Basic,
    pkce: false,
    profile: ProfileCall::bearer_get(api("/v5/user_account")),
    user: UserFields {
        name: &["/business_name", "/username"],
        username: &["/username"],
        avatar: &["/profile_image"],
        profile_url: ProfileUrl::Template("https://www.pinterest.com/{/username}/"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Pinterest preset. `www.pinterest.com` (the web host) serves `/oauth/`,
    /// `api.pinterest.com` (the API host) serves `/v5/oauth/token` and `/v5/user_account`.
    ///
    /// ```
    /// let pinterest = coauth_core::presets::Pinterest::new("app-id", "app-secret").build()?;
    /// # let _ = pinterest;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Pinterest = PINTEREST
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn the_id_not_the_username_and_the_business_name_first() {
        let user = map_user(
            &PINTEREST.user,
            &json!({"id": "549755885175", "username": "pinterest", "account_type": "BUSINESS",
                    "business_name": "Pinterest", "profile_image": "https://i.pinimg.com/p.jpg"}),
        )
        .unwrap();
        assert_eq!(user.id, "549755885175");
        assert_eq!(user.name.as_deref(), Some("Pinterest"));
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://www.pinterest.com/pinterest/")
        );
        let user = map_user(
            &PINTEREST.user,
            &json!({"id": "1", "username": "ada", "business_name": null}),
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("ada"));
    }
}
