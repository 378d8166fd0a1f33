//! Login with Amazon: the consent page on `www.amazon.com`, the token endpoint and
//! `/user/profile` on `api.amazon.com`, credentials in the token request body, PKCE (the
//! authorization code grant documents `code_challenge` as recommended). The profile has no
//! picture and does not say whether the email is verified.

use super::spec::{OAuth2Preset, ProfileCall, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Amazon, declared.
const AMAZON: OAuth2Preset = OAuth2Preset {
    name: "Amazon",
    web: "https://www.amazon.com",
    api: "https://api.amazon.com",
    authorize: web("/ap/oa"),
    token: api("/auth/o2/token"),
    scopes: &["profile"],
    client_auth: ClientAuth::Post,
    profile: ProfileCall::bearer_get(api("/user/profile")),
    user: UserFields {
        name: &["/name"],
        email: &["/email"],
        ..UserFields::id("/user_id")
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Amazon preset. The web host serves `/ap/oa`, the API host `/auth/o2/token` and
    /// `/user/profile`.
    ///
    /// ```
    /// let amazon = coauth_core::presets::Amazon::new("client-id", "client-secret").build()?;
    /// # let _ = amazon;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Amazon = AMAZON
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn user_id_name_email() {
        let user = map_user(
            &AMAZON.user,
            &json!({"user_id": "amzn1.account.K2LI23KL2LK2", "name": "Ada", "email": "a@x.test"}),
        )
        .unwrap();
        assert_eq!(user.id, "amzn1.account.K2LI23KL2LK2");
        assert_eq!(user.email_verified, None);
        assert!(map_user(&AMAZON.user, &json!({"name": "x"})).is_none());
    }
}
