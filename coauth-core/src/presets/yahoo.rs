//! Yahoo: HTTP Basic at `/oauth2/get_token`, PKCE (Yahoo has refused authorization
//! requests without a code challenge since 2023), and an OpenID Connect userinfo endpoint
//! with the standard claims (`nickname` stands in when there is no `preferred_username`).

use super::spec::{OAuth2Preset, ProfileCall, UserFields, api, preset, web};
use crate::oauth2::ClientAuth;

/// Yahoo, declared.
const YAHOO: OAuth2Preset = OAuth2Preset {
    name: "Yahoo",
    web: "https://api.login.yahoo.com",
    api: "https://api.login.yahoo.com",
    authorize: web("/oauth2/request_auth"),
    token: web("/oauth2/get_token"),
    scopes: &["openid", "profile", "email"],
    client_auth: ClientAuth::Basic,
    profile: ProfileCall::bearer_get(api("/openid/v1/userinfo")),
    user: UserFields {
        username: &["/preferred_username", "/nickname"],
        ..UserFields::STANDARD_CLAIMS
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Yahoo preset. `api.login.yahoo.com` serves everything: the web host
    /// `/oauth2/request_auth` and `/oauth2/get_token`, the API host `/openid/v1/userinfo`.
    ///
    /// ```
    /// let yahoo = coauth_core::presets::Yahoo::new("client-id", "client-secret").build()?;
    /// # let _ = yahoo;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Yahoo = YAHOO
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn standard_claims_with_nickname() {
        let user = map_user(
            &YAHOO.user,
            &json!({"sub": "FSVIDUW3D7FSVIDUW3D72F2F", "name": "Jasmine Smith",
                    "nickname": "jasmine", "email": "j@x.test", "email_verified": true}),
        )
        .unwrap();
        assert_eq!(user.username.as_deref(), Some("jasmine"));
        assert_eq!(user.email_verified, Some(true));
        let user = map_user(
            &YAHOO.user,
            &json!({"sub": "F", "preferred_username": "jas", "nickname": "jasmine"}),
        )
        .unwrap();
        assert_eq!(user.username.as_deref(), Some("jas"));
    }
}
