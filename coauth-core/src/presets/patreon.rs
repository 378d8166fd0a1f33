//! Patreon (API v2): the client credentials in the token request's body, and a JSON:API
//! identity document: the user is `data`, its fields are under `data.attributes` and are
//! only sent when asked for by name (`fields[user]=...`). `is_email_verified` says whether
//! Patreon verified the email (the email needs the `identity[email]` scope). Every code
//! grant issues a refresh token. No PKCE and no silent sign-in: Patreon's OAuth
//! documentation has neither.

use super::spec::{
    EmailVerified, OAuth2Preset, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// Patreon, declared.
const PATREON: OAuth2Preset = OAuth2Preset {
    name: "Patreon",
    web: "https://www.patreon.com",
    api: "https://www.patreon.com",
    authorize: web("/oauth2/authorize"),
    token: api("/api/oauth2/token"),
    scopes: &["identity", "identity[email]"],
    client_auth: ClientAuth::Post,
    pkce: false,
    profile: ProfileCall {
        // JSON:API sparse fieldsets: without them the user has no attributes.
        query: &[(
            "fields[user]",
            "email,full_name,image_url,is_email_verified,url,vanity",
        )],
        user_at: "/data",
        ..ProfileCall::bearer_get(api("/api/oauth2/v2/identity"))
    },
    user: UserFields {
        name: &["/attributes/full_name", "/attributes/vanity"],
        username: &["/attributes/vanity"],
        email: &["/attributes/email"],
        email_verified: EmailVerified::Field("/attributes/is_email_verified"),
        avatar: &["/attributes/image_url"],
        profile_url: ProfileUrl::Field("/attributes/url"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Patreon preset. `www.patreon.com` serves `/oauth2/authorize`,
    /// `/api/oauth2/token` and `/api/oauth2/v2/identity` (web and API host alike).
    ///
    /// ```
    /// let patreon = coauth_core::presets::Patreon::new("client-id", "client-secret").build()?;
    /// # let _ = patreon;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Patreon = PATREON
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[tokio::test]
    async fn the_user_is_a_json_api_resource_with_named_fields() {
        let http = |request: Request<Bytes>| {
            assert_eq!(
                request.uri().query(),
                Some(
                    "fields%5Buser%5D=email%2Cfull_name%2Cimage_url%2Cis_email_verified%2Curl%2Cvanity"
                )
            );
            let identity = json!({"data": {"id": "8200000", "type": "user", "attributes": {
                "full_name": "Corey Kidd", "vanity": "coreykidd", "email": "c@x.test",
                "is_email_verified": false, "url": "https://www.patreon.com/coreykidd",
                "image_url": "https://c8.patreon.com/2/200/8200000"}}, "links": {}});
            async move { Ok(Response::new(Bytes::from(identity.to_string()))) }
        };
        let patreon = Patreon::new("id", "secret");
        let (user, profile) =
            fetch_profile(patreon.builder, &http, &test_credentials("t", json!({})))
                .await
                .unwrap();
        assert_eq!(user.id, "8200000");
        assert_eq!(user.name.as_deref(), Some("Corey Kidd"));
        assert_eq!(user.email.as_deref(), Some("c@x.test"));
        assert_eq!(user.email_verified, Some(false));
        assert_eq!(user.username.as_deref(), Some("coreykidd"));
        assert_eq!(profile["type"], "user");
    }
}
