//! Bitbucket Cloud: HTTP Basic at the token endpoint, the profile at `/2.0/user` with links
//! nested under `links`, and the email only from `/2.0/user/emails` (the primary one, with
//! its `is_confirmed` flag).

use async_trait::async_trait;
use url::Url;

use super::preset_client::{PresetClient, preset_builder, required_id, text};
use crate::http_client::HttpClient;
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider, ProfileFetcher};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Bitbucket preset. `bitbucket.org` (the web host) serves `/site/oauth2/authorize` and
/// `/site/oauth2/access_token`, `api.bitbucket.org` (the API host) serves `/2.0/user` and
/// `/2.0/user/emails`.
///
/// ```
/// let bitbucket = coauth_core::presets::Bitbucket::new("key", "secret").build();
/// # let _ = bitbucket;
/// ```
#[derive(Debug, Clone)]
pub struct Bitbucket {
    client: PresetClient,
}

preset_builder!(Bitbucket, "Bitbucket", web: "https://bitbucket.org", api: "https://api.bitbucket.org");

impl Bitbucket {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/site/oauth2/authorize"),
            &client.web("/site/oauth2/access_token"),
            &["account", "email"],
            ClientAuth::Basic,
            false,
        )?;
        let profile = BitbucketProfile {
            user: client.api_endpoint("/2.0/user")?,
            emails: client.api_endpoint("/2.0/user/emails")?,
        };
        Ok(OAuth2Provider::new(config, profile))
    }
}

/// Reads `/2.0/user`, then `/2.0/user/emails` for the primary address.
struct BitbucketProfile {
    user: Url,
    emails: Url,
}

#[async_trait]
impl ProfileFetcher for BitbucketProfile {
    async fn fetch(
        &self,
        http: &dyn HttpClient,
        credentials: &Credentials,
    ) -> Result<(User, serde_json::Value), Error> {
        let profile = ApiRequest::get(&self.user)
            .bearer(credentials)
            .send(http)
            .await?;
        let emails = ApiRequest::get(&self.emails)
            .bearer(credentials)
            .send(http)
            .await?;
        Ok((map_profile(&profile, &emails)?, profile))
    }
}

fn map_profile(profile: &serde_json::Value, emails: &serde_json::Value) -> Result<User, Error> {
    let id = text(profile, "/account_id")
        .map_or_else(|| required_id(profile, "/uuid", "Bitbucket"), Ok)?;
    let primary = emails
        .get("values")
        .and_then(serde_json::Value::as_array)
        .and_then(|values| {
            values
                .iter()
                .find(|email| email.get("is_primary") == Some(&serde_json::Value::Bool(true)))
        });
    Ok(User {
        id,
        name: text(profile, "/display_name"),
        email: primary.and_then(|email| text(email, "/email")),
        email_verified: primary.and_then(|email| {
            email
                .get("is_confirmed")
                .and_then(serde_json::Value::as_bool)
        }),
        avatar_url: text(profile, "/links/avatar/href"),
        profile_url: text(profile, "/links/html/href"),
        username: text(profile, "/username").or_else(|| text(profile, "/nickname")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn primary_email_with_its_confirmation() {
        let profile = json!({"uuid": "{a-b}", "account_id": "557058:c0b7",
            "display_name": "Ada", "nickname": "ada",
            "links": {"avatar": {"href": "https://b.example/a.png"},
                      "html": {"href": "https://bitbucket.org/ada/"}}});
        let emails = json!({"values": [
            {"email": "old@x.test", "is_primary": false, "is_confirmed": true},
            {"email": "ada@x.test", "is_primary": true, "is_confirmed": false}]});
        let user = map_profile(&profile, &emails).unwrap();
        assert_eq!(user.id, "557058:c0b7");
        assert_eq!(user.email.as_deref(), Some("ada@x.test"));
        assert_eq!(user.email_verified, Some(false));
        assert_eq!(user.username.as_deref(), Some("ada"));
        let user = map_profile(&json!({"uuid": "{a-b}"}), &json!({"values": []})).unwrap();
        assert_eq!((user.id.as_str(), user.email), ("{a-b}", None));
    }
}
