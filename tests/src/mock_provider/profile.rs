//! The profile endpoints: `/userinfo` (Generic), `/user` and `/user/emails` (GitHub).

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use http::header::{AUTHORIZATION, USER_AGENT, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{Value, json};

use super::state::Shared;
use super::{MockUser, respond};
use crate::mock::{self, Endpoint};

/// `GET /userinfo` (Generic): OpenID Connect standard claims.
pub(super) async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let user = match authorize(&shared, &headers).await {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    let mut body = json!({
        "sub": user.id,
        "preferred_username": user.login,
        "email_verified": user.email_verified,
        "picture": user.avatar_url,
        "profile": user.profile_url,
    });
    if !user.name.is_empty() {
        body["name"] = json!(user.name);
    }
    if let Some(email) = &user.email {
        body["email"] = json!(email);
    }
    respond::json(StatusCode::OK, &body)
}

/// `GET /user` (GitHub). The email is always `null`, as for a user whose email is private:
/// clients must fall back to `/user/emails`.
pub(super) async fn github_user(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let user = match authorize(&shared, &headers).await {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    let id = match user.id.parse::<u64>() {
        Ok(number) => json!(number),
        Err(_) => json!(user.id),
    };
    let name = if user.name.is_empty() {
        Value::Null
    } else {
        json!(user.name)
    };
    respond::json(
        StatusCode::OK,
        &json!({
            "login": user.login,
            "id": id,
            "type": "User",
            "name": name,
            "email": null,
            "avatar_url": user.avatar_url,
            "html_url": user.profile_url,
        }),
    )
}

/// `GET /user/emails` (GitHub): a verified no-reply address, then the primary email.
pub(super) async fn github_emails(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Response {
    let user = match authorize(&shared, &headers).await {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    let mut emails = vec![json!({
        "email": format!("noreply-{}@users.example.test", user.login),
        "primary": false,
        "verified": true,
        "visibility": null,
    })];
    if let Some(email) = &user.email {
        emails.push(json!({
            "email": email,
            "primary": true,
            "verified": user.email_verified,
            "visibility": "private",
        }));
    }
    respond::json(StatusCode::OK, &Value::Array(emails))
}

/// Counts the call, applies the fault, then checks (GitHub) the User-Agent and the access
/// token; returns the token's user or the answer to send instead.
async fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<MockUser, Response> {
    shared.endpoints.count(Endpoint::Profile);
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Profile)).await {
        return Err(answer);
    }
    let github = shared.settings.is_github();
    let has_user_agent = headers
        .get(USER_AGENT)
        .is_some_and(|v| !v.as_bytes().iter().all(u8::is_ascii_whitespace));
    if github && !has_user_agent {
        return Err(respond::json(
            StatusCode::FORBIDDEN,
            &json!({
                "message": "Request forbidden by administrative rules. Please make sure your request has a User-Agent header",
            }),
        ));
    }
    let user = access_token(headers, github)
        .and_then(|token| shared.lock().access_tokens.get(token).cloned());
    user.ok_or_else(|| unauthorized(github))
}

/// The token from `Authorization: Bearer <token>` (or GitHub's `token <token>`).
fn access_token(headers: &HeaderMap, github: bool) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let accepted =
        scheme.eq_ignore_ascii_case("bearer") || (github && scheme.eq_ignore_ascii_case("token"));
    let token = token.trim();
    (accepted && !token.is_empty()).then_some(token)
}

fn unauthorized(github: bool) -> Response {
    if github {
        return respond::json(
            StatusCode::UNAUTHORIZED,
            &json!({
                "message": "Bad credentials",
                "documentation_url": "https://docs.github.com/rest",
                "status": "401",
            }),
        );
    }
    let mut answer = respond::json(
        StatusCode::UNAUTHORIZED,
        &json!({
            "error": "invalid_token",
            "error_description": "missing, unknown or malformed access token",
        }),
    );
    answer.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static(r#"Bearer error="invalid_token""#),
    );
    answer
}
