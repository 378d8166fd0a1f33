//! The endpoints: request token, authorization page and decision, access token, profile.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};

use super::RecordedCall;
use super::signature::{base_string, parse_authorization, signature_matches};
use super::state::{AccessToken, RequestToken, Shared, random_hex};
use crate::mock::{self, Endpoint, Fault};

/// The authorization page's form target.
pub(super) const DECISION_PATH: &str = "/oauth/authorize/decision";

/// Twitter's answer to any authentication failure.
const COULD_NOT_AUTHENTICATE: &str =
    r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#;

fn respond(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body.into(),
    )
        .into_response()
}

fn bad_request(message: impl Into<String>) -> Response {
    respond(
        StatusCode::BAD_REQUEST,
        "text/plain; charset=utf-8",
        message.into(),
    )
}

fn found(location: &url::Url) -> Response {
    match HeaderValue::from_str(location.as_str()) {
        Ok(value) => (StatusCode::FOUND, [(LOCATION, value)]).into_response(),
        Err(_) => bad_request("the callback is not a valid header value"),
    }
}

/// A token endpoint answer: form-encoded, labelled `text/html` as Twitter labels it.
fn form_answer(pairs: &[(&str, &str)]) -> Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    respond(StatusCode::OK, "text/html; charset=utf-8", body)
}

/// Counts the call and applies the endpoint's fault, if any: Twitter's own answers for a
/// server error and a malformed answer, the mocks' common ones for the others.
async fn enter(shared: &Shared, endpoint: Endpoint) -> Option<Response> {
    shared.endpoints.count(endpoint);
    match shared.endpoints.fault(endpoint) {
        Fault::ServerError => Some(respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain; charset=utf-8",
            "Over capacity",
        )),
        Fault::Malformed => Some(respond(
            StatusCode::OK,
            "application/json; charset=utf-8",
            r#"{"oauth_token": "#,
        )),
        fault => mock::apply_fault(fault).await,
    }
}

/// Refuses a back-channel request as Twitter does, and remembers why.
fn reject(shared: &Shared, reason: String) -> Response {
    shared.rejected_calls.fetch_add(1, Ordering::SeqCst);
    shared.lock().last_rejection = Some(reason);
    respond(
        StatusCode::UNAUTHORIZED,
        "application/json; charset=utf-8",
        COULD_NOT_AUTHENTICATE,
    )
}

/// Which token, if any, a request must be signed with.
enum TokenKind {
    None,
    Request,
    Access,
}

/// Checks a signed request: the protocol parameters, the consumer, the timestamp window,
/// the token, the HMAC-SHA1 signature, then the nonce. Returns the recorded call.
fn check_signed(
    shared: &Shared,
    endpoint: Endpoint,
    request: &SignedParts<'_>,
    token_kind: TokenKind,
) -> Result<RecordedCall, String> {
    let header = request
        .headers
        .get(AUTHORIZATION)
        .ok_or("no Authorization header")?
        .to_str()
        .map_err(|_| "the Authorization header is not ASCII")?;
    let oauth = parse_authorization(header)?;
    let get = |name: &str| {
        oauth
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let mut params: Vec<(String, String)> = request
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let form = request
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        params.extend(url::form_urlencoded::parse(request.body).into_owned());
    }
    if get("oauth_consumer_key") != Some(shared.consumer_key.as_str()) {
        return Err("unknown oauth_consumer_key".into());
    }
    if get("oauth_signature_method") != Some("HMAC-SHA1") {
        return Err("oauth_signature_method must be HMAC-SHA1".into());
    }
    if get("oauth_version").is_some_and(|v| v != "1.0") {
        return Err("oauth_version must be 1.0".into());
    }
    let timestamp: u64 = get("oauth_timestamp")
        .and_then(|t| t.parse().ok())
        .ok_or("oauth_timestamp missing or not a number")?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if now.abs_diff(timestamp) > shared.timestamp_window_secs {
        return Err(format!(
            "oauth_timestamp is {}s away from the provider's clock",
            now.abs_diff(timestamp)
        ));
    }
    let nonce = get("oauth_nonce")
        .filter(|n| !n.is_empty())
        .ok_or("oauth_nonce missing")?;
    let signature = get("oauth_signature").ok_or("oauth_signature missing")?;
    let token = get("oauth_token");
    let token_secret = {
        let state = shared.lock();
        match (token_kind, token) {
            (TokenKind::None, None) => String::new(),
            (TokenKind::None, Some(_)) => {
                return Err("a request token request carries no oauth_token".into());
            }
            (_, None) => return Err("oauth_token missing".into()),
            (TokenKind::Request, Some(token)) => state
                .request_tokens
                .get(token)
                .map(|t| t.secret.clone())
                .ok_or("unknown or spent request token")?,
            (TokenKind::Access, Some(token)) => state
                .access_tokens
                .get(token)
                .map(|t| t.secret.clone())
                .ok_or("unknown access token")?,
        }
    };
    let mut signed = oauth.clone();
    signed.extend(params.iter().cloned());
    let base_uri = format!("{}{}", shared.base_url, request.uri.path());
    let base = base_string(request.method.as_str(), &base_uri, &signed);
    if !signature_matches(&base, &shared.consumer_secret, &token_secret, signature) {
        return Err(format!("invalid signature; expected base string {base}"));
    }
    let mut state = shared.lock();
    if !state.nonces.insert((timestamp, nonce.to_owned())) {
        return Err("oauth_nonce reused".into());
    }
    let call = RecordedCall { oauth, params };
    state.last_calls.insert(endpoint, call.clone());
    Ok(call)
}

/// The parts of a request the signature covers.
struct SignedParts<'a> {
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

/// `POST /oauth/request_token`.
pub(super) async fn request_token(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(fault) = enter(&shared, Endpoint::RequestToken).await {
        return fault;
    }
    let parts = SignedParts {
        method: &method,
        uri: &uri,
        headers: &headers,
        body: &body,
    };
    let call = match check_signed(&shared, Endpoint::RequestToken, &parts, TokenKind::None) {
        Ok(call) => call,
        Err(reason) => return reject(&shared, reason),
    };
    let callback = match call.oauth_param("oauth_callback").map(url::Url::parse) {
        Some(Ok(url)) if matches!(url.scheme(), "http" | "https") => url.to_string(),
        _ => {
            return reject(
                &shared,
                "oauth_callback missing or not an http(s) URL".into(),
            );
        }
    };
    let token = random_hex(16);
    let secret = random_hex(20);
    let confirmed = {
        let mut state = shared.lock();
        state.request_tokens.insert(
            token.clone(),
            RequestToken {
                secret: secret.clone(),
                callback,
                approval: None,
            },
        );
        state.callback_confirmed.clone()
    };
    let mut pairs = vec![
        ("oauth_token", token.as_str()),
        ("oauth_token_secret", &secret),
    ];
    if let Some(confirmed) = confirmed.as_deref() {
        pairs.push(("oauth_callback_confirmed", confirmed));
    }
    form_answer(&pairs)
}

/// `GET /oauth/authenticate` and `GET /oauth/authorize`: the consent page.
pub(super) async fn authorize_page(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    shared.endpoints.count(Endpoint::Authorize);
    let token = uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(name, _)| name == "oauth_token")
            .map(|(_, value)| value.into_owned())
    });
    let Some(token) = token else {
        return bad_request("oauth_token is required");
    };
    let screen_name = {
        let state = shared.lock();
        match state.request_tokens.get(&token) {
            Some(request) if request.approval.is_none() => state.user.screen_name.clone(),
            _ => return bad_request("this request token is unknown, spent or already decided"),
        }
    };
    let token = escape(&token);
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Mock Twitter — authorize \
         app</title></head><body><h1>Authorize app to use your account?</h1>\
         <p>Signed in as @{}</p>\
         <form method=\"post\" action=\"{DECISION_PATH}\">\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{token}\">\
         <button id=\"approve\" name=\"decision\" value=\"approve\">Authorize app</button>\
         <button id=\"deny\" name=\"decision\" value=\"deny\">Cancel</button>\
         </form></body></html>",
        escape(&screen_name)
    );
    let mut response = respond(StatusCode::OK, "text/html; charset=utf-8", page);
    response.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("script-src 'none'; object-src 'none'; base-uri 'none'"),
    );
    response
}

/// `POST /oauth/authorize/decision`: approve redirects with `oauth_token` and
/// `oauth_verifier`; deny forgets the token and redirects with `denied=<token>`.
pub(super) async fn decision(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let (Some(token), Some(decision)) = (field("oauth_token"), field("decision")) else {
        return bad_request("oauth_token and decision are required");
    };
    let mut state = shared.lock();
    let user = state.user.clone();
    let Some(request) = state
        .request_tokens
        .get_mut(token)
        .filter(|r| r.approval.is_none())
    else {
        return bad_request("this request token is unknown, spent or already decided");
    };
    let Ok(mut callback) = url::Url::parse(&request.callback) else {
        return bad_request("the callback is not a URL");
    };
    match decision {
        "approve" => {
            let verifier = random_hex(16);
            request.approval = Some((verifier.clone(), user));
            callback
                .query_pairs_mut()
                .append_pair("oauth_token", token)
                .append_pair("oauth_verifier", &verifier);
        }
        "deny" => {
            state.request_tokens.remove(token);
            callback.query_pairs_mut().append_pair("denied", token);
        }
        _ => return bad_request("decision must be approve or deny"),
    }
    found(&callback)
}

/// `POST /oauth/access_token`: exchanges an approved request token and its verifier, once.
pub(super) async fn access_token(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(fault) = enter(&shared, Endpoint::Token).await {
        return fault;
    }
    let parts = SignedParts {
        method: &method,
        uri: &uri,
        headers: &headers,
        body: &body,
    };
    let call = match check_signed(&shared, Endpoint::Token, &parts, TokenKind::Request) {
        Ok(call) => call,
        Err(reason) => return reject(&shared, reason),
    };
    let token = call.oauth_param("oauth_token").unwrap_or_default();
    let verifier = call
        .oauth_param("oauth_verifier")
        .or_else(|| {
            call.params
                .iter()
                .find(|(n, _)| n == "oauth_verifier")
                .map(|(_, v)| v.as_str())
        })
        .unwrap_or_default();
    let issued = {
        let mut state = shared.lock();
        // Single use: any signed attempt spends the request token, right or wrong.
        let request = state.request_tokens.remove(token);
        match request.and_then(|r| r.approval) {
            Some((expected, user)) if !verifier.is_empty() && expected == verifier => {
                let access = random_hex(20);
                let secret = random_hex(20);
                state.access_tokens.insert(
                    access.clone(),
                    AccessToken {
                        secret: secret.clone(),
                        user: user.clone(),
                    },
                );
                Ok((access, secret, user))
            }
            Some(_) => Err("oauth_verifier missing or wrong"),
            None => Err("the request token was not approved"),
        }
    };
    match issued {
        Ok((access, secret, user)) => form_answer(&[
            ("oauth_token", &access),
            ("oauth_token_secret", &secret),
            ("user_id", &user.id),
            ("screen_name", &user.screen_name),
        ]),
        Err(reason) => reject(&shared, reason.into()),
    }
}

/// `GET /1.1/account/verify_credentials.json`: the user object; `email` only with
/// `include_email=true`.
pub(super) async fn verify_credentials(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(fault) = enter(&shared, Endpoint::Profile).await {
        return fault;
    }
    let parts = SignedParts {
        method: &method,
        uri: &uri,
        headers: &headers,
        body: &[],
    };
    let call = match check_signed(&shared, Endpoint::Profile, &parts, TokenKind::Access) {
        Ok(call) => call,
        Err(reason) => return reject(&shared, reason),
    };
    let token = call.oauth_param("oauth_token").unwrap_or_default();
    let Some(user) = shared
        .lock()
        .access_tokens
        .get(token)
        .map(|t| t.user.clone())
    else {
        return reject(&shared, "unknown access token".into());
    };
    let include_email = call
        .params
        .iter()
        .any(|(n, v)| n == "include_email" && v == "true");
    let id_number: serde_json::Value = user
        .id
        .parse::<u64>()
        .map_or_else(|_| user.id.clone().into(), Into::into);
    let body = serde_json::json!({
        "id": id_number,
        "id_str": user.id,
        "name": user.name,
        "screen_name": user.screen_name,
        "profile_image_url_https": user.avatar_url,
        "email": if include_email { user.email.clone() } else { None },
    });
    respond(
        StatusCode::OK,
        "application/json; charset=utf-8",
        body.to_string(),
    )
}

/// Escapes text for HTML element content and double-quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
