//! The one shape of an OAuth 2.0 preset: what a provider does, declared as data
//! ([`OAuth2Preset`]), plus small hooks for what data cannot say. [`PresetBuilder`] turns a
//! declaration and the app's client registration into an [`OAuth2Provider`]; every preset
//! of [`crate::presets`] is such a declaration, and an app declares its own providers the
//! same way.
//!
//! ```
//! use coauth_core::oauth2::ClientAuth;
//! use coauth_core::presets::spec::{OAuth2Preset, PresetBuilder, ProfileCall, UserFields, api, web};
//!
//! /// A provider that answers `GET https://api.example.com/v1/me` with
//! /// `{"id": 42, "display_name": "Ada", "email": "ada@example.com"}`.
//! const EXAMPLE: OAuth2Preset = OAuth2Preset {
//!     name: "Example",
//!     web: "https://www.example.com",
//!     api: "https://api.example.com",
//!     authorize: web("/oauth/authorize"),
//!     token: api("/oauth/token"),
//!     scopes: &["profile", "email"],
//!     client_auth: ClientAuth::Post,
//!     profile: ProfileCall::bearer_get(api("/v1/me")),
//!     user: UserFields {
//!         name: &["/display_name"],
//!         email: &["/email"],
//!         ..UserFields::id("/id")
//!     },
//!     ..OAuth2Preset::DEFAULT
//! };
//!
//! let provider = PresetBuilder::new(&EXAMPLE, "client-id", "client-secret").build()?;
//! # let _ = provider;
//! # Ok::<(), coauth_core::ConfigError>(())
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use url::Url;

use crate::failure::{DenialRule, STANDARD_DENIALS};
use crate::http_client::HttpClient;
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Config, OAuth2Provider, ProfileFetcher, Prompt};
use crate::provider::{Credentials, User};
use crate::token::{check_extra_params, parse_endpoint};
use crate::{ConfigError, Error, Secret};

/// Which of a provider's two hosts an endpoint is on: the one the browser visits (`web`) or
/// the one the server calls (`api`). Many providers use one host for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The host the browser visits (the authorization page).
    Web,
    /// The host the server calls (token endpoint, API).
    Api,
}

/// An endpoint: a path on one of the provider's hosts. The path may name variables in
/// braces (`/{version}/me`), filled from [`OAuth2Preset::vars`] or the builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The host the path is on.
    pub host: Host,
    /// The path, with `{variables}`.
    pub path: &'static str,
}

/// `path` on the web host.
pub const fn web(path: &'static str) -> Endpoint {
    Endpoint {
        host: Host::Web,
        path,
    }
}

/// `path` on the API host.
pub const fn api(path: &'static str) -> Endpoint {
    Endpoint {
        host: Host::Api,
        path,
    }
}

/// The HTTP method of a profile call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST` (Dropbox, VK ID).
    Post,
}

/// Where a profile call carries the access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenIn {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: <scheme> <token>` (Yandex: `OAuth`).
    Scheme(&'static str),
    /// A query parameter of this name (VK, Mail.ru, Odnoklassniki).
    Query(&'static str),
    /// A form field of this name, in a `POST` body (VK ID).
    Form(&'static str),
    /// `Authorization: <token>`, without a scheme (ClickUp).
    Bare,
    /// In the path, where the endpoint's path names `{access_token}` (HubSpot's
    /// `/oauth/v1/access-tokens/{access_token}`), percent-encoded as a path segment; no
    /// `Authorization` header.
    Path,
}

/// The call that reads the user's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileCall {
    /// `GET` or `POST`.
    pub method: Method,
    /// Where.
    pub endpoint: Endpoint,
    /// How the access token travels.
    pub token: TokenIn,
    /// Query parameters; values may name `{variables}`, `{client_id}` and `{user_id}` (the
    /// user id of the token answer, [`OAuth2Preset::token_user_id`]), as may form fields and
    /// headers.
    pub query: &'static [(&'static str, &'static str)],
    /// Form fields of a `POST`; values may name `{variables}` and `{client_id}`.
    pub form: &'static [(&'static str, &'static str)],
    /// Headers; values may name `{variables}` and `{client_id}` (Twitch's `Client-Id`).
    pub headers: &'static [(&'static str, &'static str)],
    /// The JSON body of a `POST` (a GraphQL query: Linear), sent as `application/json`;
    /// empty for none. Values are not filled in.
    pub json: &'static str,
    /// Where the user is in the answer, as a JSON pointer (VK's `/response/0`, Twitch's
    /// `/data/0`); empty for the whole answer. The user object is the profile document the
    /// client's `fields` are read from.
    pub user_at: &'static str,
    /// For an API that says in every answer whether it succeeded: the JSON pointer of that
    /// value in the answer and the value that means success (TikTok's `/error/code` is `ok`,
    /// Naver's `/resultcode` is `00`); any other value is refused as the error's code. `None`
    /// (the default): an answer is refused when it carries an `error` or `error_code` field.
    pub success: Option<(&'static str, &'static str)>,
}

impl ProfileCall {
    /// A `GET` of `endpoint` with the token as `Authorization: Bearer`.
    pub const fn bearer_get(endpoint: Endpoint) -> ProfileCall {
        ProfileCall {
            method: Method::Get,
            endpoint,
            token: TokenIn::Bearer,
            query: &[],
            form: &[],
            headers: &[],
            json: "",
            user_at: "",
            success: None,
        }
    }
}

/// Whether the provider says it verified the email it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailVerified {
    /// It does not say: `emailVerified` is `null`.
    Unknown,
    /// Its documentation says every email it returns is verified: `true` with an email.
    Always,
    /// Its documentation says the email is not verified: `false` with an email.
    Never,
    /// A boolean (or `"true"`/`"false"`) at this pointer of the user object.
    Field(&'static str),
    /// `true` when the value at this pointer is present and not `null` (GitLab's
    /// `confirmed_at`).
    PresentAt(&'static str),
    /// The preset's hook decides from more than one field (Microsoft's `xms_edov`); `null`
    /// until it does.
    ByHook,
}

/// Whether and how the provider issues a refresh token with the sign-in's tokens (see
/// [`crate::oauth2::OAuth2Provider::refresh`]). Documentation of the preset: coauth refreshes
/// whatever refresh token the provider sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// Never to apps of this kind (long-lived or non-expiring access tokens instead).
    No,
    /// With every code grant.
    Issued,
    /// When the sign-in asks for this scope (`offline_access`).
    WithScope(&'static str),
    /// When the authorization request carries this parameter (Google's
    /// `access_type=offline`), which some presets add with a method (`offline_access`) and
    /// others take from [`PresetBuilder::authorize_param`].
    WithParam(&'static str, &'static str),
}

/// A profile URL: read from the user object, or built from a template whose `{/pointer}`
/// parts are values of the user object (`https://www.twitch.tv/{/login}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileUrl {
    /// None.
    None,
    /// The value at this pointer.
    Field(&'static str),
    /// A template; no URL when a value it names is missing.
    Template(&'static str),
}

/// How the normalized [`User`] is read from the user object. Each list names JSON pointers
/// tried in order; the first present, non-empty value wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserFields {
    /// The provider's stable user id: one field, no fallback (a fallback such as the email
    /// could give one account two ids). Missing: `ProviderError`.
    pub id: &'static str,
    /// The display name.
    pub name: &'static [&'static str],
    /// First and last name, joined with a space, when no `name` is present (VK).
    pub full_name: Option<(&'static str, &'static str)>,
    /// The login or handle.
    pub username: &'static [&'static str],
    /// The email.
    pub email: &'static [&'static str],
    /// Whether the email is verified.
    pub email_verified: EmailVerified,
    /// The picture URL.
    pub avatar: &'static [&'static str],
    /// The public profile page.
    pub profile_url: ProfileUrl,
}

impl UserFields {
    /// A user with only the id at `id`; set the others with struct update syntax.
    pub const fn id(id: &'static str) -> UserFields {
        UserFields {
            id,
            name: &[],
            full_name: None,
            username: &[],
            email: &[],
            email_verified: EmailVerified::Unknown,
            avatar: &[],
            profile_url: ProfileUrl::None,
        }
    }

    /// The OpenID Connect standard claims: `sub`, `name`, `preferred_username`, `email`,
    /// `email_verified`, `picture`, `profile`.
    pub const STANDARD_CLAIMS: UserFields = UserFields {
        id: "/sub",
        name: &["/name"],
        full_name: None,
        username: &["/preferred_username"],
        email: &["/email"],
        email_verified: EmailVerified::Field("/email_verified"),
        avatar: &["/picture"],
        profile_url: ProfileUrl::Field("/profile"),
    };
}

/// A second call for the email, for providers whose profile may not carry it (GitHub's
/// `/user/emails` when the email is private, Bitbucket's `/2.0/user/emails`): the primary
/// address of the list it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailsCall {
    /// A bearer `GET` of this endpoint.
    pub endpoint: Endpoint,
    /// Headers of the call, as for [`ProfileCall::headers`].
    pub headers: &'static [(&'static str, &'static str)],
    /// Only when the profile has no email (GitHub), or always (Bitbucket).
    pub only_without_email: bool,
    /// Where the list is in the answer (`/values`); empty for the whole answer.
    pub list_at: &'static str,
    /// The address in an entry.
    pub email: &'static str,
    /// `true` in the primary entry.
    pub primary: &'static str,
    /// `true` in a verified entry.
    pub verified: &'static str,
    /// Take the primary address only when it is verified (GitHub), or take it whatever it
    /// is and report what `verified` says (Bitbucket).
    pub verified_only: bool,
}

/// What the hooks of a preset know: the app's registration, the hosts and the variables.
#[derive(Debug, Clone)]
pub struct PresetContext {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub secret: Secret,
    /// The variables ([`OAuth2Preset::vars`], as the builder set them).
    pub vars: Vec<(&'static str, String)>,
}

impl PresetContext {
    /// The value of a variable; empty when it is not declared.
    pub fn var(&self, name: &str) -> &str {
        self.vars
            .iter()
            .find(|(var, _)| *var == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// `text` with `{client_id}` and every `{variable}` filled in, as the declared
    /// parameters are sent (what a signing hook signs).
    pub fn fill(&self, text: &str) -> String {
        let mut text = text.replace("{client_id}", &self.client_id);
        for (name, value) in &self.vars {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

/// Adjusts the profile request (a signature, a proof of the app secret).
pub type RequestHook = fn(&PresetContext, &Credentials, ApiRequest) -> Result<ApiRequest, Error>;

/// Adjusts the mapped user, with the user object and the token answer at hand (a CDN URL
/// built from an avatar hash, an email that only the token answer carries). May add to the
/// user object, which is the profile document.
pub type UserHook = fn(&PresetContext, &mut Value, &Credentials, &mut User) -> Result<(), Error>;

/// Checks the redirect's parameters before the code is exchanged (a signature of the
/// parameters: Shopify's `hmac`); the parameters are the standard ones plus
/// [`OAuth2Preset::redirect_params`]. A refusal stops the sign-in before any token request.
pub type RedirectHook = fn(&PresetContext, &BTreeMap<String, String>) -> Result<(), Error>;

/// Checks a preset's variables when it is built.
pub type VarsCheck = fn(&PresetContext) -> Result<(), ConfigError>;

/// The hooks of a preset, for what its data cannot say.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hooks {
    /// Adjusts the profile request.
    pub request: Option<RequestHook>,
    /// Adjusts the mapped user.
    pub user: Option<UserHook>,
}

/// An OAuth 2.0 provider, declared.
#[derive(Debug, Clone, Copy)]
pub struct OAuth2Preset {
    /// The provider's name, for messages and docs (`"GitHub"`).
    pub name: &'static str,
    /// The default web host, e.g. `https://github.com`. May name `{variables}` (a shop's
    /// `https://{shop}`, a region's host), which [`OAuth2Preset::check_vars`] should then
    /// check; [`PresetBuilder::with_hosts`] replaces it as a whole.
    pub web: &'static str,
    /// The default API host, e.g. `https://api.github.com`; may name `{variables}` too.
    pub api: &'static str,
    /// The authorization endpoint.
    pub authorize: Endpoint,
    /// The token endpoint.
    pub token: Endpoint,
    /// Scopes requested when the client asks for none.
    pub scopes: &'static [&'static str],
    /// Separator between scopes.
    pub scope_separator: &'static str,
    /// Client authentication at the token endpoint.
    pub client_auth: ClientAuth,
    /// The name the client id travels under in the authorization request and, when it is
    /// in the form, the token request (`client_id`; TikTok's `client_key`).
    pub client_id_param: &'static str,
    /// Whether the provider takes PKCE.
    pub pkce: bool,
    /// Whether the provider answers `prompt=none` without a page (`login_required` when
    /// the user is not signed in): silent sign-in works.
    pub silent: bool,
    /// The `prompt` of every interactive sign-in.
    pub prompt: Option<Prompt>,
    /// Fixed authorization parameters; values may name `{variables}` and `{client_id}`.
    pub authorize_params: &'static [(&'static str, &'static str)],
    /// Redirect parameters the token request needs (VK ID's `device_id`).
    pub redirect_params_to_token: &'static [&'static str],
    /// Further redirect parameters [`OAuth2Preset::redirect_check`] reads (Shopify's `hmac`,
    /// `shop`, `host`, `timestamp`), let through to it and sent nowhere.
    pub redirect_params: &'static [&'static str],
    /// The RFC 9207 issuer the provider names in `iss` (GitHub's `/login/oauth` on the web
    /// host), when it sends one.
    pub issuer: Option<Endpoint>,
    /// How the redirect reports that the user refused.
    pub denials: &'static [DenialRule],
    /// The variables paths and parameters may name, with their defaults (Facebook's Graph
    /// API `version`). A variable declared with an empty default is required: the builder
    /// fails while it is empty (Odnoklassniki's `application_key`).
    pub vars: &'static [(&'static str, &'static str)],
    /// Where the token answer names the user, as a JSON pointer into it (Weibo's `/uid`,
    /// Strava's `/athlete/id`): the profile call may then name the id as `{user_id}`, a
    /// token answer without it is refused, and so is a profile of another user.
    pub token_user_id: Option<&'static str>,
    /// Where the provider may wrap its token answer, as a JSON pointer (Instagram Login's
    /// `/data/0`); an answer with a top-level `access_token` is read as it is.
    pub token_answer_at: Option<&'static str>,
    /// The profile call.
    pub profile: ProfileCall,
    /// Where the user object is in the token answer, as a JSON pointer (Shopify's
    /// `/associated_user`), for a provider that sends the user with the token: then no
    /// profile call is made (`profile` and `emails` are not used), and the user object is
    /// the profile document. `None`: the profile call.
    pub user_in_token: Option<&'static str>,
    /// A second call for the email.
    pub emails: Option<EmailsCall>,
    /// How the user is read.
    pub user: UserFields,
    /// Whether the provider issues refresh tokens.
    pub refresh: Refresh,
    /// What data cannot say.
    pub hooks: Hooks,
    /// Checks the redirect before the code is exchanged (Shopify's `hmac`).
    pub redirect_check: Option<RedirectHook>,
    /// Checks the variables at build time (a shop name, a region, an instance's address),
    /// before any of them is put into a host or path.
    pub check_vars: Option<VarsCheck>,
}

impl OAuth2Preset {
    /// The defaults a declaration starts from with `..OAuth2Preset::DEFAULT`: space-separated
    /// scopes, `client_secret_basic`, PKCE on, no silent sign-in (few providers answer
    /// `prompt=none` without a page), [`STANDARD_DENIALS`], a bearer `GET` of `/me` on the
    /// API host mapped from `/id`. `name`, the hosts, the endpoints, the profile call and the
    /// user fields are always declared.
    pub const DEFAULT: OAuth2Preset = OAuth2Preset {
        name: "",
        web: "",
        api: "",
        authorize: web("/authorize"),
        token: api("/token"),
        scopes: &[],
        scope_separator: " ",
        client_auth: ClientAuth::Basic,
        client_id_param: "client_id",
        pkce: true,
        silent: false,
        prompt: None,
        authorize_params: &[],
        redirect_params_to_token: &[],
        redirect_params: &[],
        issuer: None,
        denials: STANDARD_DENIALS,
        vars: &[],
        token_user_id: None,
        token_answer_at: None,
        profile: ProfileCall::bearer_get(api("/me")),
        user_in_token: None,
        emails: None,
        user: UserFields::id("/id"),
        refresh: Refresh::Issued,
        hooks: Hooks {
            request: None,
            user: None,
        },
        redirect_check: None,
        check_vars: None,
    };
}

/// Builds an [`OAuth2Provider`] from a declaration and the app's registration. Every
/// preset's builder is this one.
#[derive(Debug, Clone)]
pub struct PresetBuilder {
    spec: &'static OAuth2Preset,
    client_id: String,
    secret: Secret,
    web: String,
    api: String,
    vars: Vec<(&'static str, String)>,
    authorize_params: Vec<(String, String)>,
    prompt: Option<Prompt>,
}

impl PresetBuilder {
    /// The provider declared by `spec`, for the app registered as `client_id` with
    /// `client_secret`.
    pub fn new(
        spec: &'static OAuth2Preset,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> PresetBuilder {
        PresetBuilder {
            spec,
            client_id: client_id.into(),
            secret: client_secret.into(),
            web: spec.web.to_owned(),
            api: spec.api.to_owned(),
            vars: spec
                .vars
                .iter()
                .map(|(name, value)| (*name, (*value).to_owned()))
                .collect(),
            authorize_params: Vec::new(),
            prompt: spec.prompt,
        }
    }

    /// The declaration.
    pub fn spec(&self) -> &'static OAuth2Preset {
        self.spec
    }

    /// Other hosts: `web_base` for what the browser visits, `api_base` for what the server
    /// calls (a self-hosted instance, or a test server for both).
    pub fn with_hosts(mut self, web_base: impl Into<String>, api_base: impl Into<String>) -> Self {
        self.web = web_base.into();
        self.api = api_base.into();
        self
    }

    /// Sets a declared variable. Fails at [`PresetBuilder::build`] when the preset does not
    /// declare it, or when a required one (declared with an empty default) is left empty.
    pub fn var(mut self, name: &'static str, value: impl Into<String>) -> Self {
        set_var(&mut self.vars, name, value.into());
        self
    }

    /// Adds a fixed authorization parameter.
    pub fn authorize_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.authorize_params.push((name.into(), value.into()));
        self
    }

    /// The `prompt` of every interactive sign-in.
    pub fn prompt(mut self, prompt: Prompt) -> Self {
        self.prompt = Some(prompt);
        self
    }

    fn url(&self, endpoint: Endpoint, context: &PresetContext) -> Result<Url, ConfigError> {
        endpoint_url(endpoint, &self.web, &self.api, context)
    }

    /// Builds the provider. Fails when a host is not an http(s) URL, a variable is not
    /// declared, a required one is empty or a fixed parameter is one coauth sets itself.
    pub fn build(self) -> Result<OAuth2Provider, ConfigError> {
        let spec = self.spec;
        check_declared(spec.name, &self.vars, spec.vars)?;
        let context = self.context();
        if let Some((name, _)) = spec
            .vars
            .iter()
            .find(|(name, default)| default.is_empty() && context.var(name).is_empty())
        {
            return Err(ConfigError(format!(
                "{} needs a value for {name:?}",
                spec.name
            )));
        }
        if let Some(check) = spec.check_vars {
            check(&context)?;
        }
        let mut config = OAuth2Config::new(
            self.client_id.clone(),
            self.secret.clone(),
            self.url(spec.authorize, &context)?.as_str(),
            self.url(spec.token, &context)?.as_str(),
        )?;
        config.default_scopes = spec.scopes.iter().map(|s| (*s).to_owned()).collect();
        config.scope_separator = spec.scope_separator;
        config.client_auth = spec.client_auth;
        config.client_id_param = spec.client_id_param;
        config.token_answer_at = spec.token_answer_at;
        config.pkce = spec.pkce;
        config.supports_prompt_none = spec.silent;
        config.prompt = self.prompt;
        config.extra_authorize_params = spec
            .authorize_params
            .iter()
            .map(|(name, value)| ((*name).to_owned(), context.fill(value)))
            .chain(self.authorize_params.iter().cloned())
            .collect();
        check_extra_params(&config.extra_authorize_params)?;
        config.redirect_params_to_token = spec.redirect_params_to_token;
        config.redirect_params = spec.redirect_params;
        config.denials = spec.denials;
        if let Some(issuer) = spec.issuer {
            config.issuer = Some(
                self.url(issuer, &context)?
                    .as_str()
                    .trim_end_matches('/')
                    .to_owned(),
            );
        }
        let profile = self.profile(context.clone())?;
        let provider = OAuth2Provider::new(config, profile);
        Ok(match spec.redirect_check {
            Some(check) => provider.with_redirect_check(move |params| check(&context, params)),
            None => provider,
        })
    }

    /// What the hooks will know.
    fn context(&self) -> PresetContext {
        PresetContext {
            client_id: self.client_id.clone(),
            secret: self.secret.clone(),
            vars: self.vars.clone(),
        }
    }

    /// The profile fetcher, with its URLs on this builder's hosts.
    fn profile(&self, context: PresetContext) -> Result<SpecProfile, ConfigError> {
        let spec = self.spec;
        Ok(SpecProfile {
            spec,
            url: self.url(spec.profile.endpoint, &context)?,
            emails_url: match &spec.emails {
                Some(emails) => Some(self.url(emails.endpoint, &context)?),
                None => None,
            },
            context: Arc::new(context),
        })
    }
}

/// Test support: the user and profile document `builder`'s provider reads, with `http`
/// answering its profile calls (the request hook, the user object and the user hook
/// included).
#[cfg(test)]
pub(crate) async fn fetch_profile(
    builder: PresetBuilder,
    http: &dyn HttpClient,
    credentials: &Credentials,
) -> Result<(User, Value), Error> {
    let profile = builder
        .profile(builder.context())
        .expect("valid test hosts");
    profile.fetch(http, credentials).await
}

/// Test support: credentials as a token answer with `extra` fields would give them.
#[cfg(test)]
pub(crate) fn test_credentials(access_token: &str, extra: Value) -> Credentials {
    Credentials {
        access_token: Secret::new(access_token),
        token_type: "bearer".into(),
        expires_in: None,
        refresh_token: None,
        scope: None,
        id_token: None,
        token_secret: None,
        extra: match extra {
            Value::Object(map) => map,
            _ => serde_json::Map::new(),
        },
    }
}

/// Sets variable `name` in `vars`.
fn set_var(vars: &mut Vec<(&'static str, String)>, name: &'static str, value: String) {
    match vars.iter_mut().find(|(var, _)| *var == name) {
        Some((_, slot)) => *slot = value,
        None => vars.push((name, value)),
    }
}

/// Refuses a variable `vars` sets that the preset `provider` does not declare.
fn check_declared(
    provider: &str,
    vars: &[(&'static str, String)],
    declared: &[(&'static str, &'static str)],
) -> Result<(), ConfigError> {
    match vars
        .iter()
        .find(|(name, _)| !declared.iter().any(|(known, _)| known == name))
    {
        Some((name, _)) => Err(ConfigError(format!("{provider} has no variable {name:?}"))),
        None => Ok(()),
    }
}

/// `endpoint` on its host (`web` or `api`), with the variables filled in (in the host
/// too).
fn endpoint_url(
    endpoint: Endpoint,
    web: &str,
    api: &str,
    context: &PresetContext,
) -> Result<Url, ConfigError> {
    let base = match endpoint.host {
        Host::Web => web,
        Host::Api => api,
    };
    parse_endpoint(&format!(
        "{}{}",
        context.fill(base).trim_end_matches('/'),
        context.fill(endpoint.path)
    ))
}

/// The profile fetcher of a declared preset.
struct SpecProfile {
    spec: &'static OAuth2Preset,
    url: Url,
    emails_url: Option<Url>,
    context: Arc<PresetContext>,
}

impl SpecProfile {
    /// The user id the token answer names, when the declaration says where
    /// ([`OAuth2Preset::token_user_id`]); a token answer without it is refused.
    fn token_user_id(&self, credentials: &Credentials) -> Result<Option<String>, Error> {
        let Some(pointer) = self.spec.token_user_id else {
            return Ok(None);
        };
        let answer = Value::Object(credentials.extra.clone());
        text(&answer, pointer).map(Some).ok_or_else(|| {
            Error::Provider(format!(
                "{}'s token answer does not name the user",
                self.spec.name
            ))
        })
    }

    fn request(&self, credentials: &Credentials, user_id: &str) -> Result<ApiRequest, Error> {
        let call = &self.spec.profile;
        let context = &self.context;
        let url = match call.token {
            TokenIn::Path => with_token_in_path(&self.url, credentials)?,
            _ => self.url.clone(),
        };
        let fill = |value: &str| context.fill(value).replace("{user_id}", user_id);
        let mut request = match call.method {
            Method::Get => ApiRequest::get(&url),
            Method::Post => ApiRequest::post(&url),
        };
        for (name, value) in call.query {
            request = request.query(name, &fill(value));
        }
        for (name, value) in call.form {
            request = request.form(name, &fill(value));
        }
        if !call.json.is_empty() {
            request = request.json(call.json);
        }
        for (name, value) in call.headers {
            request = request.header(name, &fill(value))?;
        }
        request = match call.token {
            TokenIn::Bearer => request.bearer(credentials),
            TokenIn::Scheme(scheme) => request.authorization(scheme, credentials),
            TokenIn::Bare => request.bare_authorization(credentials),
            TokenIn::Query(name) => request.query(name, credentials.access_token.expose()),
            TokenIn::Form(name) => request.form(name, credentials.access_token.expose()),
            TokenIn::Path => request,
        };
        match self.spec.hooks.request {
            Some(hook) => hook(context, credentials, request),
            None => Ok(request),
        }
    }

    /// Reads the primary email from the emails call's answer into `user`.
    async fn read_emails(
        &self,
        http: &dyn HttpClient,
        credentials: &Credentials,
        user: &mut User,
    ) -> Result<(), Error> {
        let (Some(emails), Some(url)) = (&self.spec.emails, &self.emails_url) else {
            return Ok(());
        };
        if emails.only_without_email && user.email.is_some() {
            return Ok(());
        }
        let mut request = ApiRequest::get(url).bearer(credentials);
        for (name, value) in emails.headers {
            request = request.header(name, &self.context.fill(value))?;
        }
        let answer = request.send(http).await?;
        let list = if emails.list_at.is_empty() {
            Some(&answer)
        } else {
            answer.pointer(emails.list_at)
        };
        let primary = list.and_then(Value::as_array).and_then(|list| {
            list.iter()
                .find(|entry| entry.pointer(emails.primary) == Some(&Value::Bool(true)))
        });
        let Some(primary) = primary else {
            return Ok(());
        };
        let verified = primary.pointer(emails.verified) == Some(&Value::Bool(true));
        if emails.verified_only && !verified {
            return Ok(());
        }
        if let Some(email) = text(primary, emails.email) {
            user.email = Some(email);
            user.email_verified = Some(verified);
        }
        Ok(())
    }
}

#[async_trait]
impl ProfileFetcher for SpecProfile {
    async fn fetch(
        &self,
        http: &dyn HttpClient,
        credentials: &Credentials,
    ) -> Result<(User, Value), Error> {
        let spec = self.spec;
        let token_user = self.token_user_id(credentials)?;
        let (answer, user_at, what) = match spec.user_in_token {
            // The token answer's fields are `extra`, less the token fields.
            Some(pointer) => (
                Value::Object(credentials.extra.clone()),
                pointer,
                "token answer",
            ),
            None => {
                let request = self.request(credentials, token_user.as_deref().unwrap_or(""))?;
                let answer = match spec.profile.success {
                    Some((pointer, ok)) => request.send_expecting(http, pointer, ok).await?,
                    None => request.send(http).await?,
                };
                (answer, spec.profile.user_at, "profile answer")
            }
        };
        let mut object = if user_at.is_empty() {
            answer
        } else {
            match answer.pointer(user_at) {
                Some(object @ Value::Object(_)) => object.clone(),
                _ => {
                    return Err(Error::Provider(format!(
                        "{}'s {what} has no user",
                        spec.name
                    )));
                }
            }
        };
        let mut user = map_user(&spec.user, &object)
            .ok_or_else(|| Error::Provider(format!("{}'s profile has no user id", spec.name)))?;
        if token_user.is_some_and(|token_user| token_user != user.id) {
            return Err(Error::Provider(format!(
                "{}'s token answer and profile name different users",
                spec.name
            )));
        }
        if spec.user_in_token.is_none() {
            self.read_emails(http, credentials, &mut user).await?;
        }
        if let Some(hook) = spec.hooks.user {
            hook(&self.context, &mut object, credentials, &mut user)?;
        }
        Ok((user, object))
    }
}

/// `url` with `{access_token}` in its path replaced by the access token, percent-encoded as
/// one path segment.
fn with_token_in_path(url: &Url, credentials: &Credentials) -> Result<Url, Error> {
    const PLACE: &str = "%7Baccess_token%7D";
    let path = url.path();
    if !path.contains(PLACE) {
        return Err(Error::Provider(
            "the profile path names no {access_token}".into(),
        ));
    }
    let token: String =
        url::form_urlencoded::byte_serialize(credentials.access_token.expose().as_bytes())
            .collect::<String>()
            // A path segment keeps `+` literal: a space is `%20`.
            .replace('+', "%20");
    let mut url = url.clone();
    url.set_path(&path.replace(PLACE, &token));
    Ok(url)
}

/// Maps a user object with `fields`; `None` when it has no id.
pub fn map_user(fields: &UserFields, object: &Value) -> Option<User> {
    let id = text(object, fields.id)?;
    let first = |pointers: &[&str]| pointers.iter().find_map(|pointer| text(object, pointer));
    let email = first(fields.email);
    let name = first(fields.name).or_else(|| {
        let (first_name, last_name) = fields.full_name?;
        let joined = [text(object, first_name), text(object, last_name)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    });
    let email_verified = email.as_ref().and_then(|_| match fields.email_verified {
        EmailVerified::Unknown | EmailVerified::ByHook => None,
        EmailVerified::Always => Some(true),
        EmailVerified::Never => Some(false),
        EmailVerified::Field(pointer) => match object.pointer(pointer)? {
            Value::Bool(verified) => Some(*verified),
            Value::String(text) => text.parse().ok(),
            _ => None,
        },
        EmailVerified::PresentAt(pointer) => Some(
            object
                .pointer(pointer)
                .is_some_and(|value| !value.is_null()),
        ),
    });
    let profile_url = match fields.profile_url {
        ProfileUrl::None => None,
        ProfileUrl::Field(pointer) => text(object, pointer),
        ProfileUrl::Template(template) => fill_template(template, object),
    };
    Some(User {
        id,
        name,
        username: first(fields.username),
        email,
        email_verified,
        avatar_url: first(fields.avatar),
        profile_url,
    })
}

/// `template` with each `{/pointer}` replaced by that value of `object`; `None` when one is
/// missing.
fn fill_template(template: &str, object: &Value) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{/") {
        let end = start + rest[start..].find('}')?;
        out.push_str(&rest[..start]);
        out.push_str(&text(object, &rest[start + 1..end])?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The value at a JSON pointer as text: strings as they are, numbers in decimal; empty
/// strings count as absent.
pub fn text(value: &Value, pointer: &str) -> Option<String> {
    match value.pointer(pointer)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Lower-case hexadecimal, for hooks that sign (Facebook's `appsecret_proof`,
/// Odnoklassniki's `sig`).
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Declares a preset's public type over its declaration: a thin wrapper of the builder of
/// the declaration's shape, with `SPEC`, `new` (unless the preset writes its own:
/// `custom_new`), `with_hosts` and `build`. One macro for the three shapes, named by the
/// first token: `oauth2`, `oidc` or `oauth1`.
macro_rules! preset {
    (oauth2 $($rest:tt)*) => {
        preset!(@shape [$crate::presets::spec::OAuth2Preset, $crate::presets::spec::PresetBuilder,
            $crate::oauth2::OAuth2Provider] $($rest)*);
    };
    (oidc $($rest:tt)*) => {
        preset!(@shape [$crate::presets::spec::OidcPreset, $crate::presets::spec::OidcPresetBuilder,
            $crate::oidc::OidcProvider] $($rest)*);
    };
    (oauth1 $($rest:tt)*) => {
        preset!(@shape [$crate::presets::spec::OAuth1Preset,
            $crate::presets::spec::OAuth1PresetBuilder, $crate::oauth1::OAuth1Provider] $($rest)*);
    };
    (@shape [$spec_ty:ty, $builder:ty, $provider:ty]
        $(#[$doc:meta])* $preset:ident = $spec:path) => {
        preset!(@shape [$spec_ty, $builder, $provider] $(#[$doc])* $preset = $spec, custom_new);

        impl $preset {
            /// The provider, for the app registered with the client id and secret (OAuth
            /// 1.0a: the consumer key and secret) the provider issued.
            pub fn new(
                client_id: impl Into<String>,
                client_secret: impl Into<$crate::Secret>,
            ) -> Self {
                $preset {
                    builder: <$builder>::new(Self::SPEC, client_id, client_secret),
                }
            }
        }
    };
    (@shape [$spec_ty:ty, $builder:ty, $provider:ty]
        $(#[$doc:meta])* $preset:ident = $spec:path, custom_new) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $preset {
            builder: $builder,
        }

        impl $preset {
            /// The declaration this preset builds.
            pub const SPEC: &'static $spec_ty = &$spec;

            /// Other hosts: `web_base` for what the browser visits, `api_base` for what the
            /// server calls (the declaration says which endpoint is where), each endpoint
            /// keeping its declared path: a self-hosted instance, or a test server for both.
            pub fn with_hosts(
                mut self,
                web_base: impl Into<String>,
                api_base: impl Into<String>,
            ) -> Self {
                self.builder = self.builder.with_hosts(web_base, api_base);
                self
            }

            /// Builds the provider. Fails when a host or a setting is invalid.
            pub fn build(self) -> Result<$provider, $crate::ConfigError> {
                self.builder.build()
            }
        }
    };
}
pub(crate) use preset;

#[cfg(feature = "oauth1")]
mod oauth1;
#[cfg(feature = "oauth1")]
#[cfg(feature = "oauth1")]
pub use oauth1::{OAuth1Preset, OAuth1PresetBuilder};
#[cfg(feature = "oidc")]
mod oidc;
#[cfg(feature = "oidc")]
#[cfg(feature = "oidc")]
pub use oidc::{ClaimsHook, OidcPreset, OidcPresetBuilder};

#[cfg(test)]
mod tests;
