//! The shape of an OpenID Connect preset: the provider's issuer and documented endpoints,
//! what it supports and how its claims become the user, declared as data
//! ([`OidcPreset`]) with a hook for what data cannot say; [`OidcPresetBuilder`] is the one
//! builder, with the same `with_hosts` and `build` as the OAuth 2.0 presets.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{PresetContext, Refresh, UserFields, VarsCheck, check_declared, map_user, set_var};
use crate::failure::{DenialRule, STANDARD_DENIALS};
use crate::jose::{Algorithm, SigningKey};
use crate::oauth2::{ClientAuth, ClientSecretMinter, Prompt};
use crate::oidc::{ClaimsMapper, OidcConfig, OidcProvider, ProviderMetadata};
use crate::provider::User;
use crate::{ConfigError, Error, Secret};

/// Adjusts the user read from the validated claims (a Workspace domain check, a name
/// from a redirect parameter); `params` are the redirect parameters the preset declared.
pub type ClaimsHook = fn(
    &PresetContext,
    &Map<String, Value>,
    &BTreeMap<String, String>,
    &mut User,
) -> Result<(), Error>;

/// An OpenID Connect provider with documented endpoints, declared. URLs are absolute and
/// may name `{variables}` ([`OidcPreset::vars`]); the issuer may also hold the `{tenantid}`
/// template, filled from each ID token's `tid` (Microsoft's multi-tenant endpoints).
#[derive(Debug, Clone, Copy)]
pub struct OidcPreset {
    /// The provider's name (`"Google"`).
    pub name: &'static str,
    /// The issuer, exactly as ID tokens name it.
    pub issuer: &'static str,
    /// Accept the issuer without its scheme too (Google's legacy `accounts.google.com`).
    pub scheme_less_issuer: bool,
    /// The authorization endpoint, on the host the browser visits.
    pub authorize: &'static str,
    /// The token endpoint.
    pub token: &'static str,
    /// The JWKS.
    pub jwks: &'static str,
    /// The userinfo endpoint, when coauth should call it.
    pub userinfo: Option<&'static str>,
    /// Scopes requested when the client asks for none (`openid` is always added).
    pub scopes: &'static [&'static str],
    /// Client authentication at the token endpoint.
    pub client_auth: ClientAuth,
    /// Whether the provider takes PKCE.
    pub pkce: bool,
    /// Whether the provider echoes the nonce in its ID tokens.
    pub nonce: bool,
    /// Whether silent sign-in (`prompt=none`) works.
    pub silent: bool,
    /// The `prompt` of every interactive sign-in.
    pub prompt: Option<Prompt>,
    /// `response_mode` (Apple: `form_post`).
    pub response_mode: Option<&'static str>,
    /// The JWS algorithms its ID tokens are signed with.
    pub algorithms: &'static [Algorithm],
    /// Its ID tokens may also be signed with `HS256` keyed with the client secret (LINE's
    /// web login); see [`crate::oidc::OidcConfig::hs256_client_secret`].
    pub hs256_client_secret: bool,
    /// Whether the provider sends RFC 9207 `iss` with every answer.
    pub iss_parameter: bool,
    /// Fixed authorization parameters; values may name `{variables}` and `{client_id}`.
    pub authorize_params: &'static [(&'static str, &'static str)],
    /// Redirect parameters the claims hook reads (Apple's `user`).
    pub response_params: &'static [&'static str],
    /// How the redirect reports that the user refused.
    pub denials: &'static [DenialRule],
    /// The variables URLs and parameters may name, with their defaults (Microsoft's
    /// `tenant`).
    pub vars: &'static [(&'static str, &'static str)],
    /// How the user is read from the claims (the ID token's, with the userinfo answer's).
    pub user: UserFields,
    /// What data cannot say.
    pub claims_hook: Option<ClaimsHook>,
    /// Checks the variables at build time (Microsoft's tenant).
    pub check_vars: Option<VarsCheck>,
    /// Whether the provider issues refresh tokens (most OpenID providers: with the
    /// `offline_access` scope).
    pub refresh: Refresh,
}

impl OidcPreset {
    /// The defaults a declaration starts from with `..OidcPreset::DEFAULT`:
    /// `client_secret_basic`, PKCE, nonce and silent sign-in on, the default algorithm
    /// allowlist, [`STANDARD_DENIALS`], the standard claims. The name, issuer and endpoints
    /// are always declared.
    pub const DEFAULT: OidcPreset = OidcPreset {
        name: "",
        issuer: "",
        scheme_less_issuer: false,
        authorize: "",
        token: "",
        jwks: "",
        userinfo: None,
        scopes: &["openid", "profile", "email"],
        client_auth: ClientAuth::Basic,
        pkce: true,
        nonce: true,
        silent: true,
        prompt: None,
        response_mode: None,
        algorithms: &Algorithm::DEFAULT_ALLOWLIST,
        hs256_client_secret: false,
        iss_parameter: false,
        authorize_params: &[],
        response_params: &[],
        denials: STANDARD_DENIALS,
        vars: &[],
        user: UserFields::STANDARD_CLAIMS,
        claims_hook: None,
        check_vars: None,
        refresh: Refresh::WithScope("offline_access"),
    };
}

/// Builds an [`OidcProvider`] from a declaration and the app's registration.
#[derive(Clone)]
pub struct OidcPresetBuilder {
    spec: &'static OidcPreset,
    client_id: String,
    secret: Secret,
    web: Option<String>,
    api: Option<String>,
    vars: Vec<(&'static str, String)>,
    authorize_params: Vec<(String, String)>,
    prompt: Option<Prompt>,
    jwt_secret: Option<JwtClientSecret>,
}

impl std::fmt::Debug for OidcPresetBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcPresetBuilder")
            .field("provider", &self.spec.name)
            .field("client_id", &self.client_id)
            .field("web", &self.web)
            .field("api", &self.api)
            .field("vars", &self.vars)
            .finish_non_exhaustive()
    }
}

impl OidcPresetBuilder {
    /// The provider declared by `spec`, for the app registered as `client_id` with
    /// `client_secret`.
    pub fn new(
        spec: &'static OidcPreset,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> OidcPresetBuilder {
        OidcPresetBuilder {
            spec,
            client_id: client_id.into(),
            secret: client_secret.into(),
            web: None,
            api: None,
            vars: spec
                .vars
                .iter()
                .map(|(name, value)| (*name, (*value).to_owned()))
                .collect(),
            authorize_params: Vec::new(),
            prompt: spec.prompt,
            jwt_secret: None,
        }
    }

    /// The declaration.
    pub fn spec(&self) -> &'static OidcPreset {
        self.spec
    }

    /// Other hosts: `web_base` replaces the origin of the authorization endpoint, `api_base`
    /// the origin of the issuer, the token endpoint, the JWKS and userinfo (a test server
    /// for both; paths stay the declared ones).
    pub fn with_hosts(mut self, web_base: impl Into<String>, api_base: impl Into<String>) -> Self {
        self.web = Some(web_base.into());
        self.api = Some(api_base.into());
        self
    }

    /// Sets a declared variable.
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

    /// The client secret is a JWT the app signs with `key` for each token request (Apple):
    /// `iss` is `issuer_claim` (Apple's team id), `sub` the client id, `aud` the provider's
    /// issuer, valid for `lifetime_secs`.
    pub fn jwt_client_secret(
        mut self,
        key: SigningKey,
        issuer_claim: impl Into<String>,
        lifetime_secs: u64,
    ) -> Self {
        self.jwt_secret = Some(JwtClientSecret {
            key,
            issuer_claim: issuer_claim.into(),
            audience: String::new(),
            lifetime_secs,
        });
        self
    }

    /// The declared `url` with its variables filled and its origin replaced by `base`.
    fn url(&self, url: &str, base: Option<&String>, context: &PresetContext) -> String {
        let filled = context.fill(url);
        match base {
            Some(base) => rebase(&filled, base),
            None => filled,
        }
    }

    /// The issuer as configured: declared, filled, rebased onto the API host.
    pub fn issuer(&self) -> String {
        self.url(self.spec.issuer, self.api.as_ref(), &self.context())
    }

    fn context(&self) -> PresetContext {
        PresetContext {
            client_id: self.client_id.clone(),
            secret: self.secret.clone(),
            vars: self.vars.clone(),
        }
    }

    /// Builds the provider. Fails when an endpoint is not an http(s) URL (plain http only
    /// on loopback hosts given with [`OidcPresetBuilder::with_hosts`]), a variable is not
    /// declared, or a fixed parameter is one coauth sets itself.
    pub fn build(self) -> Result<OidcProvider, ConfigError> {
        let spec = self.spec;
        check_declared(spec.name, &self.vars, spec.vars)?;
        let context = self.context();
        if let Some(check) = spec.check_vars {
            check(&context)?;
        }
        let issuer = self.issuer();
        let api = self.api.as_ref();
        let mut metadata = ProviderMetadata::new(
            issuer.clone(),
            &self.url(spec.authorize, self.web.as_ref(), &context),
            &self.url(spec.token, api, &context),
            &self.url(spec.jwks, api, &context),
        )?
        .with_iss_parameter(spec.iss_parameter);
        if let Some(userinfo) = spec.userinfo {
            metadata = metadata.with_userinfo(&self.url(userinfo, api, &context))?;
        }
        let mut config = OidcConfig::from_metadata(metadata, &*self.client_id, self.secret.clone());
        if spec.scheme_less_issuer {
            let bare = issuer
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            config.additional_issuers = vec![bare.to_owned()];
        }
        config.default_scopes = spec.scopes.iter().map(|s| (*s).to_owned()).collect();
        config.client_auth = spec.client_auth;
        config.pkce = spec.pkce;
        config.nonce = spec.nonce;
        config.supports_prompt_none = spec.silent;
        config.prompt = self.prompt;
        config.response_mode = spec.response_mode.map(str::to_owned);
        config.algorithms = spec.algorithms.to_vec();
        config.hs256_client_secret = spec.hs256_client_secret;
        config.fetch_userinfo = spec.userinfo.is_some();
        config.denials = spec.denials;
        config.extra_authorize_params = spec
            .authorize_params
            .iter()
            .map(|(name, value)| ((*name).to_owned(), context.fill(value)))
            .chain(self.authorize_params.iter().cloned())
            .collect();
        let mut provider = OidcProvider::new(config)?
            .with_mapper(SpecClaims {
                spec,
                context: Arc::new(context),
            })
            .with_response_params(spec.response_params);
        if let Some(mut minter) = self.jwt_secret {
            minter.audience = issuer;
            provider = provider.with_client_secret_minter(minter);
        }
        Ok(provider)
    }
}

/// A client secret that is a short-lived JWT the app signs ([`OidcPresetBuilder::jwt_client_secret`]).
#[derive(Clone)]
struct JwtClientSecret {
    key: SigningKey,
    issuer_claim: String,
    audience: String,
    lifetime_secs: u64,
}

impl ClientSecretMinter for JwtClientSecret {
    fn mint(&self, client_id: &str, now: u64) -> Result<Secret, Error> {
        self.key
            .sign(&serde_json::json!({
                "iss": self.issuer_claim,
                "iat": now,
                "exp": now + self.lifetime_secs,
                "aud": self.audience,
                "sub": client_id,
            }))
            .map(Secret::new)
    }
}

/// `url` with its scheme, host and port replaced by those of `base`.
fn rebase(url: &str, base: &str) -> String {
    let path_start = url
        .find("://")
        .and_then(|scheme_end| {
            url[scheme_end + 3..]
                .find('/')
                .map(|slash| scheme_end + 3 + slash)
        })
        .unwrap_or(url.len());
    format!("{}{}", base.trim_end_matches('/'), &url[path_start..])
}

/// The claims mapper of a declared preset.
struct SpecClaims {
    spec: &'static OidcPreset,
    context: Arc<PresetContext>,
}

impl ClaimsMapper for SpecClaims {
    fn map(
        &self,
        claims: &Map<String, Value>,
        params: &BTreeMap<String, String>,
    ) -> Result<User, Error> {
        let object = Value::Object(claims.clone());
        let mut user = map_user(&self.spec.user, &object).ok_or_else(|| {
            Error::Provider(format!("{}'s ID token has no user id", self.spec.name))
        })?;
        if let Some(hook) = self.spec.claims_hook {
            hook(&self.context, claims, params, &mut user)?;
        }
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebasing_keeps_the_path() {
        assert_eq!(
            rebase(
                "https://accounts.google.com/o/oauth2/v2/auth",
                "http://127.0.0.1:9/"
            ),
            "http://127.0.0.1:9/o/oauth2/v2/auth"
        );
        assert_eq!(
            rebase("https://slack.com", "http://127.0.0.1:9"),
            "http://127.0.0.1:9"
        );
        assert_eq!(
            rebase("https://www.linkedin.com/oauth", "http://127.0.0.1:9"),
            "http://127.0.0.1:9/oauth"
        );
    }
}
