//! The token endpoint: client authentication, code redemption with PKCE, token issue.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::params::{self, Params, form_decode, is_pkce_value};
use super::respond;
use super::state::{Shared, random_token};
use super::{ClientAuth, MockUser, Mode, RecordedRequest};
use crate::mock::{self, Endpoint};

/// The largest token request body read; a bigger one is answered `invalid_request`.
const MAX_BODY: usize = 64 * 1024;

/// `POST /token` (Generic) or `POST /login/oauth/access_token` (GitHub).
pub(super) async fn token(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.endpoints.count(Endpoint::Token);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY).await;
    shared.lock().last_token_request = Some(RecordedRequest {
        headers: parts.headers.clone(),
        form: body.as_ref().map(|b| params::pairs(b)).unwrap_or_default(),
    });
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Token)).await {
        return answer;
    }
    let outcome = match body {
        Ok(body) => redeem(&shared, &parts.headers, &body),
        Err(_) => Err(TokenError::new(
            Kind::InvalidRequest,
            "request body unreadable or larger than 64 KiB",
        )),
    };
    let mode = shared.settings.mode;
    match outcome {
        Ok(issued) => success(mode, &parts.headers, &issued),
        Err(error) => failure(mode, &parts.headers, &error),
    }
}

/// Tokens issued for a redeemed code.
struct Issued {
    access_token: String,
    refresh_token: String,
    scope: Option<String>,
    user: MockUser,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    /// The redirect_uri differs from the authorization request's (GitHub names it).
    RedirectMismatch,
    UnsupportedGrantType,
}

struct TokenError {
    kind: Kind,
    description: String,
}

impl TokenError {
    fn new(kind: Kind, description: impl Into<String>) -> TokenError {
        TokenError {
            kind,
            description: description.into(),
        }
    }
}

fn redeem(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Issued, TokenError> {
    let settings = &shared.settings;
    let github = settings.is_github();
    if !is_form(headers) {
        return Err(TokenError::new(
            Kind::InvalidRequest,
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let params =
        Params::parse(body).map_err(|message| TokenError::new(Kind::InvalidRequest, message))?;
    let client_id = authenticate(shared, headers, &params)?;
    // GitHub does not require grant_type; a strict provider does.
    match params.get("grant_type") {
        Some("authorization_code") => {}
        None if github => {}
        None => {
            return Err(TokenError::new(
                Kind::InvalidRequest,
                "grant_type is required",
            ));
        }
        Some(other) => {
            return Err(TokenError::new(
                Kind::UnsupportedGrantType,
                format!("unsupported grant_type {other:?}: only authorization_code"),
            ));
        }
    }
    let code = params
        .get("code")
        .ok_or_else(|| TokenError::new(Kind::InvalidRequest, "code is required"))?;
    if let Mode::Preset(preset) = settings.mode {
        preset
            .check_token_request(code, &params)
            .map_err(|message| TokenError::new(Kind::InvalidGrant, message))?;
    }
    // Removed before any further check: a code is consumed by its first redemption attempt.
    let grant = shared
        .lock()
        .codes
        .remove(code)
        .ok_or_else(|| TokenError::new(Kind::InvalidGrant, "unknown or already used code"))?;
    if grant.expires_at <= Instant::now() {
        return Err(TokenError::new(Kind::InvalidGrant, "code expired"));
    }
    if grant.client_id != client_id {
        return Err(TokenError::new(
            Kind::InvalidGrant,
            "code was issued to another client",
        ));
    }
    match params.get("redirect_uri") {
        Some(uri) if uri == grant.redirect_uri => {}
        Some(_) => {
            return Err(TokenError::new(
                Kind::RedirectMismatch,
                "redirect_uri differs from the authorization request's",
            ));
        }
        // GitHub makes it optional at the token endpoint.
        None if github => {}
        None => {
            return Err(TokenError::new(
                Kind::InvalidRequest,
                "redirect_uri is required",
            ));
        }
    }
    match (&grant.code_challenge, params.get("code_verifier")) {
        (None, None) => {}
        (Some(_), None) => {
            return Err(TokenError::new(
                Kind::InvalidGrant,
                "code_verifier is required: a code_challenge was sent at authorize",
            ));
        }
        // RFC 9700 §2.1.1: a verifier for a code without a challenge is a downgrade sign.
        (None, Some(_)) => {
            return Err(TokenError::new(
                Kind::InvalidGrant,
                "code_verifier sent but no code_challenge was sent at authorize",
            ));
        }
        (Some(challenge), Some(verifier)) => {
            if !is_pkce_value(verifier) {
                return Err(TokenError::new(
                    Kind::InvalidGrant,
                    "code_verifier must be 43 to 128 unreserved characters",
                ));
            }
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if &computed != challenge {
                return Err(TokenError::new(
                    Kind::InvalidGrant,
                    "PKCE verification failed: code_verifier does not match code_challenge",
                ));
            }
        }
    }
    let issued = Issued {
        access_token: random_token(),
        refresh_token: random_token(),
        scope: grant.scope,
        user: grant.user.clone(),
    };
    shared
        .lock()
        .access_tokens
        .insert(issued.access_token.clone(), grant.user);
    Ok(issued)
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

/// Checks the client's credentials per [`ClientAuth`] and returns the authenticated
/// client_id.
fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    params: &Params,
) -> Result<String, TokenError> {
    let settings = &shared.settings;
    let invalid = |message: &str| TokenError::new(Kind::InvalidClient, message);
    let basic = match headers.get(AUTHORIZATION) {
        None => None,
        Some(value) => Some(parse_basic(value).ok_or_else(|| {
            invalid(
                "Authorization must be Basic base64(urlencode(client_id):urlencode(client_secret))",
            )
        })?),
    };
    let (id, secret) = match (basic, params.get("client_secret")) {
        (Some(_), Some(_)) => {
            return Err(TokenError::new(
                Kind::InvalidRequest,
                "more than one client authentication method (Basic and client_secret)",
            ));
        }
        (None, None) if settings.client_auth == ClientAuth::Public => {
            let id = params
                .get("client_id")
                .ok_or_else(|| invalid("client_id is required"))?;
            if id != settings.client_id {
                return Err(invalid("unknown client"));
            }
            return Ok(id.to_owned());
        }
        _ if settings.client_auth == ClientAuth::Public => {
            return Err(invalid("a public client has no secret to send"));
        }
        (Some((id, _)), None)
            if settings.client_auth == ClientAuth::BasicWithClientId
                && params.get("client_id") != Some(id.as_str()) =>
        {
            return Err(invalid(
                "client_id is required in the form as well as in HTTP Basic",
            ));
        }
        (Some(_), None) if settings.client_auth == ClientAuth::Post => {
            return Err(invalid(
                "HTTP Basic is not accepted: send client_id and client_secret as form fields",
            ));
        }
        (Some((id, secret)), None) => {
            if params.get("client_id").is_some_and(|form_id| form_id != id) {
                return Err(invalid("client_id in the form differs from the Basic user"));
            }
            (id, secret)
        }
        (None, Some(_))
            if matches!(
                settings.client_auth,
                ClientAuth::Basic | ClientAuth::BasicWithClientId
            ) =>
        {
            return Err(invalid(
                "client_secret in the form is not accepted: use HTTP Basic",
            ));
        }
        (None, Some(secret)) => {
            let id = params
                .get("client_id")
                .ok_or_else(|| invalid("client_id is required with client_secret"))?;
            (id.to_owned(), secret.to_owned())
        }
        (None, None) => return Err(invalid("client authentication is required")),
    };
    if id != settings.client_id || secret != settings.client_secret {
        return Err(invalid("unknown client or wrong secret"));
    }
    Ok(id)
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))`, RFC 6749 §2.3.1.
fn parse_basic(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?;
    let (scheme, credentials) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(credentials.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// GitHub answers JSON only when asked for it, and only in the `form_token: false` variant.
fn github_json(form_token: bool, headers: &HeaderMap) -> bool {
    !form_token
        && headers.get_all(ACCEPT).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.to_ascii_lowercase().contains("application/json"))
        })
}

fn success(mode: Mode, headers: &HeaderMap, issued: &Issued) -> Response {
    match mode {
        Mode::Preset(preset) => preset.token_answer(&super::presets::Issued {
            access_token: &issued.access_token,
            refresh_token: &issued.refresh_token,
            scope: issued.scope.as_deref(),
            user: &issued.user,
        }),
        Mode::Generic => {
            let mut body = json!({
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": issued.refresh_token,
            });
            if let Some(scope) = &issued.scope {
                body["scope"] = json!(scope);
            }
            respond::json(StatusCode::OK, &body)
        }
        Mode::GitHub { form_token } => {
            let scope = issued.scope.as_deref().unwrap_or("");
            if github_json(form_token, headers) {
                respond::json(
                    StatusCode::OK,
                    &json!({
                        "access_token": issued.access_token,
                        "token_type": "bearer",
                        "scope": scope,
                    }),
                )
            } else {
                form(&[
                    ("access_token", &issued.access_token),
                    ("scope", scope),
                    ("token_type", "bearer"),
                ])
            }
        }
    }
}

/// The RFC 6749 §5.2 error code and status for a refusal.
fn standard_error(kind: Kind) -> (&'static str, StatusCode) {
    match kind {
        Kind::InvalidRequest => ("invalid_request", StatusCode::BAD_REQUEST),
        Kind::InvalidClient => ("invalid_client", StatusCode::UNAUTHORIZED),
        Kind::InvalidGrant | Kind::RedirectMismatch => ("invalid_grant", StatusCode::BAD_REQUEST),
        Kind::UnsupportedGrantType => ("unsupported_grant_type", StatusCode::BAD_REQUEST),
    }
}

fn failure(mode: Mode, headers: &HeaderMap, error: &TokenError) -> Response {
    match mode {
        Mode::Preset(preset) => {
            let (code, status) = standard_error(error.kind);
            preset.token_error(code, status, &error.description)
        }
        Mode::Generic => {
            let (code, status) = standard_error(error.kind);
            let mut answer = respond::json(
                status,
                &json!({ "error": code, "error_description": error.description }),
            );
            if error.kind == Kind::InvalidClient {
                answer.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Basic realm="mock provider""#),
                );
            }
            answer
        }
        // GitHub's quirk: every error is HTTP 200, with GitHub's own codes and texts.
        Mode::GitHub { form_token } => {
            let (code, description, anchor) = match error.kind {
                Kind::InvalidClient => (
                    "incorrect_client_credentials",
                    "The client_id and/or client_secret passed are incorrect.",
                    "incorrect-client-credentials",
                ),
                Kind::RedirectMismatch => (
                    "redirect_uri_mismatch",
                    "The redirect_uri MUST match the registered callback URL for this application.",
                    "redirect-uri-mismatch2",
                ),
                Kind::InvalidRequest | Kind::InvalidGrant | Kind::UnsupportedGrantType => (
                    "bad_verification_code",
                    "The code passed is incorrect or expired.",
                    "bad-verification-code",
                ),
            };
            let uri = format!(
                "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#{anchor}"
            );
            if github_json(form_token, headers) {
                respond::json(
                    StatusCode::OK,
                    &json!({ "error": code, "error_description": description, "error_uri": uri }),
                )
            } else {
                form(&[
                    ("error", code),
                    ("error_description", description),
                    ("error_uri", &uri),
                ])
            }
        }
    }
}

fn form(pairs: &[(&str, &str)]) -> Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    respond::with_body(StatusCode::OK, respond::FORM, Body::from(body))
}
