//! Twitter (X) with OAuth 1.0a: HMAC-SHA1 three-legged flow through `/oauth/request_token`,
//! `/oauth/authenticate` ("Sign in with Twitter": no second prompt for a user who already
//! authorized the app) and `/oauth/access_token`, then the profile from
//! `1.1/account/verify_credentials.json` with the email. A refusal comes back as
//! `?denied=<request token>`.

use std::sync::Arc;

use async_trait::async_trait;
use url::Url;

use crate::config::Clock;
use crate::oauth1::{OAuth1Config, OAuth1ProfileFetcher, OAuth1Provider, SignedClient};
use crate::oauth2::{claim_text, parse_endpoint};
use crate::provider::User;
use crate::{ConfigError, Error, Secret};

/// The Twitter OAuth 1.0a preset.
///
/// ```
/// let twitter = coauth_core::presets::Twitter::new("consumer-key", "consumer-secret").build();
/// # let _ = twitter;
/// ```
///
/// Register the result page's exact URL as the app's callback URL at Twitter: the engine
/// sends it as `oauth_callback` and requires `oauth_callback_confirmed=true`. To receive the
/// email, the app must have "Request email address from users" turned on.
pub struct Twitter {
    consumer_key: String,
    consumer_secret: Secret,
    oauth_base: String,
    api_base: String,
    clock: Option<Arc<dyn Clock>>,
}

impl std::fmt::Debug for Twitter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twitter")
            .field("consumer_key", &self.consumer_key)
            .field("oauth_base", &self.oauth_base)
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl Twitter {
    /// Twitter with the app's consumer key and secret ("API key and secret"), on
    /// `api.twitter.com`.
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<Secret>) -> Self {
        Twitter {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            oauth_base: "https://api.twitter.com".into(),
            api_base: "https://api.twitter.com".into(),
            clock: None,
        }
    }

    /// Other hosts: `oauth_base` serves `/oauth/*`, `api_base` serves
    /// `/1.1/account/verify_credentials.json` (for example `https://api.x.com`, or a test
    /// server).
    pub fn with_hosts(
        mut self,
        oauth_base: impl Into<String>,
        api_base: impl Into<String>,
    ) -> Self {
        self.oauth_base = oauth_base.into();
        self.api_base = api_base.into();
        self
    }

    /// The time source of `oauth_timestamp` (default: the system clock); for tests.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth1Provider, ConfigError> {
        let oauth = self.oauth_base.trim_end_matches('/');
        let api = self.api_base.trim_end_matches('/');
        let mut config = OAuth1Config::new(
            self.consumer_key,
            self.consumer_secret,
            &format!("{oauth}/oauth/request_token"),
            &format!("{oauth}/oauth/authenticate"),
            &format!("{oauth}/oauth/access_token"),
        )?;
        if let Some(clock) = self.clock {
            config.clock = clock;
        }
        let profile = TwitterProfile {
            url: parse_endpoint(&format!(
                "{api}/1.1/account/verify_credentials.json?include_email=true&skip_status=true"
            ))?,
        };
        Ok(OAuth1Provider::new(config, profile))
    }

    /// Builds the provider for the default hosts, which are always valid.
    pub fn build(self) -> OAuth1Provider {
        self.try_build()
            .expect("Twitter's endpoints are valid URLs unless with_hosts changed them")
    }
}

/// Reads `account/verify_credentials.json` and maps Twitter's user object.
#[derive(Debug, Clone)]
pub struct TwitterProfile {
    url: Url,
}

impl TwitterProfile {
    /// Maps a Twitter v1.1 user object to a [`User`].
    pub fn map(profile: &serde_json::Value) -> Result<User, Error> {
        // `id` exceeds 2^53 for recent accounts: prefer the string form.
        let id = claim_text(profile, "id_str")
            .or_else(|| claim_text(profile, "id"))
            .filter(|id| !id.is_empty())
            .ok_or_else(|| Error::Provider("Twitter's profile has no id".into()))?;
        let screen_name = claim_text(profile, "screen_name");
        // Twitter returns `email` only when the user has a verified address (null
        // otherwise), so a present email is a verified one.
        let email = claim_text(profile, "email").filter(|email| !email.is_empty());
        let profile_url = screen_name
            .as_deref()
            .filter(|name| {
                !name.is_empty()
                    && name.len() <= 50
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
            .map(|name| format!("https://x.com/{name}"));
        Ok(User {
            id,
            name: claim_text(profile, "name").or_else(|| screen_name.clone()),
            email_verified: email.as_ref().map(|_| true),
            email,
            avatar_url: claim_text(profile, "profile_image_url_https"),
            profile_url,
            username: screen_name,
        })
    }
}

#[async_trait]
impl OAuth1ProfileFetcher for TwitterProfile {
    async fn fetch(&self, client: &SignedClient<'_>) -> Result<(User, serde_json::Value), Error> {
        let profile = client.get_json(&self.url).await?;
        Ok((Self::map(&profile)?, profile))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Provider;

    #[test]
    fn twitter_user_object_maps_to_the_user() {
        let user = TwitterProfile::map(&serde_json::json!({
            "id": 1_234_567_890_123_456_789_u64, "id_str": "1234567890123456789",
            "name": "Ada", "screen_name": "ada_l", "email": "ada@example.test",
            "profile_image_url_https": "https://pbs.twimg.com/ada.jpg"
        }))
        .unwrap();
        assert_eq!(user.id, "1234567890123456789");
        assert_eq!(user.username.as_deref(), Some("ada_l"));
        assert_eq!(user.email_verified, Some(true));
        assert_eq!(user.profile_url.as_deref(), Some("https://x.com/ada_l"));
        assert_eq!(
            user.avatar_url.as_deref(),
            Some("https://pbs.twimg.com/ada.jpg")
        );
    }

    #[test]
    fn missing_email_and_odd_screen_names() {
        let user = TwitterProfile::map(&serde_json::json!({
            "id": 12, "screen_name": "../evil", "email": null
        }))
        .unwrap();
        assert_eq!(user.id, "12");
        assert_eq!(user.email, None);
        assert_eq!(user.email_verified, None);
        assert_eq!(user.profile_url, None);
        assert_eq!(user.name.as_deref(), Some("../evil"));
        assert!(TwitterProfile::map(&serde_json::json!({"name": "x"})).is_err());
    }

    #[test]
    fn endpoints_follow_the_hosts() {
        let provider = Twitter::new("k", "s").build();
        let config = provider.config();
        assert_eq!(
            config.request_token_url.as_str(),
            "https://api.twitter.com/oauth/request_token"
        );
        assert_eq!(
            config.authorize_url.as_str(),
            "https://api.twitter.com/oauth/authenticate"
        );
        assert_eq!(
            provider.redirect_binding(),
            crate::RedirectBinding::OAuth1RequestToken
        );
        let other = Twitter::new("k", "s")
            .with_hosts("http://127.0.0.1:9/", "http://127.0.0.1:9")
            .try_build()
            .unwrap();
        assert_eq!(
            other.config().access_token_url.as_str(),
            "http://127.0.0.1:9/oauth/access_token"
        );
        assert!(
            Twitter::new("k", "s")
                .with_hosts("not a url", "x")
                .try_build()
                .is_err()
        );
    }
}
