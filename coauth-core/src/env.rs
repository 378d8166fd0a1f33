//! Configuration from environment variables (the `env` cargo feature): the app secret, the
//! public URL, the flow lifetime, and every preset, each turned on by its own variables.
//!
//! [`from_env`] reads the process environment and [`from_lookup`] any other source (a map,
//! a secrets store, a test's list). Both answer a [`Configured`]: the [`CoauthBuilder`], to
//! which the app adds what has no variable (result hook, session user, HTTP client) before
//! calling [`CoauthBuilder::build`], plus the providers turned on and the problems found.
//!
//! | variable | |
//! |---|---|
//! | [`COAUTH_SECRET`](SECRET) | required: the app secret, raw text or `base64:` / `hex:` encoded bytes, at least [`MIN_SECRET_LEN`] bytes; see [`secret`] |
//! | [`COAUTH_PREVIOUS_SECRET`](PREVIOUS_SECRET) | optional: the secret in use before, accepted for flows already started (rotation); one secret, same encodings |
//! | [`COAUTH_PUBLIC_URL`](PUBLIC_URL) | optional: where browsers reach the coauth resources (`https://app.example/coauth`), see [`CoauthBuilder::public_url`] |
//! | [`COAUTH_FLOW_LIFETIME`](FLOW_LIFETIME) | optional: how long a sign-in may take, in whole seconds, 1 to 600 |
//! | [`COAUTH_SESSIONS`](SESSIONS) | optional: `1` turns coauth's sessions on ([`CoauthBuilder::sessions`]) |
//! | [`COAUTH_SESSION_LIFETIME`](SESSION_LIFETIME), [`COAUTH_SESSION_IDLE_TIMEOUT`](SESSION_IDLE_TIMEOUT) | optional, with sessions on: their absolute lifetime and idle timeout, in whole seconds |
//! | `COAUTH_<NAME>_CLIENT_ID`, `COAUTH_<NAME>_CLIENT_SECRET` | turn the preset `<NAME>` on; some presets read more, see [`providers`] |
//!
//! An empty variable counts as unset. Errors name the variable and never show its value, so
//! they can go to any log.
//!
//! ```
//! use coauth_core::env;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A list stands in for the environment here; `env::from_env()` reads the real one.
//! let vars = [
//!     // 32 random bytes: `openssl rand -base64 32`.
//!     ("COAUTH_SECRET", "base64:q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k="),
//!     ("COAUTH_PUBLIC_URL", "https://app.example/coauth"),
//!     ("COAUTH_GITHUB_CLIENT_ID", "Iv1.0123456789abcdef"),
//!     ("COAUTH_GITHUB_CLIENT_SECRET", "github-client-secret"),
//!     // Set, but its secret is not: a problem, and the other presets still turn on.
//!     ("COAUTH_GOOGLE_CLIENT_ID", "1234.apps.googleusercontent.com"),
//! ];
//! let configured = env::from_lookup(|name| {
//!     vars.iter()
//!         .find(|(variable, _)| *variable == name)
//!         .map(|(_, value)| (*value).to_owned())
//! })?;
//! for provider in &configured.enabled {
//!     println!("sign in with {} ({})", provider.display_name, provider.name);
//! }
//! for problem in &configured.problems {
//!     eprintln!("not turned on: {problem}");
//! }
//! assert_eq!(configured.enabled[0].display_name, "GitHub");
//! assert_eq!(
//!     configured.problems[0].to_string(),
//!     "COAUTH_GOOGLE_CLIENT_SECRET is not set"
//! );
//! // The app adds its result hook, session user, ... here.
//! let coauth = configured.builder.build()?;
//! # let _ = coauth;
//! # Ok(())
//! # }
//! ```
//!
//! Without the `presets` feature no preset has variables, and only the secret, public URL and
//! flow lifetime are read; the OpenID presets need `oidc` as well, Twitter `oauth1`.

use std::cell::RefCell;
use std::fmt;
use std::time::Duration;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use url::Url;

use crate::{
    Coauth, CoauthBuilder, ConfigError, MAX_FLOW_LIFETIME, MAX_SESSION_LIFETIME, MIN_SECRET_LEN,
    Provider, Sessions,
};

#[cfg(all(feature = "presets", feature = "oauth1"))]
use crate::presets::Twitter;
#[cfg(feature = "presets")]
use crate::presets::{
    Amazon, Asana, Atlassian, BattleNet, Bitbucket, BoxCom, ClickUp, Coinbase, Discord, Dribbble,
    Dropbox, Facebook, Figma, GitHub, GitLab, HubSpot, Instagram, Kakao, Linear, MailRu, Mastodon,
    Miro, Naver, Notion, Odnoklassniki, Patreon, PayPal, Pinterest, Reddit, Shopify, Snapchat,
    Spotify, Strava, Threads, TikTok, Twitch, Vimeo, Vk, VkId, Webex, Weibo, X, Yahoo, Yandex,
    Zoho, Zoom,
};
#[cfg(all(feature = "presets", feature = "oidc"))]
use crate::presets::{
    AmazonCognito, Apple, Auth0, Authentik, AzureAdB2c, FusionAuth, Google, Intuit, Keycloak, Line,
    LinkedIn, Microsoft, Oidc, Okta, Roblox, Salesforce, Slack, YahooJapan, Zitadel,
};

/// `COAUTH_SECRET`: the app secret (required by [`from_env`]); see [`secret`] for its forms.
pub const SECRET: &str = "COAUTH_SECRET";
/// `COAUTH_PREVIOUS_SECRET`: the secret in use before `COAUTH_SECRET`, whose flows are still
/// accepted (key rotation: move the old secret here, set the new one, and remove this one a
/// flow lifetime later). One secret, in the same forms as `COAUTH_SECRET`.
pub const PREVIOUS_SECRET: &str = "COAUTH_PREVIOUS_SECRET";
/// `COAUTH_PUBLIC_URL`: the URL at which browsers reach the coauth resources, e.g.
/// `https://app.example/coauth` (the reverse proxy's URL, not the server's); its
/// `/result_page` becomes an allowed redirect URI. See [`CoauthBuilder::public_url`].
pub const PUBLIC_URL: &str = "COAUTH_PUBLIC_URL";
/// `COAUTH_FLOW_LIFETIME`: how long a started sign-in stays valid, in whole seconds from 1
/// to 600 (the default). See [`CoauthBuilder::flow_lifetime`].
pub const FLOW_LIFETIME: &str = "COAUTH_FLOW_LIFETIME";

/// `COAUTH_SESSIONS`: `1` (or `true`) turns coauth's sessions on, `0` (or `false`, or unset)
/// leaves them off. See [`CoauthBuilder::sessions`].
pub const SESSIONS: &str = "COAUTH_SESSIONS";
/// `COAUTH_SESSION_LIFETIME`: with sessions on, how long a session lasts at most, in whole
/// seconds (default 7 days, at most 400 days). See [`crate::Sessions::absolute_lifetime`].
pub const SESSION_LIFETIME: &str = "COAUTH_SESSION_LIFETIME";
/// `COAUTH_SESSION_IDLE_TIMEOUT`: with sessions on, how long a session lasts without a
/// renewal, in whole seconds (default 24 hours, at most the lifetime). See
/// [`crate::Sessions::idle_timeout`].
pub const SESSION_IDLE_TIMEOUT: &str = "COAUTH_SESSION_IDLE_TIMEOUT";

/// The variables of the whole app, as opposed to those of one preset.
const APP_VARIABLES: [&str; 7] = [
    SECRET,
    PREVIOUS_SECRET,
    PUBLIC_URL,
    FLOW_LIFETIME,
    SESSIONS,
    SESSION_LIFETIME,
    SESSION_IDLE_TIMEOUT,
];

/// Why a configuration from the environment failed, or why one preset was not turned on.
///
/// Every message names the variable and never shows its value (a secret, or a URL or key id
/// an operator may not want in a log): it says what the value must be instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// A required variable is not set (or is empty).
    #[error("{variable} is not set")]
    Missing {
        /// The variable's name.
        variable: &'static str,
    },
    /// A secret variable's value is not a usable secret.
    #[error("{variable} {problem}")]
    Secret {
        /// The variable's name.
        variable: &'static str,
        /// What is wrong with it.
        problem: SecretError,
    },
    /// A variable's value is invalid.
    #[error("{variable} {reason}")]
    Invalid {
        /// The variable's name.
        variable: &'static str,
        /// What the value must be (never the value itself), e.g. `must use https`.
        reason: String,
    },
    /// A preset refused its settings for a reason the checks here did not foresee.
    #[error(
        "{provider}: the preset refused the settings in {}{}",
        variables.join(", "),
        reason.as_deref().map(|reason| format!(": {reason}")).unwrap_or_default()
    )]
    Preset {
        /// The provider's name.
        provider: &'static str,
        /// The variables the preset was built from.
        variables: Vec<&'static str>,
        /// The preset's own explanation, left out when it would show one of the values.
        reason: Option<String>,
    },
}

impl EnvError {
    /// The variable the error is about; for [`EnvError::Preset`], the preset's client id
    /// variable.
    pub fn variable(&self) -> &'static str {
        match self {
            EnvError::Missing { variable }
            | EnvError::Secret { variable, .. }
            | EnvError::Invalid { variable, .. } => variable,
            EnvError::Preset { variables, .. } => variables.first().copied().unwrap_or(""),
        }
    }

    fn invalid(variable: &'static str, reason: impl Into<String>) -> EnvError {
        EnvError::Invalid {
            variable,
            reason: reason.into(),
        }
    }
}

/// What is wrong with an app secret given to [`secret`]. The messages never show the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The text after `base64:` is not base64 (standard or URL-safe alphabet, padded or not).
    #[error("is not valid base64 after `base64:` (standard or URL-safe, padded or not)")]
    Base64,
    /// The text after `hex:` is not an even number of hex digits.
    #[error("is not valid hex after `hex:` (an even number of 0-9, a-f)")]
    Hex,
    /// The secret is shorter than [`MIN_SECRET_LEN`] bytes (once decoded).
    #[error("must be at least {} bytes (once decoded)", MIN_SECRET_LEN)]
    TooShort,
}

/// Decodes an app secret: `base64:<text>` (standard or URL-safe alphabet, with or without
/// `=` padding) or `hex:<text>` (either case) are the bytes they encode, anything else is
/// the text's own UTF-8 bytes, so a raw secret cannot start with `base64:` or `hex:`.
/// Whitespace around encoded text is ignored. The result must be at least
/// [`MIN_SECRET_LEN`] bytes.
///
/// ```
/// use coauth_core::env::{SecretError, secret};
/// let raw = secret("a random app secret, at least 32 bytes long!").unwrap();
/// assert_eq!(raw, b"a random app secret, at least 32 bytes long!");
/// let hex = secret(&format!("hex:{}", "ab".repeat(32))).unwrap();
/// assert_eq!(hex, [0xab; 32]);
/// // 32 hex digits are only 16 bytes.
/// assert_eq!(secret(&format!("hex:{}", "ab".repeat(16))), Err(SecretError::TooShort));
/// ```
pub fn secret(value: &str) -> Result<Vec<u8>, SecretError> {
    let bytes = if let Some(encoded) = value.strip_prefix("base64:") {
        decode_base64(encoded.trim()).ok_or(SecretError::Base64)?
    } else if let Some(encoded) = value.strip_prefix("hex:") {
        decode_hex(encoded.trim()).ok_or(SecretError::Hex)?
    } else {
        value.as_bytes().to_vec()
    };
    if bytes.len() < MIN_SECRET_LEN {
        return Err(SecretError::TooShort);
    }
    Ok(bytes)
}

/// Base64 in either alphabet, padding optional.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let standard = GeneralPurpose::new(&alphabet::STANDARD, config);
    let url_safe = GeneralPurpose::new(&alphabet::URL_SAFE, config);
    if text.is_empty() {
        return None;
    }
    standard
        .decode(text)
        .or_else(|_| url_safe.decode(text))
        .ok()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |byte: u8| char::from(byte).to_digit(16);
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8))
        .collect()
}

/// A provider [`providers`] turned on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnabledProvider {
    /// Its name, the `providerType` the browser sends (`github`, `vk-id`, ...).
    pub name: &'static str,
    /// Its name for people, for a button (`GitHub`, `VK ID`, `OpenID Connect`, ...).
    pub display_name: &'static str,
}

/// What [`providers`] did.
pub struct EnvProviders {
    /// The builder, with every provider turned on added.
    pub builder: CoauthBuilder,
    /// The providers turned on, in the order of the preset table.
    pub enabled: Vec<EnabledProvider>,
    /// Why a preset with some of its variables set was not turned on.
    pub problems: Vec<EnvError>,
}

impl fmt::Debug for EnvProviders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvProviders")
            .field("enabled", &self.enabled)
            .field("problems", &self.problems)
            .finish_non_exhaustive()
    }
}

/// What [`from_env`] and [`from_lookup`] found: a builder to finish, and what to log.
pub struct Configured {
    /// The builder with the secret(s), the public URL, the flow lifetime and the providers
    /// turned on. Add the result hook, the session user or the HTTP client, then build.
    pub builder: CoauthBuilder,
    /// The providers turned on, in the order of the preset table.
    pub enabled: Vec<EnabledProvider>,
    /// Why a preset with some of its variables set was not turned on: log these. They do not
    /// stop the other presets.
    pub problems: Vec<EnvError>,
    /// `COAUTH_PUBLIC_URL` when it is set (already checked and given to the builder).
    pub public_url: Option<String>,
}

impl fmt::Debug for Configured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Configured")
            .field("enabled", &self.enabled)
            .field("problems", &self.problems)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// Reads the whole configuration from the process environment; see [`from_lookup`].
///
/// A variable whose value is not UTF-8 counts as unset; it is an error for the app's own
/// variables and a problem for a preset's.
pub fn from_env() -> Result<Configured, EnvError> {
    let not_unicode = |variable: &str| {
        matches!(
            std::env::var(variable),
            Err(std::env::VarError::NotUnicode(_))
        )
    };
    let not_utf8 = |variable| EnvError::invalid(variable, "is not valid UTF-8");
    if let Some(variable) = APP_VARIABLES.into_iter().find(|v| not_unicode(v)) {
        return Err(not_utf8(variable));
    }
    let mut configured = from_lookup(|name| std::env::var(name).ok())?;
    configured.problems.extend(
        variables()
            .filter(|variable| !APP_VARIABLES.contains(variable) && not_unicode(variable))
            .map(not_utf8),
    );
    Ok(configured)
}

/// Reads the whole configuration through `lookup` (a variable's name to its value):
/// `COAUTH_SECRET` (required), `COAUTH_PREVIOUS_SECRET`, `COAUTH_PUBLIC_URL`,
/// `COAUTH_FLOW_LIFETIME` and every preset's variables (see [`providers`]).
///
/// A missing or invalid app variable is an error: the app should not start half
/// configured. A preset that cannot be turned on is only a problem in
/// [`Configured::problems`]. Without `COAUTH_PUBLIC_URL` the app gives the builder its
/// redirect URIs itself ([`CoauthBuilder::redirect_uri`]).
pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Configured, EnvError> {
    let lookup = |name: &str| lookup(name).filter(|value| !value.is_empty());
    let decoded = |variable| -> Result<Option<Vec<u8>>, EnvError> {
        lookup(variable)
            .map(|value| secret(&value).map_err(|problem| EnvError::Secret { variable, problem }))
            .transpose()
    };
    let current = decoded(SECRET)?.ok_or(EnvError::Missing { variable: SECRET })?;
    let mut builder = Coauth::builder().secret(current);
    if let Some(previous) = decoded(PREVIOUS_SECRET)? {
        builder = builder.previous_secret(previous);
    }
    let public_url = lookup(PUBLIC_URL);
    if let Some(url) = &public_url {
        check_public_url(url)?;
        builder = builder.public_url(url.clone());
    }
    if let Some(lifetime) = lookup(FLOW_LIFETIME) {
        builder = builder.flow_lifetime(flow_lifetime(&lifetime)?);
    }
    if let Some(sessions) = sessions(&lookup)? {
        builder = builder.sessions(sessions);
    }
    let EnvProviders {
        builder,
        enabled,
        problems,
    } = providers(builder, lookup);
    Ok(Configured {
        builder,
        enabled,
        problems,
        public_url,
    })
}

/// The public URL's checks, made here so that the error names the variable without the
/// value ([`CoauthBuilder::build`] checks it again, and its error shows it).
fn check_public_url(value: &str) -> Result<(), EnvError> {
    let url = Url::parse(value).map_err(|_| {
        EnvError::invalid(
            PUBLIC_URL,
            "must be an absolute URL, such as https://app.example/coauth",
        )
    })?;
    check_app_url(PUBLIC_URL, &url)
}

/// An app-side URL (the public URL, a self-hosted GitLab): https, or plain http on a
/// loopback host, with a host, and without credentials, query or fragment.
fn check_app_url(variable: &'static str, url: &Url) -> Result<(), EnvError> {
    let loopback = url.host_str().is_some_and(crate::net::is_loopback_host);
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if loopback => {}
        _ => {
            return Err(EnvError::invalid(
                variable,
                "must be an https URL (plain http only on loopback)",
            ));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(EnvError::invalid(
            variable,
            "must not contain a user name or password",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(EnvError::invalid(
            variable,
            "must not have a query or a fragment",
        ));
    }
    Ok(())
}

fn flow_lifetime(value: &str) -> Result<Duration, EnvError> {
    let max = MAX_FLOW_LIFETIME.as_secs();
    match value.trim().parse::<u64>() {
        Ok(seconds @ 1..) if seconds <= max => Ok(Duration::from_secs(seconds)),
        _ => Err(EnvError::invalid(
            FLOW_LIFETIME,
            format!("must be a whole number of seconds from 1 to {max}"),
        )),
    }
}

/// The sessions of `COAUTH_SESSIONS`, `COAUTH_SESSION_LIFETIME` and
/// `COAUTH_SESSION_IDLE_TIMEOUT`: `None` when they are off. A lifetime without sessions
/// turned on is an error, not ignored.
fn sessions(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<Sessions>, EnvError> {
    let on = match lookup(SESSIONS).map(|value| value.trim().to_ascii_lowercase()) {
        None => false,
        Some(value) => match value.as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => {
                return Err(EnvError::invalid(
                    SESSIONS,
                    "must be 1 or 0 (or true or false)",
                ));
            }
        },
    };
    let seconds = |variable: &'static str| -> Result<Option<Duration>, EnvError> {
        let Some(value) = lookup(variable) else {
            return Ok(None);
        };
        if !on {
            return Err(EnvError::invalid(
                variable,
                "needs sessions on (COAUTH_SESSIONS=1)",
            ));
        }
        let max = MAX_SESSION_LIFETIME.as_secs();
        match value.trim().parse::<u64>() {
            Ok(seconds @ 1..) if seconds <= max => Ok(Some(Duration::from_secs(seconds))),
            _ => Err(EnvError::invalid(
                variable,
                format!("must be a whole number of seconds from 1 to {max}"),
            )),
        }
    };
    let lifetime = seconds(SESSION_LIFETIME)?;
    let idle = seconds(SESSION_IDLE_TIMEOUT)?;
    if !on {
        return Ok(None);
    }
    let mut sessions = Sessions::new();
    if let Some(lifetime) = lifetime {
        sessions = sessions.absolute_lifetime(lifetime);
    }
    if let Some(idle) = idle {
        sessions = sessions.idle_timeout(idle);
    }
    Ok(Some(sessions))
}

/// Every variable this module reads, with the features compiled in: the app's, then each
/// preset's in table order.
pub fn variables() -> impl Iterator<Item = &'static str> {
    APP_VARIABLES
        .into_iter()
        .chain(PRESETS.iter().flat_map(Preset::variables))
}

/// Adds to `builder` every preset turned on by the variables `lookup` finds, and says which
/// were turned on and why others were not. [`from_lookup`] calls it; call it directly to
/// take the presets, and nothing else, from the environment:
/// `env::providers(builder, |name| std::env::var(name).ok())`.
///
/// A preset is on when `COAUTH_<NAME>_CLIENT_ID` and `COAUTH_<NAME>_CLIENT_SECRET` are both
/// set; a preset with a client id and a missing or invalid other setting is a problem, as
/// is a secret or setting without its client id. `<NAME>` and the provider's name:
///
/// | `<NAME>` | provider | display name | other variables |
/// |---|---|---|---|
/// | `GITHUB` | `github` | GitHub | |
/// | `TWITTER` | `twitter` | Twitter | OAuth 1.0a consumer key and secret as id and secret (feature `oauth1`) |
/// | `FACEBOOK` | `facebook` | Facebook | |
/// | `X` | `x` | X | |
/// | `DISCORD` | `discord` | Discord | |
/// | `GITLAB` | `gitlab` | GitLab | `COAUTH_GITLAB_BASE_URL`: optional, a self-hosted GitLab (`https://gitlab.example.com`) |
/// | `SPOTIFY` | `spotify` | Spotify | |
/// | `TWITCH` | `twitch` | Twitch | |
/// | `REDDIT` | `reddit` | Reddit | |
/// | `DROPBOX` | `dropbox` | Dropbox | |
/// | `BITBUCKET` | `bitbucket` | Bitbucket | |
/// | `AMAZON` | `amazon` | Amazon | |
/// | `YAHOO` | `yahoo` | Yahoo | |
/// | `VK` | `vk` | VK | |
/// | `VK_ID` | `vk-id` | VK ID | a public client: no `_CLIENT_SECRET` |
/// | `YANDEX` | `yandex` | Yandex | |
/// | `MAILRU` | `mailru` | Mail.ru | |
/// | `ODNOKLASSNIKI` | `odnoklassniki` | Odnoklassniki | `COAUTH_ODNOKLASSNIKI_APPLICATION_KEY`: required, the app's public key |
/// | `GOOGLE` | `google` | Google | (feature `oidc`, as every preset below) |
/// | `MICROSOFT` | `microsoft` | Microsoft | `COAUTH_MICROSOFT_TENANT`: optional, `common` (default), `organizations`, `consumers`, a tenant id or one of its domain names |
/// | `APPLE` | `apple` | Apple | no `_CLIENT_SECRET` (the Services ID is the client id); required: `COAUTH_APPLE_TEAM_ID`, `COAUTH_APPLE_KEY_ID`, and the `.p8` key as `COAUTH_APPLE_PRIVATE_KEY` (PEM text; `\n` escapes allowed) or `COAUTH_APPLE_PRIVATE_KEY_FILE` (its path) |
/// | `LINKEDIN` | `linkedin` | LinkedIn | |
/// | `SLACK` | `slack` | Slack | |
/// | `AUTH0` | `auth0` | Auth0 | required: `COAUTH_AUTH0_DOMAIN`, the tenant's domain (`dev-abc.us.auth0.com` or a custom domain) |
/// | `OKTA` | `okta` | Okta | required: `COAUTH_OKTA_DOMAIN` (`example.okta.com`); optional: `COAUTH_OKTA_AUTHORIZATION_SERVER`, a custom authorization server's id (`default`) instead of the org server |
/// | `KEYCLOAK` | `keycloak` | Keycloak | required: `COAUTH_KEYCLOAK_BASE_URL` (`https://sso.example.com`) and `COAUTH_KEYCLOAK_REALM`; `COAUTH_KEYCLOAK_ALLOW_LOOPBACK=1` allows a Keycloak on loopback |
/// | `AMAZON_COGNITO` | `amazon-cognito` | Amazon Cognito | required: `COAUTH_AMAZON_COGNITO_REGION`, `COAUTH_AMAZON_COGNITO_USER_POOL_ID` and `COAUTH_AMAZON_COGNITO_DOMAIN` (the user pool's domain) |
/// | `AZURE_AD_B2C` | `azure-ad-b2c` | Azure AD B2C | required: `COAUTH_AZURE_AD_B2C_TENANT` (the tenant's name), `COAUTH_AZURE_AD_B2C_TENANT_ID` (its GUID) and `COAUTH_AZURE_AD_B2C_POLICY` (the user flow or custom policy) |
/// | `ZITADEL` | `zitadel` | ZITADEL | required: `COAUTH_ZITADEL_BASE_URL`, the instance's URL; `COAUTH_ZITADEL_ALLOW_LOOPBACK=1` allows one on loopback |
/// | `AUTHENTIK` | `authentik` | authentik | required: `COAUTH_AUTHENTIK_BASE_URL` and `COAUTH_AUTHENTIK_SLUG` (the application's slug); `COAUTH_AUTHENTIK_ALLOW_LOOPBACK=1` allows one on loopback |
/// | `FUSIONAUTH` | `fusionauth` | FusionAuth | required: `COAUTH_FUSIONAUTH_BASE_URL`; optional: `COAUTH_FUSIONAUTH_TENANT_ID`; `COAUTH_FUSIONAUTH_ALLOW_LOOPBACK=1` allows one on loopback |
/// | `LINE` | `line` | LINE | the channel id and channel secret |
/// | `YAHOO_JAPAN` | `yahoo-japan` | Yahoo! JAPAN | |
/// | `SALESFORCE` | `salesforce` | Salesforce | optional: `COAUTH_SALESFORCE_MY_DOMAIN` (`acme.my.salesforce.com`) or `COAUTH_SALESFORCE_SANDBOX=1` (`test.salesforce.com`) |
/// | `ROBLOX` | `roblox` | Roblox | |
/// | `INTUIT` | `intuit` | Intuit | `COAUTH_INTUIT_SANDBOX=1`: the sandbox userinfo host |
/// | `OIDC` | `oidc` | OpenID Connect | any OpenID provider: `COAUTH_OIDC_ISSUER` required; `COAUTH_OIDC_ALLOW_LOOPBACK=1` allows a plain-http issuer on loopback (a local Keycloak) |
///
/// Nothing is fetched here: OpenID discovery and keys wait for the first sign-in.
pub fn providers(
    mut builder: CoauthBuilder,
    lookup: impl Fn(&str) -> Option<String>,
) -> EnvProviders {
    let lookup = |name: &str| lookup(name).filter(|value| !value.is_empty());
    let mut enabled = Vec::new();
    let mut problems = Vec::new();
    for preset in PRESETS {
        let Some(id) = lookup(preset.client_id) else {
            // Settings without the client id are a mistake worth reporting.
            problems.extend(
                preset
                    .variables()
                    .skip(1)
                    .filter(|variable| lookup(variable).is_some())
                    .map(|variable| {
                        EnvError::invalid(
                            variable,
                            format!("is set but {} is not", preset.client_id),
                        )
                    }),
            );
            continue;
        };
        let secret = match preset.client_secret {
            None => String::new(),
            Some(variable) => match lookup(variable) {
                Some(secret) => secret,
                None => {
                    problems.push(EnvError::Missing { variable });
                    continue;
                }
            },
        };
        let settings = Settings {
            preset,
            id,
            secret,
            lookup: &lookup,
            read: RefCell::new(Vec::new()),
        };
        match (preset.make)(&settings) {
            Ok(add_to) => {
                builder = add_to(builder);
                enabled.push(EnabledProvider {
                    name: preset.name,
                    display_name: preset.display_name,
                });
            }
            Err(problem) => problems.push(problem),
        }
    }
    EnvProviders {
        builder,
        enabled,
        problems,
    }
}

/// Adds a built provider to the builder.
type Adder = Box<dyn FnOnce(CoauthBuilder) -> CoauthBuilder>;

/// One preset [`providers`] can turn on.
struct Preset {
    /// The provider's name in `providerType`.
    name: &'static str,
    /// The provider's name for people.
    display_name: &'static str,
    /// `COAUTH_<NAME>_CLIENT_ID`.
    client_id: &'static str,
    /// `COAUTH_<NAME>_CLIENT_SECRET`, `None` for a preset that takes no secret.
    client_secret: Option<&'static str>,
    /// The other variables `make` reads.
    extra: &'static [&'static str],
    /// Makes the provider from the settings.
    make: fn(&Settings<'_>) -> Result<Adder, EnvError>,
}

impl Preset {
    /// The preset's variables: the client id first.
    fn variables(&self) -> impl Iterator<Item = &'static str> {
        [self.client_id]
            .into_iter()
            .chain(self.client_secret)
            .chain(self.extra.iter().copied())
    }
}

/// A preset's settings, as [`Preset::make`] sees them.
#[cfg_attr(not(feature = "presets"), allow(dead_code))]
struct Settings<'a> {
    preset: &'static Preset,
    /// `COAUTH_<NAME>_CLIENT_ID`.
    id: String,
    /// `COAUTH_<NAME>_CLIENT_SECRET`, empty for a preset that takes none.
    secret: String,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    /// The other variables read and their values, which an error must not show.
    read: RefCell<Vec<(&'static str, String)>>,
}

#[cfg_attr(not(feature = "presets"), allow(dead_code))]
impl Settings<'_> {
    /// An optional variable of the preset.
    fn get(&self, variable: &'static str) -> Option<String> {
        debug_assert!(
            self.preset.extra.contains(&variable),
            "{variable} is missing from the extra variables of {}",
            self.preset.name
        );
        let value = (self.lookup)(variable)?;
        self.read.borrow_mut().push((variable, value.clone()));
        Some(value)
    }

    /// A required variable of the preset.
    fn require(&self, variable: &'static str) -> Result<String, EnvError> {
        self.get(variable).ok_or(EnvError::Missing { variable })
    }

    /// A yes/no variable: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off`; unset is no.
    fn flag(&self, variable: &'static str) -> Result<bool, EnvError> {
        let Some(value) = self.get(variable) else {
            return Ok(false);
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(EnvError::invalid(
                variable,
                "must be 1 or 0 (or true or false)",
            )),
        }
    }

    /// An optional https URL (plain http on loopback only).
    fn url(&self, variable: &'static str) -> Result<Option<String>, EnvError> {
        let Some(value) = self.get(variable) else {
            return Ok(None);
        };
        let url = Url::parse(&value)
            .map_err(|_| EnvError::invalid(variable, "must be an absolute https URL"))?;
        check_app_url(variable, &url)?;
        Ok(Some(value))
    }

    /// The provider, ready to add under the preset's name; a refusal becomes a problem that
    /// names the variables and shows none of their values.
    fn add<P: Provider>(&self, built: Result<P, ConfigError>) -> Result<Adder, EnvError> {
        match built {
            Ok(provider) => {
                let name = self.preset.name;
                Ok(Box::new(move |builder: CoauthBuilder| {
                    builder.provider(name, provider)
                }))
            }
            Err(ConfigError(reason)) => {
                let read = self.read.borrow();
                let mut values = vec![self.id.as_str(), self.secret.as_str()];
                values.extend(read.iter().map(|(_, value)| value.as_str()));
                let mut variables: Vec<_> = [self.preset.client_id]
                    .into_iter()
                    .chain(self.preset.client_secret)
                    .collect();
                variables.extend(read.iter().map(|(variable, _)| *variable));
                Err(EnvError::Preset {
                    provider: self.preset.name,
                    variables,
                    reason: (!shows_a_value(&reason, &values)).then_some(reason),
                })
            }
        }
    }
}

/// Whether `text` contains one of `values`, as is, in another case, or escaped as `{:?}`
/// prints it (how error messages quote values).
#[cfg_attr(not(feature = "presets"), allow(dead_code))]
fn shows_a_value(text: &str, values: &[&str]) -> bool {
    let lower = text.to_lowercase();
    values
        .iter()
        .filter(|value| !value.is_empty())
        .any(|value| {
            let quoted = format!("{value:?}");
            let escaped = &quoted[1..quoted.len() - 1];
            lower.contains(&value.to_lowercase()) || text.contains(escaped)
        })
}

/// A table entry: `COAUTH_<env>_CLIENT_ID`, `COAUTH_<env>_CLIENT_SECRET` unless `public`,
/// and the extra variables, all spelled out at compile time.
#[cfg_attr(not(feature = "presets"), allow(unused_macros))]
macro_rules! preset {
    (public $name:literal, $display:literal, $env:literal, extra: [$($extra:literal),*], $make:expr) => {
        Preset {
            client_secret: None,
            ..preset!($name, $display, $env, extra: [$($extra),*], $make)
        }
    };
    ($name:literal, $display:literal, $env:literal, $make:expr) => {
        preset!($name, $display, $env, extra: [], $make)
    };
    ($name:literal, $display:literal, $env:literal, extra: [$($extra:literal),*], $make:expr) => {
        Preset {
            name: $name,
            display_name: $display,
            client_id: concat!("COAUTH_", $env, "_CLIENT_ID"),
            client_secret: Some(concat!("COAUTH_", $env, "_CLIENT_SECRET")),
            extra: &[$(concat!("COAUTH_", $env, "_", $extra)),*],
            make: $make,
        }
    };
}

/// The presets, in the order [`providers`] tries them (and lists them in `enabled`).
const PRESETS: &[Preset] = &[
    #[cfg(feature = "presets")]
    preset!("github", "GitHub", "GITHUB", |s| {
        s.add(GitHub::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(all(feature = "presets", feature = "oauth1"))]
    preset!("twitter", "Twitter", "TWITTER", |s| {
        s.add(Twitter::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("facebook", "Facebook", "FACEBOOK", |s| {
        s.add(Facebook::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("x", "X", "X", |s| s.add(X::new(&*s.id, &*s.secret).build())),
    #[cfg(feature = "presets")]
    preset!("discord", "Discord", "DISCORD", |s| {
        s.add(Discord::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("gitlab", "GitLab", "GITLAB", extra: ["BASE_URL"], |s| {
        let gitlab = GitLab::new(&*s.id, &*s.secret);
        s.add(match s.url("COAUTH_GITLAB_BASE_URL")? {
            Some(base) => gitlab.with_hosts(base.clone(), base).build(),
            None => gitlab.build(),
        })
    }),
    #[cfg(feature = "presets")]
    preset!("spotify", "Spotify", "SPOTIFY", |s| {
        s.add(Spotify::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("twitch", "Twitch", "TWITCH", |s| {
        s.add(Twitch::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("reddit", "Reddit", "REDDIT", |s| {
        s.add(Reddit::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("dropbox", "Dropbox", "DROPBOX", |s| {
        s.add(Dropbox::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("bitbucket", "Bitbucket", "BITBUCKET", |s| {
        s.add(Bitbucket::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("amazon", "Amazon", "AMAZON", |s| {
        s.add(Amazon::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("yahoo", "Yahoo", "YAHOO", |s| {
        s.add(Yahoo::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("vk", "VK", "VK", |s| s
        .add(Vk::new(&*s.id, &*s.secret).build())),
    #[cfg(feature = "presets")]
    preset!(public "vk-id", "VK ID", "VK_ID", extra: [], |s| {
        s.add(VkId::new(&*s.id).build())
    }),
    #[cfg(feature = "presets")]
    preset!("yandex", "Yandex", "YANDEX", |s| {
        s.add(Yandex::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("mailru", "Mail.ru", "MAILRU", |s| {
        s.add(MailRu::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("odnoklassniki", "Odnoklassniki", "ODNOKLASSNIKI", extra: ["APPLICATION_KEY"], |s| {
        let key = s.require("COAUTH_ODNOKLASSNIKI_APPLICATION_KEY")?;
        s.add(Odnoklassniki::new(&*s.id, &*s.secret, key).build())
    }),
    #[cfg(feature = "presets")]
    preset!("atlassian", "Atlassian", "ATLASSIAN", |s| {
        s.add(Atlassian::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("notion", "Notion", "NOTION", |s| {
        s.add(Notion::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("box", "Box", "BOX", |s| s
        .add(BoxCom::new(&*s.id, &*s.secret).build())),
    #[cfg(feature = "presets")]
    preset!("hubspot", "HubSpot", "HUBSPOT", |s| {
        s.add(HubSpot::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("zoho", "Zoho", "ZOHO", extra: ["REGION"], |s| {
        let zoho = Zoho::new(&*s.id, &*s.secret);
        s.add(match s.get("COAUTH_ZOHO_REGION") {
            Some(region) => {
                // The preset decides what a region may be.
                let built = zoho.region(&region).build();
                if built.is_err() {
                    return Err(EnvError::invalid(
                        "COAUTH_ZOHO_REGION",
                        "must be us, eu, in, au, jp, ca, sa, uk or cn",
                    ));
                }
                built
            }
            None => zoho.build(),
        })
    }),
    #[cfg(feature = "presets")]
    preset!("figma", "Figma", "FIGMA", |s| {
        s.add(Figma::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("vimeo", "Vimeo", "VIMEO", |s| {
        s.add(Vimeo::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("dribbble", "Dribbble", "DRIBBBLE", |s| {
        s.add(Dribbble::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("linear", "Linear", "LINEAR", |s| {
        s.add(Linear::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("asana", "Asana", "ASANA", |s| {
        s.add(Asana::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("clickup", "ClickUp", "CLICKUP", |s| {
        s.add(ClickUp::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("miro", "Miro", "MIRO", |s| s
        .add(Miro::new(&*s.id, &*s.secret).build())),
    #[cfg(feature = "presets")]
    preset!("webex", "Webex", "WEBEX", |s| {
        s.add(Webex::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("mastodon", "Mastodon", "MASTODON", extra: ["INSTANCE"], |s| {
        const INSTANCE: &str = "COAUTH_MASTODON_INSTANCE";
        let instance = s.require(INSTANCE)?;
        let built = Mastodon::new(instance, &*s.id, &*s.secret).build();
        if built.is_err() {
            return Err(EnvError::invalid(
                INSTANCE,
                "must be the instance's https origin, on a public address",
            ));
        }
        s.add(built)
    }),
    #[cfg(feature = "presets")]
    preset!("shopify", "Shopify", "SHOPIFY", extra: ["SHOP"], |s| {
        const SHOP: &str = "COAUTH_SHOPIFY_SHOP";
        let shop = s.require(SHOP)?;
        let built = Shopify::new(shop, &*s.id, &*s.secret).build();
        if built.is_err() {
            return Err(EnvError::invalid(
                SHOP,
                "must be the shop's domain, such as my-store.myshopify.com",
            ));
        }
        s.add(built)
    }),
    #[cfg(feature = "presets")]
    preset!("strava", "Strava", "STRAVA", |s| {
        s.add(Strava::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("patreon", "Patreon", "PATREON", |s| {
        s.add(Patreon::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("zoom", "Zoom", "ZOOM", |s| s
        .add(Zoom::new(&*s.id, &*s.secret).build())),
    #[cfg(feature = "presets")]
    preset!("naver", "Naver", "NAVER", |s| {
        s.add(Naver::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("weibo", "Weibo", "WEIBO", |s| {
        s.add(Weibo::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("tiktok", "TikTok", "TIKTOK", |s| {
        s.add(TikTok::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("pinterest", "Pinterest", "PINTEREST", |s| {
        s.add(Pinterest::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("coinbase", "Coinbase", "COINBASE", |s| {
        s.add(Coinbase::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("kakao", "Kakao", "KAKAO", |s| {
        s.add(Kakao::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("instagram", "Instagram", "INSTAGRAM", |s| {
        s.add(Instagram::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("threads", "Threads", "THREADS", |s| {
        s.add(Threads::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("snapchat", "Snapchat", "SNAPCHAT", |s| {
        s.add(Snapchat::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(feature = "presets")]
    preset!("paypal", "PayPal", "PAYPAL", extra: ["SANDBOX"], |s| {
        let paypal = PayPal::new(&*s.id, &*s.secret);
        s.add(if s.flag("COAUTH_PAYPAL_SANDBOX")? {
            paypal.sandbox().build()
        } else {
            paypal.build()
        })
    }),
    #[cfg(feature = "presets")]
    preset!("battlenet", "Battle.net", "BATTLENET", extra: ["REGION"], |s| {
        let battlenet = BattleNet::new(&*s.id, &*s.secret);
        s.add(match s.get("COAUTH_BATTLENET_REGION") {
            Some(region) => {
                let built = battlenet.region(region).build();
                if built.is_err() {
                    return Err(EnvError::invalid(
                        "COAUTH_BATTLENET_REGION",
                        "must be us, eu, kr, tw or cn",
                    ));
                }
                built
            }
            None => battlenet.build(),
        })
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("google", "Google", "GOOGLE", |s| {
        s.add(Google::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("microsoft", "Microsoft", "MICROSOFT", extra: ["TENANT"], |s| {
        let microsoft = Microsoft::new(&*s.id, &*s.secret);
        s.add(match s.get("COAUTH_MICROSOFT_TENANT") {
            Some(tenant) => {
                // The preset decides what a tenant may be.
                let built = microsoft.tenant(tenant).build();
                if built.is_err() {
                    return Err(EnvError::invalid(
                        "COAUTH_MICROSOFT_TENANT",
                        "must be common, organizations, consumers, the tenant id (a GUID) \
                         or one of its domain names",
                    ));
                }
                built
            }
            None => microsoft.build(),
        })
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!(public "apple", "Apple", "APPLE",
        extra: ["TEAM_ID", "KEY_ID", "PRIVATE_KEY", "PRIVATE_KEY_FILE"], apple),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("linkedin", "LinkedIn", "LINKEDIN", |s| {
        s.add(LinkedIn::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("slack", "Slack", "SLACK", |s| {
        s.add(Slack::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("auth0", "Auth0", "AUTH0", extra: ["DOMAIN"], |s| {
        let domain = s.require("COAUTH_AUTH0_DOMAIN")?;
        s.add(Auth0::new(&*s.id, &*s.secret, domain).build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("okta", "Okta", "OKTA", extra: ["DOMAIN", "AUTHORIZATION_SERVER"], |s| {
        let okta = Okta::new(&*s.id, &*s.secret, s.require("COAUTH_OKTA_DOMAIN")?);
        s.add(match s.get("COAUTH_OKTA_AUTHORIZATION_SERVER") {
            Some(server) => okta.authorization_server(server).build(),
            None => okta.build(),
        })
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("keycloak", "Keycloak", "KEYCLOAK", extra: ["BASE_URL", "REALM", "ALLOW_LOOPBACK"],
        |s| {
        let base = s.require("COAUTH_KEYCLOAK_BASE_URL")?;
        let realm = s.require("COAUTH_KEYCLOAK_REALM")?;
        let loopback = s.flag("COAUTH_KEYCLOAK_ALLOW_LOOPBACK")?;
        s.add(
            Keycloak::new(&*s.id, &*s.secret, base, realm)
                .allow_http_loopback(loopback)
                .build(),
        )
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("amazon-cognito", "Amazon Cognito", "AMAZON_COGNITO",
        extra: ["REGION", "USER_POOL_ID", "DOMAIN"], |s| {
        let region = s.require("COAUTH_AMAZON_COGNITO_REGION")?;
        let pool = s.require("COAUTH_AMAZON_COGNITO_USER_POOL_ID")?;
        let domain = s.require("COAUTH_AMAZON_COGNITO_DOMAIN")?;
        s.add(AmazonCognito::new(&*s.id, &*s.secret, region, pool, domain).build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("azure-ad-b2c", "Azure AD B2C", "AZURE_AD_B2C",
        extra: ["TENANT", "TENANT_ID", "POLICY"], |s| {
        let tenant = s.require("COAUTH_AZURE_AD_B2C_TENANT")?;
        let tenant_id = s.require("COAUTH_AZURE_AD_B2C_TENANT_ID")?;
        let policy = s.require("COAUTH_AZURE_AD_B2C_POLICY")?;
        s.add(AzureAdB2c::new(&*s.id, &*s.secret, tenant, tenant_id, policy).build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("zitadel", "ZITADEL", "ZITADEL", extra: ["BASE_URL", "ALLOW_LOOPBACK"], |s| {
        let base = s.require("COAUTH_ZITADEL_BASE_URL")?;
        let loopback = s.flag("COAUTH_ZITADEL_ALLOW_LOOPBACK")?;
        s.add(
            Zitadel::new(&*s.id, &*s.secret, base)
                .allow_http_loopback(loopback)
                .build(),
        )
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("authentik", "authentik", "AUTHENTIK", extra: ["BASE_URL", "SLUG", "ALLOW_LOOPBACK"],
        |s| {
        let base = s.require("COAUTH_AUTHENTIK_BASE_URL")?;
        let slug = s.require("COAUTH_AUTHENTIK_SLUG")?;
        let loopback = s.flag("COAUTH_AUTHENTIK_ALLOW_LOOPBACK")?;
        s.add(
            Authentik::new(&*s.id, &*s.secret, base, slug)
                .allow_http_loopback(loopback)
                .build(),
        )
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("fusionauth", "FusionAuth", "FUSIONAUTH",
        extra: ["BASE_URL", "TENANT_ID", "ALLOW_LOOPBACK"], |s| {
        let base = s.require("COAUTH_FUSIONAUTH_BASE_URL")?;
        let loopback = s.flag("COAUTH_FUSIONAUTH_ALLOW_LOOPBACK")?;
        let mut fusionauth =
            FusionAuth::new(&*s.id, &*s.secret, base).allow_http_loopback(loopback);
        if let Some(tenant) = s.get("COAUTH_FUSIONAUTH_TENANT_ID") {
            fusionauth = fusionauth.tenant(tenant);
        }
        s.add(fusionauth.build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("line", "LINE", "LINE", |s| s
        .add(Line::new(&*s.id, &*s.secret).build())),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("yahoo-japan", "Yahoo! JAPAN", "YAHOO_JAPAN", |s| {
        s.add(YahooJapan::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("salesforce", "Salesforce", "SALESFORCE", extra: ["MY_DOMAIN", "SANDBOX"], |s| {
        let salesforce = Salesforce::new(&*s.id, &*s.secret);
        let sandbox = s.flag("COAUTH_SALESFORCE_SANDBOX")?;
        s.add(match (s.get("COAUTH_SALESFORCE_MY_DOMAIN"), sandbox) {
            (Some(_), true) => {
                return Err(EnvError::invalid(
                    "COAUTH_SALESFORCE_SANDBOX",
                    "and COAUTH_SALESFORCE_MY_DOMAIN are both set: set only one",
                ));
            }
            (Some(host), false) => salesforce.my_domain(host).build(),
            (None, true) => salesforce.sandbox().build(),
            (None, false) => salesforce.build(),
        })
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("roblox", "Roblox", "ROBLOX", |s| {
        s.add(Roblox::new(&*s.id, &*s.secret).build())
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("intuit", "Intuit", "INTUIT", extra: ["SANDBOX"], |s| {
        let intuit = Intuit::new(&*s.id, &*s.secret);
        s.add(if s.flag("COAUTH_INTUIT_SANDBOX")? {
            intuit.sandbox().build()
        } else {
            intuit.build()
        })
    }),
    #[cfg(all(feature = "presets", feature = "oidc"))]
    preset!("oidc", "OpenID Connect", "OIDC", extra: ["ISSUER", "ALLOW_LOOPBACK"], oidc),
];

/// Sign in with Apple: the Services ID as client id, no client secret (coauth signs one per
/// request with the team's `.p8` key), the team id, the key id, and the key as PEM text or
/// a file.
#[cfg(all(feature = "presets", feature = "oidc"))]
fn apple(s: &Settings<'_>) -> Result<Adder, EnvError> {
    const KEY: &str = "COAUTH_APPLE_PRIVATE_KEY";
    const KEY_FILE: &str = "COAUTH_APPLE_PRIVATE_KEY_FILE";
    let team = s.require("COAUTH_APPLE_TEAM_ID")?;
    let key_id = s.require("COAUTH_APPLE_KEY_ID")?;
    let (variable, pem) = match (s.get(KEY), s.get(KEY_FILE)) {
        (Some(_), Some(_)) => {
            return Err(EnvError::invalid(
                KEY_FILE,
                format!("and {KEY} are both set: set only one"),
            ));
        }
        // A PEM squeezed onto one line (`.env` files) comes with `\n` escapes.
        (Some(pem), None) if !pem.contains('\n') => (KEY, pem.replace("\\n", "\n")),
        (Some(pem), None) => (KEY, pem),
        (None, Some(path)) => {
            let pem = std::fs::read_to_string(&path).map_err(|error| {
                EnvError::invalid(
                    KEY_FILE,
                    format!("names a file that cannot be read ({})", error.kind()),
                )
            })?;
            (KEY_FILE, pem)
        }
        (None, None) => {
            return Err(EnvError::invalid(
                KEY,
                format!("(or {KEY_FILE}) is not set"),
            ));
        }
    };
    let apple = Apple::new(&*s.id, team, key_id, &pem).map_err(|_| {
        let what = if variable == KEY {
            "must be"
        } else {
            "must name"
        };
        EnvError::invalid(
            variable,
            format!("{what} the PEM text of a Sign in with Apple .p8 key (EC P-256, PKCS#8)"),
        )
    })?;
    s.add(apple.build())
}

/// Any OpenID provider by its issuer; discovery waits for the first sign-in.
#[cfg(all(feature = "presets", feature = "oidc"))]
fn oidc(s: &Settings<'_>) -> Result<Adder, EnvError> {
    const ISSUER: &str = "COAUTH_OIDC_ISSUER";
    let issuer = s.require(ISSUER)?;
    let loopback = s.flag("COAUTH_OIDC_ALLOW_LOOPBACK")?;
    let url = Url::parse(&issuer)
        .map_err(|_| EnvError::invalid(ISSUER, "must be the issuer's https URL"))?;
    let on_loopback = url.host_str().is_some_and(crate::net::is_loopback_host);
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if on_loopback && loopback => {}
        "http" if on_loopback => {
            return Err(EnvError::invalid(
                ISSUER,
                "uses plain http: allow it on loopback with COAUTH_OIDC_ALLOW_LOOPBACK=1",
            ));
        }
        _ => {
            return Err(EnvError::invalid(
                ISSUER,
                "must be the issuer's https URL (plain http only on loopback)",
            ));
        }
    }
    s.add(
        Oidc::new(issuer, &*s.id, &*s.secret)
            .allow_http_loopback(loopback)
            .build(),
    )
}

#[cfg(test)]
mod tests;
