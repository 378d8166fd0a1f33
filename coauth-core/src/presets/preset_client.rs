//! What the OAuth 2.0 presets share: the client's registration and the provider's two hosts
//! ([`PresetClient`], the builder methods of [`preset_builder!`]), and a profile read with one
//! API call ([`ApiProfile`]) plus the small readers its mapping functions use.

use async_trait::async_trait;
use url::Url;

use crate::http_client::HttpClient;
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Config, ProfileFetcher, parse_endpoint};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error, Secret};

/// The client's registration at a provider and the provider's hosts: `web` is the host the
/// browser visits, `api` the one the server calls (some providers use one host for both).
#[derive(Debug, Clone)]
pub(crate) struct PresetClient {
    pub(crate) id: String,
    pub(crate) secret: Secret,
    web: String,
    api: String,
}

impl PresetClient {
    pub(crate) fn new(
        id: impl Into<String>,
        secret: impl Into<Secret>,
        web: &str,
        api: &str,
    ) -> Self {
        PresetClient {
            id: id.into(),
            secret: secret.into(),
            web: web.to_owned(),
            api: api.to_owned(),
        }
    }

    pub(crate) fn set_hosts(&mut self, web: String, api: String) {
        self.web = web;
        self.api = api;
    }

    /// `path` on the web host.
    pub(crate) fn web(&self, path: &str) -> String {
        format!("{}{path}", self.web.trim_end_matches('/'))
    }

    /// `path` on the API host.
    pub(crate) fn api(&self, path: &str) -> String {
        format!("{}{path}", self.api.trim_end_matches('/'))
    }

    /// `path` on the API host, as a checked endpoint.
    pub(crate) fn api_endpoint(&self, path: &str) -> Result<Url, ConfigError> {
        parse_endpoint(&self.api(path))
    }

    /// The engine's configuration for these endpoints, with the client's registration:
    /// `scopes` by default, `client_auth`, PKCE when `pkce`, and no silent sign-in (few of
    /// these providers honour `prompt=none`; a preset that does turns it back on).
    pub(crate) fn config(
        &self,
        authorize_url: &str,
        token_url: &str,
        scopes: &[&str],
        client_auth: ClientAuth,
        pkce: bool,
    ) -> Result<OAuth2Config, ConfigError> {
        let mut config = OAuth2Config::new(
            self.id.clone(),
            self.secret.clone(),
            authorize_url,
            token_url,
        )?;
        config.default_scopes = scopes.iter().map(|scope| (*scope).to_owned()).collect();
        config.client_auth = client_auth;
        config.pkce = pkce;
        config.supports_prompt_none = false;
        Ok(config)
    }
}

/// The builder methods every preset has, for a preset struct with a `client: PresetClient`
/// field and a `try_build` method.
macro_rules! preset_builder {
    ($preset:ident, $name:literal, web: $web:literal, api: $api:literal) => {
        impl $preset {
            #[doc = concat!(
                $name, " with the client id and secret it issued for the app (on `", $web,
                "` and `", $api, "`)."
            )]
            pub fn new(
                client_id: impl Into<String>,
                client_secret: impl Into<$crate::Secret>,
            ) -> Self {
                $preset {
                    client: PresetClient::new(client_id, client_secret, $web, $api),
                }
            }
        }
        preset_builder!($preset, $name);
    };
    ($preset:ident, $name:literal) => {
        impl $preset {
            #[doc = concat!(
                "Other hosts for ", $name, ": `web_base` is the host the browser visits, ",
                "`api_base` the host the server calls (the preset's documentation says which ",
                "endpoint is where). Tests point both at a mock provider."
            )]
            pub fn with_hosts(
                mut self,
                web_base: impl Into<String>,
                api_base: impl Into<String>,
            ) -> Self {
                self.client.set_hosts(web_base.into(), api_base.into());
                self
            }

            #[doc = concat!("Builds the ", $name, " provider.")]
            ///
            /// # Panics
            /// When [`Self::with_hosts`] was given an invalid URL; [`Self::try_build`] returns
            /// the error instead.
            pub fn build(self) -> $crate::oauth2::OAuth2Provider {
                self.try_build().expect(concat!(
                    $name,
                    "'s endpoints are valid URLs unless with_hosts changed them"
                ))
            }
        }
    };
}
pub(crate) use preset_builder;

type RequestFn = dyn Fn(&Credentials) -> Result<ApiRequest, Error> + Send + Sync;
type MapFn = fn(serde_json::Value, &Credentials) -> Result<(User, serde_json::Value), Error>;

/// A profile read with one API call: `request` builds the call, `map` turns the answer into
/// the user and the profile document the client's `fields` are taken from.
pub(crate) struct ApiProfile {
    request: Box<RequestFn>,
    map: MapFn,
}

impl ApiProfile {
    pub(crate) fn new(
        request: impl Fn(&Credentials) -> Result<ApiRequest, Error> + Send + Sync + 'static,
        map: MapFn,
    ) -> Self {
        ApiProfile {
            request: Box::new(request),
            map,
        }
    }

    /// A `GET` of `url` with the token as `Authorization: Bearer`.
    pub(crate) fn bearer_get(url: Url, map: MapFn) -> Self {
        ApiProfile::new(
            move |credentials| Ok(ApiRequest::get(&url).bearer(credentials)),
            map,
        )
    }
}

#[async_trait]
impl ProfileFetcher for ApiProfile {
    async fn fetch(
        &self,
        http: &dyn HttpClient,
        credentials: &Credentials,
    ) -> Result<(User, serde_json::Value), Error> {
        let answer = (self.request)(credentials)?.send(http).await?;
        (self.map)(answer, credentials)
    }
}

/// The value at a JSON pointer as text: strings as they are, numbers in decimal; empty
/// strings count as absent.
pub(crate) fn text(value: &serde_json::Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The user's id at `pointer`, or a provider error naming the provider.
pub(crate) fn required_id(
    value: &serde_json::Value,
    pointer: &str,
    provider: &str,
) -> Result<String, Error> {
    text(value, pointer)
        .ok_or_else(|| Error::Provider(format!("{provider}'s profile has no user id")))
}

/// The sub-document at `pointer` (VK's `response[0]`, Twitch's `data[0]`), or a provider
/// error naming the provider.
pub(crate) fn required_object(
    value: serde_json::Value,
    pointer: &str,
    provider: &str,
) -> Result<serde_json::Value, Error> {
    match value.pointer(pointer) {
        Some(object @ serde_json::Value::Object(_)) => Ok(object.clone()),
        _ => Err(Error::Provider(format!(
            "{provider}'s profile answer has no user"
        ))),
    }
}

/// "First Last" from the parts that are present.
pub(crate) fn full_name(first: Option<String>, last: Option<String>) -> Option<String> {
    let name = [first, last]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Credentials as a token answer with `extra` fields would give them.
#[cfg(test)]
pub(crate) fn test_credentials(access_token: &str, extra: serde_json::Value) -> Credentials {
    Credentials {
        access_token: Secret::new(access_token),
        token_type: "bearer".into(),
        expires_in: None,
        refresh_token: None,
        scope: None,
        id_token: None,
        token_secret: None,
        extra: match extra {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn readers() {
        let doc = json!({"a": {"b": [{"c": 5}, {"c": ""}]}, "s": "x"});
        assert_eq!(text(&doc, "/a/b/0/c").as_deref(), Some("5"));
        assert_eq!(text(&doc, "/a/b/1/c"), None);
        assert_eq!(text(&doc, "/s").as_deref(), Some("x"));
        assert_eq!(
            required_id(&doc, "/nope", "P").unwrap_err().code(),
            "ProviderError"
        );
        assert!(required_object(doc.clone(), "/a/b/0", "P").is_ok());
        assert!(required_object(doc, "/s", "P").is_err());
        assert_eq!(full_name(Some("A".into()), None).as_deref(), Some("A"));
        assert_eq!(full_name(None, None), None);
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }

    #[test]
    fn hosts_are_joined_without_double_slashes() {
        let mut client =
            PresetClient::new("id", "secret", "https://w.example/", "https://a.example");
        assert_eq!(client.web("/authorize"), "https://w.example/authorize");
        client.set_hosts("http://127.0.0.1:1".into(), "http://127.0.0.1:2/".into());
        assert_eq!(client.api("/me"), "http://127.0.0.1:2/me");
        assert!(client.api_endpoint("/me").is_ok());
    }
}
