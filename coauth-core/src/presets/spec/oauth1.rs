//! The shape of an OAuth 1.0a preset: the three endpoints of the flow and the signed
//! profile call on the provider's hosts, and how the user is read, declared as data
//! ([`OAuth1Preset`]); [`OAuth1PresetBuilder`] is the one builder, with the same
//! `with_hosts` and `build` as every other preset.

use async_trait::async_trait;
use serde_json::Value;
use url::Url;

use super::{Endpoint, PresetContext, UserFields, endpoint_url, map_user};
use crate::oauth1::{OAuth1Config, OAuth1ProfileFetcher, OAuth1Provider, SignedClient};
use crate::provider::User;
use crate::{ConfigError, Error, Secret};

/// Adjusts the user read from the profile (a profile URL only for a well-formed handle).
pub type OAuth1UserHook = fn(&Value, &mut User) -> Result<(), Error>;

/// An OAuth 1.0a provider, declared.
#[derive(Debug, Clone, Copy)]
pub struct OAuth1Preset {
    /// The provider's name.
    pub name: &'static str,
    /// The default host of the flow's endpoints.
    pub web: &'static str,
    /// The default host of the API.
    pub api: &'static str,
    /// The temporary credentials (request token) endpoint.
    pub request_token: Endpoint,
    /// The resource owner authorization page.
    pub authorize: Endpoint,
    /// The token credentials (access token) endpoint.
    pub access_token: Endpoint,
    /// The profile, read with a signed `GET` (its query is signed too).
    pub profile: Endpoint,
    /// How the user is read from the profile.
    pub user: UserFields,
    /// What data cannot say.
    pub user_hook: Option<OAuth1UserHook>,
}

/// Builds an [`OAuth1Provider`] from a declaration and the app's consumer credentials.
#[derive(Debug, Clone)]
pub struct OAuth1PresetBuilder {
    spec: &'static OAuth1Preset,
    consumer_key: String,
    consumer_secret: Secret,
    web: String,
    api: String,
}

impl OAuth1PresetBuilder {
    /// The provider declared by `spec`, for the app's consumer key and secret.
    pub fn new(
        spec: &'static OAuth1Preset,
        consumer_key: impl Into<String>,
        consumer_secret: impl Into<Secret>,
    ) -> OAuth1PresetBuilder {
        OAuth1PresetBuilder {
            spec,
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            web: spec.web.to_owned(),
            api: spec.api.to_owned(),
        }
    }

    /// Other hosts: `web_base` for the flow's endpoints, `api_base` for the profile.
    pub fn with_hosts(mut self, web_base: impl Into<String>, api_base: impl Into<String>) -> Self {
        self.web = web_base.into();
        self.api = api_base.into();
        self
    }

    /// Builds the provider. Fails when a host is not an http(s) URL.
    pub fn build(self) -> Result<OAuth1Provider, ConfigError> {
        let spec = self.spec;
        let context = PresetContext {
            client_id: self.consumer_key.clone(),
            secret: self.consumer_secret.clone(),
            vars: Vec::new(),
        };
        let url = |endpoint| endpoint_url(endpoint, &self.web, &self.api, &context);
        let config = OAuth1Config::new(
            self.consumer_key.clone(),
            self.consumer_secret.clone(),
            url(spec.request_token)?.as_str(),
            url(spec.authorize)?.as_str(),
            url(spec.access_token)?.as_str(),
        )?;
        let profile = SpecProfile {
            spec,
            url: url(spec.profile)?,
        };
        Ok(OAuth1Provider::new(config, profile))
    }
}

/// The profile fetcher of a declared OAuth 1.0a preset.
struct SpecProfile {
    spec: &'static OAuth1Preset,
    url: Url,
}

#[async_trait]
impl OAuth1ProfileFetcher for SpecProfile {
    async fn fetch(&self, client: &SignedClient<'_>) -> Result<(User, Value), Error> {
        let profile = client.get_json(&self.url).await?;
        let mut user = map_user(&self.spec.user, &profile)
            .ok_or_else(|| Error::Provider(format!("{}'s profile has no id", self.spec.name)))?;
        if let Some(hook) = self.spec.user_hook {
            hook(&profile, &mut user)?;
        }
        Ok((user, profile))
    }
}
