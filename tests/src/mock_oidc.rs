//! A mock OpenID Connect provider on loopback.
//!
//! [`MockOidc::start`] binds `127.0.0.1:0` and serves discovery, a JWKS with key rotation,
//! an authorize page with Approve/Deny buttons (`#approve`, `#deny`), a token endpoint that
//! issues ID tokens it signs itself, and userinfo. It is written independently of
//! `coauth-core` (its JWS code is `ring` directly), so a bug shared by client and mock cannot
//! hide.
//!
//! [`Forge`] switches make it issue each kind of bad ID token a relying party must refuse;
//! [`Quirks`] make it behave like Google, Microsoft Entra, Apple, LinkedIn or Slack, or like
//! any declared preset ([`Quirks::Declared`]). It is a
//! [`MockIdp`]: its discovery, JWKS, token and userinfo endpoints are counted and take
//! [`Fault`](crate::mock::Fault)s. The server task lives as long as the tokio runtime it was started on.

mod keys;
mod pages;
mod server;
mod token;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use coauth_core::presets::spec::OidcPreset;
use server::Shared;

use crate::mock::{self, Callback, Decision, Endpoint, Endpoints, MockIdp};

/// The JWS algorithm the mock signs ID tokens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningAlg {
    /// RSASSA-PKCS1-v1_5 SHA-256 (the default).
    RS256,
    /// RSASSA-PSS SHA-256.
    PS256,
    /// ECDSA P-256 SHA-256.
    ES256,
    /// Ed25519.
    EdDSA,
}

impl SigningAlg {
    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            SigningAlg::RS256 => "RS256",
            SigningAlg::PS256 => "PS256",
            SigningAlg::ES256 => "ES256",
            SigningAlg::EdDSA => "EdDSA",
        }
    }
}

/// Which provider the mock imitates.
#[derive(Debug, Clone)]
pub enum Quirks {
    /// A strict OpenID provider: PKCE S256 and nonce required, discovery at
    /// `/.well-known/openid-configuration`, userinfo, RFC 9207 `iss` on every redirect.
    Generic,
    /// Google: the legacy scheme-less `iss` in ID tokens, `hd` and `azp` claims, refresh
    /// answers without a new refresh token.
    Google,
    /// Microsoft Entra: endpoints under `/{tenant}/...`, the `{tenantid}` issuer template in
    /// discovery, ID tokens issued by `/{tid}/v2.0` with the user's `tid`, no `email_verified`.
    Microsoft {
        /// The user's tenant id (a GUID).
        tid: String,
    },
    /// Apple: `response_mode=form_post` required (the answer is an auto-submitting form),
    /// the client secret must be an ES256 JWT signed by the registered team key,
    /// `email_verified` as a string, the name only in the first consent's `user` parameter.
    Apple {
        /// The public JWK of the team's key (with its `kid`).
        team_key: serde_json::Value,
        /// The Apple Developer team id (the secret's `iss`).
        team_id: String,
    },
    /// LinkedIn: no PKCE required, ID tokens without a nonce, refresh answers without a
    /// new refresh token.
    LinkedIn,
    /// Slack: `client_secret_post` only, errors with HTTP 200 `{"ok": false}`, `ok: true`
    /// and `https://slack.com/...` claims.
    Slack,
    /// Any declared OpenID Connect preset, from its declaration alone: the declared issuer
    /// and endpoints with `vars` filled in, served at their paths on the mock's host (as
    /// after `with_hosts(mock, mock)`); PKCE and the nonce required when declared and
    /// refused when not; ID tokens signed with `HS256` keyed with the client secret when
    /// the declaration says so ([`OidcPreset::hs256_client_secret`]); the standard claims
    /// of the user with the user's values also at the first declared pointer of each
    /// field.
    Declared {
        /// The declaration.
        spec: &'static OidcPreset,
        /// The values of its variables, as the preset's builder sets them.
        vars: Vec<(&'static str, String)>,
    },
}

/// Declarations are the same when they are the same declaration.
impl PartialEq for Quirks {
    fn eq(&self, other: &Quirks) -> bool {
        match (self, other) {
            (Quirks::Microsoft { tid: a }, Quirks::Microsoft { tid: b }) => a == b,
            (
                Quirks::Apple {
                    team_key: key_a,
                    team_id: id_a,
                },
                Quirks::Apple {
                    team_key: key_b,
                    team_id: id_b,
                },
            ) => key_a == key_b && id_a == id_b,
            (
                Quirks::Declared {
                    spec: spec_a,
                    vars: vars_a,
                },
                Quirks::Declared {
                    spec: spec_b,
                    vars: vars_b,
                },
            ) => std::ptr::eq(*spec_a, *spec_b) && vars_a == vars_b,
            (a, b) => {
                std::mem::discriminant(a) == std::mem::discriminant(b)
                    && !matches!(
                        a,
                        Quirks::Microsoft { .. } | Quirks::Apple { .. } | Quirks::Declared { .. }
                    )
            }
        }
    }
}

impl Eq for Quirks {}

/// How the token endpoint must receive the client's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAuthMode {
    /// `client_secret_basic` only.
    Basic,
    /// `client_secret_post` only.
    Post,
    /// `private_key_jwt` only, verified with this public JWK.
    PrivateKeyJwt(serde_json::Value),
}

/// A bad ID token (or answer) the token endpoint issues instead of a good one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Forge {
    /// Good tokens.
    #[default]
    None,
    /// Signed by another key under the current key's `kid`.
    BadSignature,
    /// `alg: none`, no signature.
    AlgNone,
    /// `alg: HS256` keyed with the current public key's bytes.
    Hs256WithPublicKey,
    /// `iss` of another issuer.
    WrongIssuer,
    /// `aud` of another client.
    WrongAudience,
    /// `aud: [client, other]` and no `azp`.
    SeveralAudiencesNoAzp,
    /// `aud: [client, other]` and `azp: other`.
    SeveralAudiencesWrongAzp,
    /// No `exp`.
    MissingExp,
    /// `exp` as a string.
    StringExp,
    /// No `iat`.
    MissingIat,
    /// `iat` as a string.
    StringIat,
    /// `nbf` as a string.
    StringNbf,
    /// `nbf` an hour ahead.
    FutureNbf,
    /// `exp` an hour ago.
    Expired,
    /// A nonce that is not the requested one.
    WrongNonce,
    /// No nonce at all.
    MissingNonce,
    /// Signed by the current key under a random `kid`.
    RandomKid,
    /// Signed by an attacker key whose public JWK is embedded in the `jwk` header.
    EmbeddedJwk,
    /// Signed by an attacker key published at the `jku` header's URL (the mock's
    /// `/attacker/jwks`, which counts its hits).
    Jku,
    /// Signed by an attacker key published at the `x5u` header's URL.
    X5u,
}

/// What the authorization redirect says about RFC 9207 `iss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssParam {
    /// The issuer, as the provider should.
    Correct,
    /// Another issuer's identifier (a mix-up).
    Wrong,
    /// No `iss` parameter.
    Omit,
}

/// The user at the mock provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcUser {
    /// `sub`.
    pub sub: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Email address.
    pub email: String,
    /// Whether the provider verified the email.
    pub email_verified: bool,
    /// Picture URL.
    pub picture: String,
    /// Preferred username.
    pub preferred_username: String,
}

impl Default for OidcUser {
    fn default() -> Self {
        OidcUser {
            sub: "248289761001".into(),
            given_name: "Grace".into(),
            family_name: "Hopper".into(),
            email: "grace@example.test".into(),
            email_verified: true,
            picture: "https://pictures.example.test/grace.png".into(),
            preferred_username: "grace".into(),
        }
    }
}

impl OidcUser {
    /// `given_name family_name`.
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// How the mock is configured at start.
#[derive(Debug, Clone)]
pub struct MockOidcConfig {
    /// The only client. Default `"oidc-client"`.
    pub client_id: String,
    /// Its secret. Default `"oidc-secret"`.
    pub client_secret: String,
    /// How the token endpoint authenticates it. Default `client_secret_basic`.
    pub client_auth: ClientAuthMode,
    /// Which provider to imitate. Default [`Quirks::Generic`].
    pub quirks: Quirks,
    /// The ID token signing algorithm. Default RS256.
    pub signing_alg: SigningAlg,
    /// Advertise `authorization_response_iss_parameter_supported` and send `iss` with every
    /// redirect. Default true.
    pub iss_parameter: bool,
    /// The user.
    pub user: OidcUser,
    /// The Unix time ID tokens are issued at, for an app whose clock is fixed. Default
    /// `None`: the system clock.
    pub issued_at: Option<u64>,
}

impl Default for MockOidcConfig {
    fn default() -> Self {
        MockOidcConfig {
            client_id: "oidc-client".into(),
            client_secret: "oidc-secret".into(),
            client_auth: ClientAuthMode::Basic,
            quirks: Quirks::Generic,
            signing_alg: SigningAlg::RS256,
            iss_parameter: true,
            user: OidcUser::default(),
            issued_at: None,
        }
    }
}

/// A token endpoint request as received.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The decoded form, in order.
    pub form: Vec<(String, String)>,
}

impl TokenRequest {
    /// The first value of a form field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A running mock OpenID provider. Clones share the server.
#[derive(Clone)]
pub struct MockOidc {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for MockOidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockOidc")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

/// The authorization endpoint answers with a redirect, or (Apple) with a `form_post` page,
/// whose fields [`MockIdp::decide`] reads.
impl MockIdp for MockOidc {
    type Config = MockOidcConfig;

    const NAME: &'static str = "the mock OpenID provider";

    fn endpoints(&self) -> &Endpoints {
        &self.shared.endpoints
    }

    async fn start(config: MockOidcConfig) -> MockOidc {
        let (listener, addr) = mock::bind("mock OpenID provider").await;
        let shared = Arc::new(Shared::new(config, format!("http://{addr}")));
        let app = server::router(Arc::clone(&shared));
        mock::spawn(listener, app, Arc::clone(&shared.endpoints));
        MockOidc { shared }
    }

    fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    fn endpoint_url(&self, endpoint: Endpoint) -> Option<String> {
        let paths = self.shared.paths();
        let path = match endpoint {
            Endpoint::Authorize => paths.authorize,
            Endpoint::Token => paths.token,
            Endpoint::Profile => paths.userinfo,
            Endpoint::Discovery => paths.discovery,
            Endpoint::Jwks => paths.jwks,
            Endpoint::RequestToken => return None,
        };
        Some(self.shared.url(&path))
    }

    async fn decide(&self, authorize_url: &str, decision: Decision) -> Result<Callback, String> {
        pages::decide(authorize_url, decision == Decision::Approve).await
    }
}

impl MockOidc {
    /// The issuer the discovery document names (for Microsoft, the `{tenantid}` template).
    pub fn issuer(&self) -> String {
        self.shared.issuer()
    }

    /// `{base}/authorize` (Microsoft: `{base}/{tenant}/oauth2/v2.0/authorize`).
    pub fn authorize_url(&self) -> String {
        self.shared.url(&self.shared.paths().authorize)
    }

    /// The token endpoint.
    pub fn token_url(&self) -> String {
        self.shared.url(&self.shared.paths().token)
    }

    /// The userinfo endpoint.
    pub fn userinfo_url(&self) -> String {
        self.shared.url(&self.shared.paths().userinfo)
    }

    /// The JWKS.
    pub fn jwks_url(&self) -> String {
        self.shared.url(&self.shared.paths().jwks)
    }

    /// Makes the token endpoint issue `forge` from now on.
    pub fn set_forge(&self, forge: Forge) {
        self.shared.lock().forge = forge;
    }

    /// What the next redirects say about `iss`.
    pub fn set_iss_param(&self, iss: IssParam) {
        self.shared.lock().iss_param = iss;
    }

    /// Makes discovery name another issuer (`Some`), or the right one (`None`).
    pub fn set_discovery_issuer(&self, issuer: Option<String>) {
        self.shared.lock().discovery_issuer = issuer;
    }

    /// Makes userinfo answer with another `sub` (`Some`), or the user's (`None`).
    pub fn set_userinfo_sub(&self, sub: Option<String>) {
        self.shared.lock().userinfo_sub = sub;
    }

    /// Adds `claims` (an object) to every ID token and userinfo answer from now on, over
    /// the ones the mock puts there (Azure AD B2C's `tfp`; another `iss`).
    pub fn set_extra_claims(&self, claims: serde_json::Value) {
        self.shared.lock().extra_claims = match claims {
            serde_json::Value::Object(claims) => claims,
            _ => serde_json::Map::new(),
        };
    }

    /// Retires the signing key: a new key with a new `kid` signs from now on, and the JWKS
    /// publishes only that one.
    pub fn rotate_keys(&self) {
        self.shared.rotate();
    }

    /// The current signing key's `kid`.
    pub fn current_kid(&self) -> String {
        self.shared.lock().key.kid.clone()
    }

    /// Signs `claims` with the current key (its `kid` in the header), as the token endpoint
    /// would; for tests that feed ID tokens to a relying party directly.
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let state = self.shared.lock();
        state.key.mint(
            serde_json::json!({"kid": state.key.kid, "typ": "JWT"}),
            claims,
        )
    }

    /// Signs `claims` with the current key under another `kid`.
    pub fn sign_with_kid(&self, claims: &serde_json::Value, kid: &str) -> String {
        self.shared
            .lock()
            .key
            .mint(serde_json::json!({"kid": kid, "typ": "JWT"}), claims)
    }

    /// Requests to the attacker's key URLs (`jku`/`x5u` targets): must stay zero.
    pub fn attacker_key_calls(&self) -> usize {
        self.shared.attacker_key_calls.load(Ordering::SeqCst)
    }

    /// The last token endpoint request.
    pub fn last_token_request(&self) -> Option<TokenRequest> {
        self.shared.lock().last_token_request.clone()
    }

    /// The last authorize request's query, decoded, in order.
    pub fn last_authorize_query(&self) -> Option<Vec<(String, String)>> {
        self.shared.lock().last_authorize_query.clone()
    }
}
