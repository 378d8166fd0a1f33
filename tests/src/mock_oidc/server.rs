//! The mock's routes and state: discovery, JWKS, authorize + consent, token, userinfo.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use coauth_core::presets::spec::OidcPreset;
use coauth_core::presets::{Apple, Google, LinkedIn, Microsoft, Slack};
use http::{HeaderValue, StatusCode, Uri, header};
use serde_json::{Value, json};
use url::Url;

use super::keys::{Key, RsaSlot, b64};
use super::{Forge, IssParam, MockOidcConfig, Quirks, SigningAlg, TokenRequest};
use super::{pages, token};
use crate::mock::{self, Endpoint, Endpoints};

/// The tenant the Microsoft quirk's accessor URLs use.
const MS_TENANT: &str = "common";

pub(super) struct Grant {
    pub(super) redirect_uri: String,
    pub(super) challenge: Option<String>,
    pub(super) nonce: Option<String>,
}

pub(super) struct MockState {
    pub(super) key: Key,
    pub(super) attacker: Key,
    pub(super) rotations: u32,
    pub(super) forge: Forge,
    pub(super) iss_param: IssParam,
    pub(super) discovery_issuer: Option<String>,
    pub(super) userinfo_sub: Option<String>,
    pub(super) extra_claims: serde_json::Map<String, Value>,
    pub(super) last_token_request: Option<TokenRequest>,
    pub(super) last_authorize_query: Option<Vec<(String, String)>>,
    pub(super) codes: HashMap<String, Grant>,
    pub(super) access_tokens: Vec<String>,
    pub(super) refresh_tokens: Vec<String>,
    pub(super) used_jtis: Vec<String>,
    pub(super) apple_consented: bool,
}

pub(super) struct Shared {
    pub(super) base_url: String,
    pub(super) config: MockOidcConfig,
    pub(super) state: Mutex<MockState>,
    /// Calls, faults and connections of the endpoints.
    pub(super) endpoints: Arc<Endpoints>,
    /// Requests to the attacker's key URLs.
    pub(super) attacker_key_calls: AtomicUsize,
}

pub(super) struct Paths {
    pub(super) discovery: String,
    pub(super) authorize: String,
    pub(super) decision: String,
    pub(super) token: String,
    pub(super) userinfo: String,
    pub(super) jwks: String,
}

pub(super) fn random() -> String {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("OS random generator");
    b64(bytes)
}

pub(super) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

impl Shared {
    pub(super) fn new(config: MockOidcConfig, base_url: String) -> Shared {
        let alg = config.signing_alg;
        let attacker_alg = if alg == SigningAlg::EdDSA {
            SigningAlg::EdDSA
        } else {
            alg
        };
        let iss_param = if config.iss_parameter {
            IssParam::Correct
        } else {
            IssParam::Omit
        };
        Shared {
            state: Mutex::new(MockState {
                key: Key::new(alg, RsaSlot::Current, format!("mock-key-{}", random())),
                attacker: Key::new(
                    attacker_alg,
                    RsaSlot::Attacker,
                    format!("attacker-{}", random()),
                ),
                rotations: 0,
                forge: Forge::None,
                iss_param,
                discovery_issuer: None,
                userinfo_sub: None,
                extra_claims: serde_json::Map::new(),
                last_token_request: None,
                last_authorize_query: None,
                codes: HashMap::new(),
                access_tokens: Vec::new(),
                refresh_tokens: Vec::new(),
                used_jtis: Vec::new(),
                apple_consented: false,
            }),
            base_url,
            config,
            endpoints: Arc::default(),
            attacker_key_calls: AtomicUsize::new(0),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, MockState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// `text` with the client id and a declared preset's variables filled in.
    pub(super) fn fill(&self, text: &str) -> String {
        let mut text = text.replace("{client_id}", &self.config.client_id);
        if let Quirks::Declared { spec, vars } = &self.config.quirks {
            // The values given, then the declared defaults of the others.
            let given = vars.iter().map(|(name, value)| (*name, value.as_str()));
            let defaults = spec
                .vars
                .iter()
                .filter(|(name, _)| !vars.iter().any(|(given, _)| given == name))
                .copied();
            for (name, value) in given.chain(defaults) {
                text = text.replace(&format!("{{{name}}}"), value);
            }
        }
        text
    }

    /// The declaration of the preset this mock imitates: its endpoints' paths and issuer
    /// are the mock's, so the preset built with `with_hosts(mock, mock)` finds them.
    pub(super) fn preset(&self) -> Option<&'static OidcPreset> {
        match self.config.quirks {
            Quirks::Generic => None,
            Quirks::Google => Some(Google::SPEC),
            Quirks::Microsoft { .. } => Some(Microsoft::SPEC),
            Quirks::Apple { .. } => Some(Apple::SPEC),
            Quirks::LinkedIn => Some(LinkedIn::SPEC),
            Quirks::Slack => Some(Slack::SPEC),
            Quirks::Declared { spec, .. } => Some(spec),
        }
    }

    /// The path of a declared URL on the mock: the variables of a declared preset filled
    /// in, then [`declared_path`].
    fn path_of(&self, url: &str) -> String {
        match &self.config.quirks {
            Quirks::Declared { .. } => declared_path(&self.fill(url)),
            _ => declared_path(url),
        }
    }

    pub(super) fn paths(&self) -> Paths {
        let discovery = match self.config.quirks {
            Quirks::Microsoft { .. } => {
                format!("/{MS_TENANT}/v2.0/.well-known/openid-configuration")
            }
            _ => "/.well-known/openid-configuration".into(),
        };
        match self.preset() {
            Some(preset) => Paths {
                discovery,
                authorize: self.path_of(preset.authorize),
                decision: "/authorize/decision".into(),
                token: self.path_of(preset.token),
                userinfo: preset
                    .userinfo
                    .map_or_else(|| "/userinfo".into(), |url| self.path_of(url)),
                jwks: self.path_of(preset.jwks),
            },
            None => Paths {
                discovery,
                authorize: "/authorize".into(),
                decision: "/authorize/decision".into(),
                token: "/token".into(),
                userinfo: "/userinfo".into(),
                jwks: "/jwks".into(),
            },
        }
    }

    /// The issuer discovery names: the preset's, on the mock's host.
    pub(super) fn issuer(&self) -> String {
        match self.preset() {
            Some(preset) => format!("{}{}", self.base_url, self.path_of(preset.issuer)),
            None => self.base_url.clone(),
        }
    }

    /// The `iss` of ID tokens.
    pub(super) fn token_issuer(&self) -> String {
        match &self.config.quirks {
            Quirks::Microsoft { tid } => format!("{}/{tid}/v2.0", self.base_url),
            Quirks::Google => self.base_url.trim_start_matches("http://").to_owned(),
            _ => self.issuer(),
        }
    }

    /// The `iss` redirect parameter when it is correct.
    fn response_issuer(&self) -> String {
        match &self.config.quirks {
            Quirks::Microsoft { tid } => format!("{}/{tid}/v2.0", self.base_url),
            _ => self.issuer(),
        }
    }

    pub(super) fn rotate(&self) {
        let mut state = self.lock();
        state.rotations += 1;
        let slot = if state.rotations % 2 == 1 {
            RsaSlot::Rotated
        } else {
            RsaSlot::Current
        };
        let kid = format!("mock-key-{}", random());
        state.key = Key::new(self.config.signing_alg, slot, kid);
    }

    fn requires_pkce(&self) -> bool {
        match &self.config.quirks {
            Quirks::Declared { spec, .. } => spec.pkce,
            quirks => matches!(
                quirks,
                Quirks::Generic | Quirks::Google | Quirks::Microsoft { .. }
            ),
        }
    }

    /// Whether authorization requests carry a nonce that ID tokens echo.
    pub(super) fn uses_nonce(&self) -> bool {
        match &self.config.quirks {
            Quirks::LinkedIn => false,
            Quirks::Declared { spec, .. } => spec.nonce,
            _ => true,
        }
    }

    /// The declaration of a [`Quirks::Declared`] mock.
    pub(super) fn declared(&self) -> Option<&'static OidcPreset> {
        match &self.config.quirks {
            Quirks::Declared { spec, .. } => Some(spec),
            _ => None,
        }
    }

    pub(super) fn is_apple(&self) -> bool {
        matches!(self.config.quirks, Quirks::Apple { .. })
    }
}

pub(super) fn router(shared: Arc<Shared>) -> Router {
    let mut paths = shared.paths();
    if let Quirks::Microsoft { .. } = shared.config.quirks {
        // Any tenant segment: `common`, `organizations` or a tenant id.
        for path in [
            &mut paths.discovery,
            &mut paths.authorize,
            &mut paths.token,
            &mut paths.jwks,
        ] {
            *path = path.replacen(&format!("/{MS_TENANT}/"), "/{tenant}/", 1);
        }
    }
    Router::new()
        .route(&paths.discovery, get(discovery))
        .route(&paths.jwks, get(jwks))
        .route(&paths.authorize, get(authorize))
        .route(&paths.decision, post(decision))
        .route(&paths.token, post(token::token))
        .route(&paths.userinfo, get(token::userinfo))
        .route("/attacker/jwks", get(attacker_jwks))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .with_state(shared)
}

pub(super) fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn bad_request(message: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, message.into()).into_response()
}

pub(super) fn pairs(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

pub(super) fn get_field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    shared.endpoints.count(Endpoint::Discovery);
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Discovery)).await {
        return answer;
    }
    let paths = shared.paths();
    let issuer = shared
        .lock()
        .discovery_issuer
        .clone()
        .unwrap_or_else(|| shared.issuer());
    json_response(
        StatusCode::OK,
        &json!({
            "issuer": issuer,
            "authorization_endpoint": shared.url(&paths.authorize),
            "token_endpoint": shared.url(&paths.token),
            "userinfo_endpoint": shared.url(&paths.userinfo),
            "jwks_uri": shared.url(&paths.jwks),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [shared.config.signing_alg.name()],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": shared.config.iss_parameter,
        }),
    )
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    shared.endpoints.count(Endpoint::Jwks);
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Jwks)).await {
        return answer;
    }
    let key = shared.lock().key.jwk();
    json_response(StatusCode::OK, &json!({"keys": [key]}))
}

async fn attacker_jwks(State(shared): State<Arc<Shared>>) -> Response {
    shared.attacker_key_calls.fetch_add(1, Ordering::SeqCst);
    let key = shared.lock().attacker.jwk();
    json_response(StatusCode::OK, &json!({"keys": [key]}))
}

/// Checks an authorization request; returns its fields for the consent form.
fn validate_authorize(shared: &Shared, fields: &[(String, String)]) -> Result<(), String> {
    let field = |name| get_field(fields, name);
    if field("response_type") != Some("code") {
        return Err("response_type must be code".into());
    }
    if field("client_id") != Some(shared.config.client_id.as_str()) {
        return Err("unknown client_id".into());
    }
    let redirect = field("redirect_uri").ok_or("redirect_uri is required")?;
    Url::parse(redirect).map_err(|_| "redirect_uri must be absolute")?;
    if !field("scope")
        .unwrap_or("")
        .split(' ')
        .any(|s| s == "openid")
    {
        return Err("scope must include openid".into());
    }
    if field("state").is_none() {
        return Err("state is required".into());
    }
    match (field("code_challenge"), field("code_challenge_method")) {
        (Some(_), Some("S256")) => {}
        (None, None) if !shared.requires_pkce() => {}
        _ => return Err("PKCE with S256 is required".into()),
    }
    if shared.uses_nonce() && field("nonce").is_none_or(str::is_empty) {
        return Err("nonce is required".into());
    }
    if let Some(spec) = shared.declared() {
        // What the declaration says the provider does not take must not be sent.
        if !spec.pkce && field("code_challenge").is_some() {
            return Err("no code_challenge is expected".into());
        }
        if !spec.nonce && field("nonce").is_some() {
            return Err("no nonce is expected".into());
        }
        for (name, value) in spec.authorize_params {
            let expected = shared.fill(value);
            if field(name) != Some(expected.as_str()) {
                return Err(format!("{name}={expected:?} is required"));
            }
        }
    }
    if shared.is_apple() && field("response_mode") != Some("form_post") {
        return Err("response_mode must be form_post when name or email is requested".into());
    }
    Ok(())
}

async fn authorize(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    shared.endpoints.count(Endpoint::Authorize);
    let fields = pairs(uri.query().unwrap_or("").as_bytes());
    shared.lock().last_authorize_query = Some(fields.clone());
    if let Err(message) = validate_authorize(&shared, &fields) {
        return bad_request(message);
    }
    let page = pages::consent(
        &shared.paths().decision,
        &fields,
        &shared.config.user.name(),
        &shared.config.client_id,
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

async fn decision(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let mut fields = pairs(&body);
    let approved = match get_field(&fields, "decision") {
        Some("approve") => true,
        Some("deny") => false,
        _ => return bad_request("decision must be approve or deny"),
    };
    fields.retain(|(name, _)| name != "decision");
    if let Err(message) = validate_authorize(&shared, &fields) {
        return bad_request(message);
    }
    let field = |name| get_field(&fields, name).map(str::to_owned);
    let redirect_uri = field("redirect_uri").unwrap_or_default();
    let mut answer: Vec<(String, String)> = Vec::new();
    if approved {
        let code = random();
        let nonce = if shared.uses_nonce() {
            field("nonce")
        } else {
            None
        };
        let mut state = shared.lock();
        state.codes.insert(
            code.clone(),
            Grant {
                redirect_uri: redirect_uri.clone(),
                challenge: field("code_challenge"),
                nonce,
            },
        );
        answer.push(("code".into(), code));
        if shared.is_apple() && !state.apple_consented {
            state.apple_consented = true;
            let user = &shared.config.user;
            let first = json!({
                "name": {"firstName": user.given_name, "lastName": user.family_name},
                "email": user.email,
            });
            answer.push(("user".into(), first.to_string()));
        }
    } else {
        let error = match shared.config.quirks {
            Quirks::Apple { .. } => "user_cancelled_authorize",
            Quirks::LinkedIn => "user_cancelled_login",
            _ => "access_denied",
        };
        answer.push(("error".into(), error.into()));
        if let Quirks::Microsoft { .. } = shared.config.quirks {
            answer.push(("error_subcode".into(), "cancel".into()));
        }
    }
    if let Some(state) = field("state") {
        answer.push(("state".into(), state));
    }
    match shared.lock().iss_param {
        IssParam::Correct if shared.config.iss_parameter => {
            answer.push(("iss".into(), shared.response_issuer()));
        }
        IssParam::Wrong => answer.push(("iss".into(), "https://evil.example".into())),
        _ => {}
    }
    if shared.is_apple() {
        let page = pages::form_post(&redirect_uri, &answer);
        return ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    }
    let mut target = match Url::parse(&redirect_uri) {
        Ok(url) => url,
        Err(_) => return bad_request("redirect_uri must be absolute"),
    };
    target.query_pairs_mut().extend_pairs(&answer);
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(location) = HeaderValue::from_str(target.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// The path of a preset's declared URL, on the mock: the origin dropped, Microsoft's tenant
/// variables set to the mock's tenant and issuer template.
fn declared_path(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let path = url[after_scheme..]
        .find('/')
        .map_or("", |i| &url[after_scheme + i..]);
    path.replace("{tenant}", MS_TENANT)
        .replace("{issuer_tenant}", "{tenantid}")
}
