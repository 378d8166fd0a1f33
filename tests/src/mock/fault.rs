//! The answers of injected faults, the same at every mock unless it imitates a provider
//! that fails otherwise.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use http::{HeaderValue, StatusCode};

use super::Fault;

const JSON: &str = "application/json; charset=utf-8";

/// Applies `fault`: `Some(answer)` replaces the normal answer, `None` means answer normally
/// (after sleeping, for [`Fault::Slow`]).
pub(crate) async fn apply(fault: Fault) -> Option<Response> {
    match fault {
        Fault::None => None,
        Fault::Slow(delay) => {
            tokio::time::sleep(delay).await;
            None
        }
        Fault::ServerError => Some(with_body(
            StatusCode::BAD_GATEWAY,
            "text/plain",
            Body::from("Bad Gateway"),
        )),
        Fault::Malformed => Some(with_body(
            StatusCode::OK,
            JSON,
            Body::from(r#"{"access_token": "#),
        )),
        Fault::Oversize(len) => Some(with_body(StatusCode::OK, JSON, oversize_body(len))),
        Fault::ErrorWith200 => Some(with_body(
            StatusCode::OK,
            JSON,
            Body::from(
                serde_json::json!({
                    "error": "server_error",
                    "error_description": "Temporary failure",
                })
                .to_string(),
            ),
        )),
        Fault::Reset => Some(with_body(StatusCode::OK, JSON, dropped_body())),
    }
}

/// A response with the given status, content type and body, never cached.
fn with_body(status: StatusCode, content_type: &'static str, body: Body) -> Response {
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

/// A body whose first read fails: hyper then drops the connection before writing even the
/// status line, so the client gets no answer at all (and a reset, see [`Fault::Reset`]).
fn dropped_body() -> Body {
    let failed = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset");
    Body::from_stream(futures_util::stream::iter([Err::<Bytes, _>(failed)]))
}

const CHUNK_LEN: usize = 16 * 1024;
static A_CHUNK: [u8; CHUNK_LEN] = [b'a'; CHUNK_LEN];

/// Exactly `len` bytes, `"aaa…a"` (a JSON string) when `len >= 2`, produced lazily in chunks
/// so a huge size costs no memory and the client cannot rely on a Content-Length.
fn oversize_body(len: usize) -> Body {
    let (open, inner, close): (&'static [u8], usize, &'static [u8]) = if len >= 2 {
        (b"\"", len - 2, b"\"")
    } else {
        (b"", len, b"")
    };
    let chunks = (0..inner.div_ceil(CHUNK_LEN)).map(move |i| {
        let size = CHUNK_LEN.min(inner - i * CHUNK_LEN);
        Bytes::from_static(&A_CHUNK[..size])
    });
    let all = std::iter::once(Bytes::from_static(open))
        .chain(chunks)
        .chain(std::iter::once(Bytes::from_static(close)))
        .filter(|chunk| !chunk.is_empty())
        .map(Ok::<_, Infallible>);
    Body::from_stream(futures_util::stream::iter(all))
}
