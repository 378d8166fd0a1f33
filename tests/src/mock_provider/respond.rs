//! Small response builders shared by the handlers.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, PRAGMA};
use http::{HeaderValue, StatusCode};

pub(super) const JSON: &str = "application/json; charset=utf-8";
pub(super) const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
pub(super) const TEXT: &str = "text/plain; charset=utf-8";
pub(super) const HTML: &str = "text/html; charset=utf-8";

/// A response with the given status, content type and body, never cached.
pub(super) fn with_body(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    (
        status,
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (PRAGMA, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

pub(super) fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    with_body(status, JSON, Body::from(value.to_string()))
}

pub(super) fn text(status: StatusCode, message: impl Into<String>) -> Response {
    with_body(status, TEXT, Body::from(message.into()))
}

/// `400` with a plain-text explanation, what a provider shows when it cannot redirect.
pub(super) fn bad_request(message: impl Into<String>) -> Response {
    text(StatusCode::BAD_REQUEST, message)
}

/// `302 Found` to `location`.
pub(super) fn found(location: &url::Url) -> Response {
    match HeaderValue::from_str(location.as_str()) {
        Ok(value) => (
            StatusCode::FOUND,
            [
                (LOCATION, value),
                (CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        // A serialized Url is printable ASCII, so this is unreachable in practice.
        Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "redirect target is not a valid header value",
        ),
    }
}
