//! The [`Provider`] trait, and the types a sign-in produces.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::http_client::HttpClient;
use crate::protocol::{AuthOptions, ResultOptions};
use crate::{Error, Secret};

/// A sign-in provider: builds the authorization URL, then turns the provider's redirect into
/// an [`AuthResult`]'s parts.
///
/// coauth does everything around these two steps: it generates `state`, the PKCE verifier and
/// the nonce, seals them with the provider's data, checks that the redirect belongs to the
/// flow (the returned `state`, or the OAuth 1.0a request token: see [`RedirectBinding`]) in
/// constant time before `finish` is called, and maps denial responses
/// (`error=access_denied`, `denied=`, ...) to [`Error::UserDenied`]. A provider only speaks
/// its protocol.
///
/// Built-in engines implement it ([`crate::oauth2::OAuth2Provider`]); a custom provider
/// implements it directly.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// Redirect parameters this provider needs beyond the standard ones (`code`, `state`,
    /// `iss`, `error`, ...). Parameters not listed here or there never reach `finish`.
    fn extra_response_params(&self) -> &'static [&'static str] {
        &[]
    }

    /// How this provider's redirect is bound to the flow that started it; the core enforces
    /// it before it maps denials and before it calls `finish`. Default:
    /// [`RedirectBinding::State`]. OAuth 1.0a engines answer
    /// [`RedirectBinding::OAuth1RequestToken`].
    fn redirect_binding(&self) -> RedirectBinding {
        RedirectBinding::State
    }

    /// Builds the authorization URL the popup is sent to.
    async fn start(&self, ctx: StartContext<'_>) -> Result<Started, Error>;

    /// Exchanges the provider's redirect parameters for the signed-in user.
    async fn finish(&self, ctx: FinishContext<'_>) -> Result<Finished, Error>;
}

/// How a provider's redirect is tied to the flow that started it.
///
/// The core checks the binding after opening the flow and before anything else reads the
/// redirect: before denials are mapped to [`Error::UserDenied`] and before
/// [`Provider::finish`], so a foreign or forged redirect never causes a call to the provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectBinding {
    /// OAuth 2.0 and OpenID Connect: the core sends a random `state` and requires the same
    /// value back, compared in constant time, on success and error redirects alike.
    #[default]
    State,
    /// OAuth 1.0a, which has no `state`: `start` seals the request token as the string
    /// `Started::sealed["oauth_token"]` ([`OAUTH1_SEALED_TOKEN`]), and the redirect must carry
    /// the same value, compared in constant time, as `denied` when the user refused
    /// (Twitter's shape) or else as `oauth_token`. A missing or different token, including a
    /// `denied` naming another flow's token, is an [`Error::Input`].
    OAuth1RequestToken,
}

/// The key under which an OAuth 1.0a provider seals its request token in [`Started::sealed`]
/// (see [`RedirectBinding::OAuth1RequestToken`]).
pub const OAUTH1_SEALED_TOKEN: &str = "oauth_token";

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
}

/// What [`Provider::start`] returns.
///
/// Its `Debug` shows neither the sealed data (an OAuth 1.0a request token and its secret)
/// nor the URL's query (`state`, the nonce, a request token): SECURITY.md item 30.
#[derive(Clone)]
pub struct Started {
    /// The authorization URL.
    pub url: Url,
    /// Data the provider needs again in `finish`; sealed in the flow, never readable by the
    /// browser.
    pub sealed: serde_json::Value,
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
