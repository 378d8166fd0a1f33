//! The [`Provider`] trait, and the types a sign-in produces.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::clock::Clock;
use crate::failure::{DenialRule, STANDARD_DENIALS};
use crate::http_client::HttpClient;
use crate::protocol::{AuthOptions, ResultOptions};
use crate::{ConfigError, Error, Secret};

/// A sign-in provider: builds the authorization URL, then turns the provider's redirect into
/// an [`AuthResult`]'s parts.
///
/// coauth does everything around these two steps: it generates `state`, the PKCE verifier and
/// the nonce, seals them with the provider's data, checks that the redirect belongs to the
/// flow (the returned `state`, or the OAuth 1.0a request token: see [`Started::bound_to_request_token`]) in
/// constant time before `finish` is called, and maps denial responses
/// ([`Provider::denial_rules`]) to [`Error::UserDenied`]. A provider only speaks its
/// protocol.
///
/// Built-in engines implement it ([`crate::oauth2::OAuth2Provider`]); a custom provider
/// implements it directly.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// Redirect parameters this provider needs beyond the standard ones (`code`, `state`,
    /// `iss`, `error`, ...). Parameters not listed here or there never reach `finish`.
    fn extra_response_params(&self) -> &[&'static str] {
        &[]
    }

    /// The shapes in which this provider's redirect says the user refused; the core maps a
    /// redirect matching one to [`Error::UserDenied`] after checking that it belongs to the
    /// flow. Default: [`STANDARD_DENIALS`] (`error=access_denied`).
    fn denial_rules(&self) -> &[DenialRule] {
        STANDARD_DENIALS
    }

    /// Builds the authorization URL the popup is sent to.
    async fn start(&self, ctx: StartContext<'_>) -> Result<Started, Error>;

    /// Exchanges the provider's redirect parameters for the signed-in user.
    async fn finish(&self, ctx: FinishContext<'_>) -> Result<Finished, Error>;
}

/// What [`crate::CoauthBuilder::provider`] takes: a [`Provider`], or the `Result` a preset's
/// `build()` returns, so that a preset's configuration error surfaces where the app's
/// configuration is checked, in [`crate::CoauthBuilder::build`].
pub trait IntoProvider {
    /// The provider, or the configuration error that kept it from being built.
    fn into_provider(self) -> Result<Arc<dyn Provider>, ConfigError>;
}

impl<P: Provider> IntoProvider for P {
    fn into_provider(self) -> Result<Arc<dyn Provider>, ConfigError> {
        Ok(Arc::new(self))
    }
}

impl<P: Provider> IntoProvider for Result<P, ConfigError> {
    fn into_provider(self) -> Result<Arc<dyn Provider>, ConfigError> {
        self.map(|provider| Arc::new(provider) as Arc<dyn Provider>)
    }
}

/// What [`Provider::start`] gets.
#[non_exhaustive]
pub struct StartContext<'a> {
    /// The exact redirect URI, registered with the provider and allowed by the app.
    pub redirect_uri: &'a str,
    /// The OAuth `state` value to send.
    pub state: &'a str,
    /// The PKCE S256 code challenge to send.
    pub pkce_challenge: &'a str,
    /// The OpenID Connect nonce to send.
    pub nonce: &'a str,
    /// `true` for a silent attempt: the provider must not show any page (`prompt=none`).
    pub silent: bool,
    /// The client's `auth` options: scopes and provider-specific settings.
    pub options: &'a AuthOptions,
    /// The outbound HTTP client.
    pub http: &'a dyn HttpClient,
    /// The time source of the [`crate::Coauth`] running the flow.
    pub clock: &'a dyn Clock,
}

/// What [`Provider::start`] returns: [`Started::new`] with the authorization URL, then
/// [`Started::sealing`] for data `finish` needs again and, for OAuth 1.0a,
/// [`Started::bound_to_request_token`].
///
/// Its `Debug` shows neither the sealed data (an OAuth 1.0a request token and its secret)
/// nor the URL's query (`state`, the nonce, a request token): SECURITY.md item 30.
#[derive(Clone)]
#[non_exhaustive]
pub struct Started {
    /// The authorization URL.
    pub url: Url,
    /// Data the provider needs again in `finish`; sealed in the flow, never readable by the
    /// browser.
    pub sealed: serde_json::Value,
    /// How the provider's redirect is bound to this flow: `None` for OAuth 2.0 and OpenID
    /// Connect, whose redirect must carry the flow's `state`; for OAuth 1.0a, which has no
    /// `state`, the request token, which the redirect must carry instead.
    pub request_token: Option<String>,
}

impl Started {
    /// A start that sends the browser to `url`, bound to the flow by `state`.
    pub fn new(url: Url) -> Started {
        Started {
            url,
            sealed: serde_json::Value::Null,
            request_token: None,
        }
    }

    /// Seals `data` in the flow; `finish` gets it back as [`FinishContext::sealed`].
    pub fn sealing(mut self, data: serde_json::Value) -> Started {
        self.sealed = data;
        self
    }

    /// Binds the redirect to the flow by an OAuth 1.0a request token instead of `state`: the
    /// core seals `token` and, before it maps denials and before `finish`, requires the
    /// redirect to carry the same value, compared in constant time, as `denied` when the user
    /// refused (Twitter's shape) or else as `oauth_token`. A missing or different token,
    /// including a `denied` naming another flow's token, is an [`Error::Input`].
    pub fn bound_to_request_token(mut self, token: impl Into<String>) -> Started {
        self.request_token = Some(token.into());
        self
    }
}

impl std::fmt::Debug for Started {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        f.debug_struct("Started")
            .field("url", &format_args!("{url}?[redacted]"))
            .field("sealed", &"[redacted]")
            .finish()
    }
}

/// What [`Provider::finish`] gets.
#[non_exhaustive]
pub struct FinishContext<'a> {
    /// The redirect parameters the provider sent, already filtered and state-checked.
    pub params: &'a BTreeMap<String, String>,
    /// The redirect URI used in `start`.
    pub redirect_uri: &'a str,
    /// The PKCE code verifier matching the challenge sent in `start`.
    pub pkce_verifier: &'a str,
    /// The nonce sent in `start`.
    pub nonce: &'a str,
    /// The data `start` sealed.
    pub sealed: &'a serde_json::Value,
    /// The client's `result` options: requested fields and provider-specific settings.
    pub options: &'a ResultOptions,
    /// The outbound HTTP client.
    pub http: &'a dyn HttpClient,
    /// The time source of the [`crate::Coauth`] running the flow.
    pub clock: &'a dyn Clock,
}

/// What [`Provider::finish`] returns.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The user, normalized.
    pub user: User,
    /// The provider's own profile document, from which requested `fields` are taken.
    pub profile: serde_json::Value,
    /// The tokens the provider issued.
    pub credentials: Credentials,
}

/// The signed-in user, the same shape for every provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The provider's stable identifier of the user. Key accounts on (provider, id), never on
    /// the email.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Whether the provider says it verified `email` (`None`: it does not say).
    ///
    /// coauth only reports it; merging accounts is the app's decision. Never attach this
    /// identity to an existing account by email unless this is `Some(true)` and the provider
    /// is authoritative for the address: an unverified (or unreported) email may belong to
    /// someone else, who would take the account over (pre-account takeover, SECURITY.md
    /// item 26). `None` and `Some(false)` mean "not verified".
    pub email_verified: Option<bool>,
    /// Picture URL.
    pub avatar_url: Option<String>,
    /// Public profile page URL.
    pub profile_url: Option<String>,
    /// Login or handle.
    pub username: Option<String>,
}

/// Tokens issued by the provider. They reach the browser only when the app opts in.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The access token.
    pub access_token: Secret,
    /// The token type, usually `bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds, when the provider says.
    pub expires_in: Option<u64>,
    /// The refresh token, when issued.
    pub refresh_token: Option<Secret>,
    /// The granted scope, space separated, when the provider says.
    pub scope: Option<String>,
    /// The OpenID Connect ID token, when issued.
    pub id_token: Option<Secret>,
    /// The OAuth 1.0a token secret: with `access_token`, what signs API calls for the user.
    pub token_secret: Option<Secret>,
    /// The token answer's other fields, e.g. VK's `user_id` and `email` or Dropbox's
    /// `account_id`: for profile fetchers and the app's result hook, never sent to the
    /// browser. The OAuth 2.0 engine leaves out every field whose name contains `token` or
    /// `secret` (see [`crate::oauth2::token_answer_extra`]).
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Credentials {
    /// The credentials as JSON, secrets included: for the app's own use or an opted-in browser.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "accessToken": self.access_token.expose(),
            "tokenType": self.token_type,
            "expiresIn": self.expires_in,
            "refreshToken": self.refresh_token.as_ref().map(Secret::expose),
            "scope": self.scope,
            "idToken": self.id_token.as_ref().map(Secret::expose),
            "tokenSecret": self.token_secret.as_ref().map(Secret::expose),
        })
    }
}

/// The outcome of a successful sign-in.
#[derive(Debug, Clone)]
pub struct AuthResult {
    /// The provider's name, as the client sent it in `providerType`.
    pub provider_type: String,
    /// The client's `identity` value, returned as sealed at the start of the flow.
    pub identity: serde_json::Value,
    /// For an account-linking flow (the client sent a non-null `identity`): the id of the
    /// app user who started it and is still signed in, as [`crate::SessionUser`] answered at
    /// both steps. `None` for a sign-in.
    ///
    /// Linking `user` to this account is the app's job, in its [`crate::ResultHook`]: refuse
    /// an identity (`provider_type`, `user.id`) already linked to another account, and tell
    /// the user by email or in-app notice that an identity was linked (SECURITY.md item 25).
    /// Never sent to the browser.
    pub linking_user: Option<String>,
    /// The user, normalized.
    pub user: User,
    /// The provider profile fields the client asked for in `result.fields`.
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The provider's tokens.
    pub credentials: Credentials,
    /// The provider's whole profile document.
    pub profile: serde_json::Value,
}

impl AuthResult {
    /// The wire protocol's result object; `credentials` only when `include_credentials`.
    pub fn to_json(&self, include_credentials: bool) -> serde_json::Value {
        let mut value = serde_json::json!({
            "providerType": self.provider_type,
            "identity": self.identity,
            "user": self.user,
            "fields": self.fields,
        });
        if include_credentials {
            value["credentials"] = self.credentials.to_json();
        }
        value
    }
}
