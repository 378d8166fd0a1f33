//! The declared mode's endpoints: the authorization page and its decision, the token
//! endpoint, the profile and emails endpoints.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{any, get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use coauth_core::oauth2::ClientAuth;
use coauth_core::presets::spec::{Method, TokenIn};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, StatusCode, Uri};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use super::super::page::escape;
use super::super::params::{Params, form_decode, is_pkce_value, pairs};
use super::super::respond::{self, bad_request, found};
use super::super::state::random_token;
use super::{Grant, Paths, RecordedRequest, Shared, document};
use crate::mock::{self, Endpoint};

/// The consent form's target.
pub(super) const DECISION_PATH: &str = "/declared-mock/decision";

/// The largest request body read.
const MAX_BODY: usize = 64 * 1024;

/// The routes at the declared paths.
pub(super) fn router(paths: &Paths) -> Router<Arc<Shared>> {
    let app = Router::new()
        .route(&paths.authorize, get(authorize))
        .route(DECISION_PATH, post(decision))
        .route(&paths.token, post(token))
        // Any method: a profile call with the wrong one is counted and refused.
        .route(&paths.profile, any(profile));
    match &paths.emails {
        Some(path) => app.route(path, any(emails)),
        None => app,
    }
}

/// The authorization page: validates the request and shows the consent form.
async fn authorize(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    shared.endpoints.count(Endpoint::Authorize);
    let query = uri.query().unwrap_or("");
    shared.lock().last_authorize_query = Some(pairs(query.as_bytes()));
    let request = match Params::parse(query.as_bytes())
        .and_then(|params| AuthorizeRequest::validate(&shared, &params))
    {
        Ok(request) => request,
        Err(why) => {
            shared.refuse("authorize", &why);
            return bad_request(why);
        }
    };
    let page = render(&shared, &pairs(query.as_bytes()), &request);
    respond::with_body(StatusCode::OK, respond::HTML, Body::from(page))
}

/// The consent form's target: validates the request again, then approves or denies.
async fn decision(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let outcome = Params::parse(&body).and_then(|params| {
        let approved = match params.get("decision") {
            Some("approve") => true,
            Some("deny") => false,
            _ => return Err("decision must be \"approve\" or \"deny\"".to_owned()),
        };
        Ok((approved, AuthorizeRequest::validate(&shared, &params)?))
    });
    let (approved, request) = match outcome {
        Ok(outcome) => outcome,
        Err(why) => {
            shared.refuse("decision", &why);
            return bad_request(why);
        }
    };
    let mut answer: Vec<(String, String)> = Vec::new();
    if approved {
        let code = random_token();
        answer.push(("code".into(), code.clone()));
        answer.push(("state".into(), request.state.clone()));
        let mut repeated = Vec::new();
        for name in shared.spec.redirect_params_to_token {
            let value = match *name {
                "code" => code.clone(),
                "state" => request.state.clone(),
                other => {
                    let value = format!("mock-{other}-{}", &random_token()[..12]);
                    answer.push((other.to_owned(), value.clone()));
                    value
                }
            };
            repeated.push(((*name).to_owned(), value));
        }
        // What the declaration's redirect check reads: a variable's value, else a mock one;
        // the signature last.
        let signature = shared.redirect_signer.map(|(name, _)| name);
        for name in shared.spec.redirect_params {
            if Some(*name) == signature {
                continue;
            }
            let value = shared.vars.iter().find(|(var, _)| var == name).map_or_else(
                || format!("mock-{name}-{}", &random_token()[..12]),
                |(_, value)| value.clone(),
            );
            answer.push(((*name).to_owned(), value));
        }
        if let Some((name, sign)) = shared.redirect_signer {
            let value = sign(&answer, &shared.client_secret);
            answer.push((name.to_owned(), value));
        }
        let mut state = shared.lock();
        let user = state.user.clone();
        state.codes.insert(
            code,
            Grant {
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge.clone(),
                repeated,
                user,
            },
        );
    } else {
        answer.push(("error".into(), "access_denied".into()));
        answer.push(("error_description".into(), "The user denied access".into()));
        answer.push(("state".into(), request.state.clone()));
    }
    if let Some(issuer) = shared.issuer() {
        answer.push(("iss".into(), issuer));
    }
    let mut target = request.redirect_url;
    target.query_pairs_mut().extend_pairs(&answer);
    found(&target)
}

/// A validated authorization request.
struct AuthorizeRequest {
    redirect_uri: String,
    redirect_url: Url,
    state: String,
    code_challenge: Option<String>,
}

impl AuthorizeRequest {
    fn validate(shared: &Shared, params: &Params) -> Result<AuthorizeRequest, String> {
        let spec = shared.spec;
        if params.get("response_type") != Some("code") {
            return Err("response_type must be \"code\"".into());
        }
        let id_param = spec.client_id_param;
        if params.get(id_param) != Some(shared.client_id.as_str()) {
            return Err(format!(
                "{id_param} must be the mock's client {:?}",
                shared.client_id
            ));
        }
        if id_param != "client_id" && params.get("client_id").is_some() {
            return Err(format!(
                "the declaration names the client {id_param}: no client_id is expected"
            ));
        }
        let redirect_uri = params
            .get("redirect_uri")
            .ok_or("redirect_uri is required")?;
        let redirect_url = Url::parse(redirect_uri)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.fragment().is_none())
            .ok_or("redirect_uri must be an absolute http(s) URL without a fragment")?;
        let state = params.get("state").ok_or("state is required")?;
        let scope = spec.scopes.join(spec.scope_separator);
        match params.get("scope") {
            None if scope.is_empty() => {}
            Some(sent) if sent == scope => {}
            sent => {
                return Err(format!(
                    "scope must be the declared {scope:?} (none when empty), not {sent:?}"
                ));
            }
        }
        let challenge = params.get("code_challenge");
        match (spec.pkce, challenge, params.get("code_challenge_method")) {
            (true, Some(challenge), Some("S256")) if is_pkce_value(challenge) => {}
            (true, _, _) => {
                return Err("the declaration has PKCE: an S256 code_challenge is required".into());
            }
            (false, None, None) => {}
            (false, _, _) => {
                return Err("the declaration has no PKCE: no code_challenge is expected".into());
            }
        }
        for (name, value) in spec.authorize_params {
            let value = shared.fill(value);
            if params.get(name) != Some(value.as_str()) {
                return Err(format!(
                    "the declared parameter {name}={value:?} is missing or differs"
                ));
            }
        }
        Ok(AuthorizeRequest {
            redirect_uri: redirect_uri.to_owned(),
            redirect_url,
            state: state.to_owned(),
            code_challenge: challenge.map(str::to_owned),
        })
    }
}

/// The consent page: the request's parameters as hidden fields of the one form, and the
/// `#approve` and `#deny` buttons. No script.
fn render(shared: &Shared, query: &[(String, String)], request: &AuthorizeRequest) -> String {
    let mut hidden = String::new();
    for (name, value) in query {
        // Writing to a String cannot fail.
        let _ = writeln!(
            hidden,
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape(name),
            escape(value)
        );
    }
    let user = shared.lock().user.clone();
    format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Mock {provider} — sign in</title></head>
<body>
<h1>Sign in to <span id="client">{client}</span> with {provider}</h1>
<p>As <strong id="user-name">{name}</strong> (<span id="user-login">{login}</span>), back to
<code>{destination}</code>.</p>
<form method="post" action="{action}">
{hidden}<button id="approve" name="decision" value="approve">Approve</button>
<button id="deny" name="decision" value="deny">Deny</button>
</form>
</body>
</html>
"#,
        provider = escape(shared.spec.name),
        client = escape(&shared.client_id),
        name = escape(&user.name),
        login = escape(&user.login),
        destination = escape(request.redirect_url.origin().ascii_serialization().as_str()),
        action = escape(DECISION_PATH),
    )
}

/// The token endpoint.
async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    shared.endpoints.count(Endpoint::Token);
    let body = axum::body::to_bytes(body, MAX_BODY).await;
    shared.lock().last_token_request = Some(RecordedRequest {
        headers: headers.clone(),
        form: body.as_ref().map(|b| pairs(b)).unwrap_or_default(),
    });
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Token)).await {
        return answer;
    }
    let outcome = match body {
        Ok(body) => redeem(&shared, &headers, &body),
        Err(_) => Err(refusal(
            "invalid_request",
            "request body unreadable or larger than 64 KiB",
        )),
    };
    match outcome {
        Ok(answer) => respond::json(StatusCode::OK, &answer),
        Err((error, why)) => {
            shared.refuse("token", &why);
            let status = if error == "invalid_client" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
            respond::json(status, &json!({"error": error, "error_description": why}))
        }
    }
}

/// An OAuth error code and why.
type Refusal = (&'static str, String);

fn refusal(error: &'static str, why: impl Into<String>) -> Refusal {
    (error, why.into())
}

fn redeem(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Value, Refusal> {
    if !is_form(headers) {
        return Err(refusal(
            "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let params = Params::parse(body).map_err(|why| refusal("invalid_request", why))?;
    authenticate(shared, headers, &params).map_err(|why| refusal("invalid_client", why))?;
    if params.get("grant_type") != Some("authorization_code") {
        return Err(refusal(
            "unsupported_grant_type",
            "grant_type must be authorization_code",
        ));
    }
    let code = params
        .get("code")
        .ok_or_else(|| refusal("invalid_request", "code is required"))?;
    // Removed before any further check: a code is consumed by its first redemption attempt.
    let grant = shared
        .lock()
        .codes
        .remove(code)
        .ok_or_else(|| refusal("invalid_grant", "unknown or already used code"))?;
    if params.get("redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return Err(refusal(
            "invalid_grant",
            "redirect_uri must be the authorization request's",
        ));
    }
    match (&grant.code_challenge, params.get("code_verifier")) {
        (None, None) => {}
        (Some(challenge), Some(verifier))
            if is_pkce_value(verifier)
                && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == *challenge => {}
        (Some(_), _) => {
            return Err(refusal(
                "invalid_grant",
                "code_verifier is missing or does not match the code_challenge",
            ));
        }
        (None, Some(_)) => {
            return Err(refusal(
                "invalid_grant",
                "code_verifier sent for a code issued without a code_challenge",
            ));
        }
    }
    for (name, value) in &grant.repeated {
        if params.get(name) != Some(value.as_str()) {
            return Err(refusal(
                "invalid_request",
                format!(
                    "the declaration repeats the redirect's {name} here: it is missing or differs"
                ),
            ));
        }
    }
    let access_token = random_token();
    let mut answer = json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": 3600,
        "refresh_token": random_token(),
    });
    if shared.spec.user_in_token.is_some()
        && let (Value::Object(user), Some(fields)) = (
            document::profile(shared.spec, &grant.user).0,
            answer.as_object_mut(),
        )
    {
        fields.extend(user);
    }
    if let Some(pointer) = shared.spec.token_user_id {
        document::place_id(&mut answer, pointer, &grant.user);
    }
    if let Some(pointer) = shared.spec.token_answer_at {
        answer = document::nest(pointer, answer);
    }
    shared.lock().access_tokens.insert(access_token, grant.user);
    Ok(answer)
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Checks the client authentication exactly as declared: the declared way, and no other
/// credential besides.
fn authenticate(shared: &Shared, headers: &HeaderMap, params: &Params) -> Result<(), String> {
    let basic = match headers.get(AUTHORIZATION) {
        None => None,
        Some(value) => Some(parse_basic(value.to_str().unwrap_or("")).ok_or(
            "Authorization must be Basic base64(urlencode(client_id):urlencode(client_secret))",
        )?),
    };
    let id_param = shared.spec.client_id_param;
    if id_param != "client_id" && params.get("client_id").is_some() {
        return Err(format!(
            "the declaration names the client {id_param}: no client_id is expected"
        ));
    }
    let form_id = params.get(id_param);
    let form_secret = params.get("client_secret");
    let id = shared.client_id.as_str();
    let secret = shared.client_secret.as_str();
    let basic_ok = |basic: Option<(String, String)>| match basic {
        Some((basic_id, basic_secret)) if basic_id == id && basic_secret == secret => Ok(()),
        Some(_) => Err("HTTP Basic names another client or secret".to_owned()),
        None => Err("the declaration says HTTP Basic: Authorization is missing".to_owned()),
    };
    let no_header = |what: &str| match basic {
        Some(_) => Err(format!(
            "the declaration says {what}: no Authorization header"
        )),
        None => Ok(()),
    };
    match shared.spec.client_auth {
        ClientAuth::Basic => {
            basic_ok(basic)?;
            if form_id.is_some() || form_secret.is_some() {
                return Err("the declaration says HTTP Basic alone: no client_id or \
                            client_secret in the body"
                    .into());
            }
        }
        ClientAuth::BasicWithClientIdInBody => {
            basic_ok(basic)?;
            if form_id != Some(id) || form_secret.is_some() {
                return Err(
                    "the declaration says HTTP Basic with client_id in the body (and \
                            no client_secret there)"
                        .into(),
                );
            }
        }
        ClientAuth::Post => {
            no_header("client_secret_post")?;
            if form_id != Some(id) || form_secret != Some(secret) {
                return Err("the declaration says client_secret_post: client_id and \
                            client_secret in the body"
                    .into());
            }
        }
        ClientAuth::Public => {
            no_header("a public client")?;
            if form_id != Some(id) || form_secret.is_some() {
                return Err(
                    "the declaration says a public client: client_id in the body, no secret".into(),
                );
            }
        }
        other => {
            return Err(format!(
                "the declared mock does not take {other:?} client authentication"
            ));
        }
    }
    Ok(())
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 §2.3.1.
fn parse_basic(value: &str) -> Option<(String, String)> {
    let (scheme, credentials) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(credentials.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// The token of `Authorization: <scheme> <token>`, the scheme compared ignoring case.
fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (given, token) = value.split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then_some(token.trim())
        .filter(|token| !token.is_empty())
}

/// The value of `name` in decoded pairs.
fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Checks the declared headers, each with its value filled in by `fill`.
fn check_headers(
    headers: &HeaderMap,
    declared: &[(&str, &str)],
    fill: &dyn Fn(&str) -> String,
) -> Result<(), String> {
    for (name, value) in declared {
        let value = fill(value);
        if headers.get(*name).and_then(|v| v.to_str().ok()) != Some(value.as_str()) {
            return Err(format!(
                "the declared header {name}: {value:?} is missing or differs"
            ));
        }
    }
    Ok(())
}

/// A `401` for a call without a known access token where the declaration puts it.
fn invalid_token(why: &str) -> Response {
    respond::json(
        StatusCode::UNAUTHORIZED,
        &json!({"error": "invalid_token", "error_description": why}),
    )
}

/// The profile endpoint.
async fn profile(
    State(shared): State<Arc<Shared>>,
    method: http::Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    shared.endpoints.count(Endpoint::Profile);
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Profile)).await {
        return answer;
    }
    let body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    match read_profile(&shared, &method, &uri, &headers, &body) {
        Ok(answer) => respond::json(StatusCode::OK, &answer),
        Err((status, why)) => {
            shared.refuse("profile", &why);
            if status == StatusCode::UNAUTHORIZED {
                invalid_token(&why)
            } else {
                respond::json(
                    status,
                    &json!({"error": "invalid_request", "error_description": why}),
                )
            }
        }
    }
}

fn read_profile(
    shared: &Shared,
    method: &http::Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, (StatusCode, String)> {
    let call = &shared.spec.profile;
    let bad = |why: String| (StatusCode::BAD_REQUEST, why);
    let declared_method = match call.method {
        Method::Get => http::Method::GET,
        Method::Post => http::Method::POST,
    };
    if *method != declared_method {
        return Err((
            StatusCode::METHOD_NOT_ALLOWED,
            format!("the declaration says {declared_method}, not {method}"),
        ));
    }
    let query = pairs(uri.query().unwrap_or("").as_bytes());
    // A POST carries a form when the declaration puts fields there, a JSON body when it
    // declares one, and no body otherwise.
    let form_body = !call.form.is_empty() || matches!(call.token, TokenIn::Form(_));
    if !call.json.is_empty() {
        let declared: Value = serde_json::from_str(call.json)
            .map_err(|_| bad("the declared JSON body is not JSON".into()))?;
        let is_json = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json || serde_json::from_slice::<Value>(body).ok() != Some(declared) {
            return Err(bad(format!(
                "the declaration sends the JSON body {} as application/json",
                call.json
            )));
        }
    }
    let form = match call.method {
        Method::Post if !call.json.is_empty() => Vec::new(),
        Method::Post if form_body && !is_form(headers) => {
            return Err(bad("the declaration sends a form: Content-Type must be \
                 application/x-www-form-urlencoded"
                .into()));
        }
        Method::Post if !form_body && !body.is_empty() => {
            return Err(bad("the declaration sends a POST without a body".into()));
        }
        Method::Post if form_body => pairs(body),
        _ => Vec::new(),
    };
    let in_path = token_in_path(&shared.paths.profile, uri.path());
    let token = match call.token {
        TokenIn::Bearer => authorization(headers, "Bearer"),
        TokenIn::Scheme(scheme) => authorization(headers, scheme),
        // The whole header is the token: no scheme before it.
        TokenIn::Bare => headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty() && !value.contains(' ')),
        TokenIn::Path if headers.get(AUTHORIZATION).is_none() => in_path.as_deref(),
        TokenIn::Query(name) if headers.get(AUTHORIZATION).is_none() => find(&query, name),
        TokenIn::Form(name) if headers.get(AUTHORIZATION).is_none() => find(&form, name),
        TokenIn::Query(_) | TokenIn::Form(_) | TokenIn::Path => None,
    };
    let Some(token) = token else {
        return Err((
            StatusCode::UNAUTHORIZED,
            format!(
                "the declaration puts the access token in {:?}, and nowhere else",
                call.token
            ),
        ));
    };
    let user = shared
        .lock()
        .access_tokens
        .get(token)
        .cloned()
        .ok_or_else(|| (StatusCode::UNAUTHORIZED, "unknown access token".to_owned()))?;
    let fill = |value: &str| shared.fill(value).replace("{user_id}", &user.id);
    for (name, value) in call.query {
        let value = fill(value);
        if find(&query, name) != Some(value.as_str()) {
            return Err(bad(format!(
                "the declared query parameter {name}={value:?} is missing or differs"
            )));
        }
    }
    for (name, value) in call.form {
        let value = fill(value);
        if find(&form, name) != Some(value.as_str()) {
            return Err(bad(format!(
                "the declared form field {name}={value:?} is missing or differs"
            )));
        }
    }
    check_headers(headers, call.headers, &fill).map_err(bad)?;
    Ok(document::profile(shared.spec, &user).0)
}

/// The access token in `path`, where the declared `profile` path names `{access_token}`.
fn token_in_path(profile: &str, path: &str) -> Option<String> {
    let (prefix, suffix) = profile.split_once("{access_token}")?;
    let token = path.strip_prefix(prefix)?.strip_suffix(suffix)?;
    let token = percent_decode(token)?;
    (!token.is_empty()).then_some(token)
}

/// `%XX`-decodes a path segment (no `+` for space there).
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = segment.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The emails endpoint (a bearer `GET`).
async fn emails(
    State(shared): State<Arc<Shared>>,
    method: http::Method,
    headers: HeaderMap,
) -> Response {
    shared.endpoints.count(Endpoint::Profile);
    shared
        .emails_calls
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Profile)).await {
        return answer;
    }
    let declared = shared.spec.emails.map_or(&[][..], |emails| emails.headers);
    let outcome = if method != http::Method::GET {
        Err(format!("the emails call is a GET, not {method}"))
    } else {
        check_headers(&headers, declared, &|value| shared.fill(value))
    };
    if let Err(why) = outcome {
        shared.refuse("emails", &why);
        return bad_request(why);
    }
    let user = authorization(&headers, "Bearer")
        .and_then(|token| shared.lock().access_tokens.get(token).cloned());
    let Some(user) = user else {
        shared.refuse("emails", "no known bearer token");
        return invalid_token("the emails call takes the access token as a bearer token");
    };
    let answer = document::emails(shared.spec, &user).unwrap_or(Value::Null);
    respond::json(StatusCode::OK, &answer)
}
