//! The load-run server of `scripts/bench-load`: the axum demo's coauth resources, plus a
//! baseline an app could not serve faster, in the same binary: `POST /baseline` parses the
//! same JSON request as `POST /coauth/auth_url` and answers a JSON body of the same size.
//! Not a demo: it exists to measure coauth's overhead against a bare axum handler.
//!
//! ```text
//! cargo build --release -p coauth-tests --example bench_server
//! ```

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use coauth_core::ResourceCreator;
use coauth_tests::demo;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", demo::port_from_env()?)).await?;
    let port = listener.local_addr()?.port();
    let demo = demo::demo(port).await?;
    let creator = ResourceCreator::new(demo.coauth);
    // The size of a real auth_url answer, for the baseline to answer as much.
    let (url_len, flow_len) = sample_answer(&creator, port).await?;
    let app = Router::new()
        .route(
            "/baseline",
            post(move |headers: HeaderMap, body: Bytes| async move {
                baseline(&headers, &body, url_len, flow_len)
            }),
        )
        .nest("/coauth", coauth_axum::router(&creator));
    println!("coauth bench server listening on http://127.0.0.1:{port}");
    axum::serve(listener, app).await?;
    Ok(())
}

/// What a bare handler of the same request does: check the media type, parse the JSON,
/// answer `{"url": ..., "flow": ...}` of a real answer's length.
fn baseline(headers: &HeaderMap, body: &[u8], url_len: usize, flow_len: usize) -> Response {
    let json = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    let request: Result<serde_json::Value, _> = serde_json::from_slice(body);
    match (json, request) {
        (true, Ok(request)) if request.get("providerType").is_some() => {
            let answer = serde_json::json!({
                "url": "u".repeat(url_len),
                "flow": "f".repeat(flow_len),
            });
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                serde_json::to_vec(&answer).unwrap_or_default(),
            )
                .into_response()
        }
        _ => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The lengths of the `url` and `flow` of one real `auth_url` answer.
async fn sample_answer(
    creator: &ResourceCreator,
    port: u16,
) -> Result<(usize, usize), Box<dyn std::error::Error>> {
    let origin = format!("http://127.0.0.1:{port}");
    let request = http::Request::post("/auth_url")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, &origin)
        .body(Bytes::from(format!(
            r#"{{"providerType":"demo","redirectUri":"{origin}/coauth/result_page"}}"#
        )))?;
    let answer = creator.create_auth_url_resource().handle(request).await;
    let json: serde_json::Value = serde_json::from_slice(answer.body())?;
    let text = |name: &str| json[name].as_str().map_or(0, str::len);
    Ok((text("url"), text("flow")))
}
