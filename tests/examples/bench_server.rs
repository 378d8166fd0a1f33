//! The server of `scripts/bench-load` and `scripts/bench-browser`: the axum demo's coauth
//! resources, plus baselines in the same binary.
//!
//! - `POST /baseline` parses the same JSON request as `POST /coauth/auth_url` and answers a
//!   JSON body of the same size: a bare axum handler, for the load run.
//! - `GET /bench/coauth` is a page whose button signs in with coauth.js in a popup against
//!   the demo's auto-approving mock provider (`demo-auto`); `GET /bench/plain` is a page
//!   whose button makes the same navigations by hand, without coauth: a popup on the same
//!   stub page, sent to the same mock's authorization URL, whose redirect lands on
//!   `GET /bench/plain_result`, a page that hands the answer to the opener. Each page keeps
//!   the time from the click to its callback in `window.__elapsed`.
//!
//! Not a demo: it exists to measure coauth's overhead.
//!
//! ```text
//! cargo build --release -p coauth-tests --example bench_server
//! ```

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Html;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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
    let plain = plain_page(&plain_authorize_url(&creator, port).await?);
    let app = Router::new()
        .route("/bench/coauth", get(|| async { Html(COAUTH_PAGE) }))
        .route("/bench/plain", get(move || async move { Html(plain) }))
        .route(
            "/bench/plain_result",
            get(|| async { Html(PLAIN_RESULT_PAGE) }),
        )
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

/// The page that signs in with coauth.js: a click starts a popup sign-in against `demo-auto`.
const COAUTH_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>coauth</title></head>
<body><button id="go">Sign in</button>
<script src="/coauth/coauth.js"></script>
<script>
  var auth = new coauth.Auth('/coauth');
  document.getElementById('go').addEventListener('click', function () {
    var started = performance.now();
    window.__elapsed = null;
    auth.auth({
      providerType: 'demo-auto',
      authPageUrl: '/coauth/auth_page',
      resultPageUrl: location.origin + '/coauth/result_page',
    }, function (err, result) {
      window.__error = err ? err.code + ': ' + err.message : null;
      window.__elapsed = err ? -1 : performance.now() - started;
    });
  });
</script></body></html>"#;

/// The page that makes the same navigations without coauth; `AUTHORIZE_URL` is replaced by
/// the mock's authorization URL, whose `state` each click replaces.
const PLAIN_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>plain</title></head>
<body><button id="go">Sign in</button>
<script>
  var authorize = AUTHORIZE_URL;
  var started = 0;
  var state = '';
  window.addEventListener('message', function (event) {
    if (event.origin !== location.origin || event.data !== state) return;
    window.__elapsed = performance.now() - started;
  });
  document.getElementById('go').addEventListener('click', function () {
    started = performance.now();
    window.__elapsed = null;
    state = String(Math.random()).slice(2);
    var popup = window.open('/coauth/auth_page', 'plain', 'width=500,height=600');
    popup.location.href = authorize.replace('STATE', state);
  });
</script></body></html>"#;

/// Where the mock's redirect lands in the plain flow: hands the `state` to the opener.
const PLAIN_RESULT_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>plain result</title></head>
<body><script>
  var params = new URLSearchParams(location.search);
  if (params.get('code')) opener.postMessage(params.get('state'), location.origin);
  window.close();
</script></body></html>"#;

fn plain_page(authorize_url: &str) -> String {
    let quoted = serde_json::to_string(authorize_url).unwrap_or_default();
    PLAIN_PAGE.replace("AUTHORIZE_URL", &quoted)
}

/// `demo-auto`'s authorization URL as coauth builds it, sending the answer to
/// `/bench/plain_result` instead, with `STATE` in place of the state.
async fn plain_authorize_url(
    creator: &ResourceCreator,
    port: u16,
) -> Result<String, Box<dyn std::error::Error>> {
    let origin = format!("http://127.0.0.1:{port}");
    let request = http::Request::post("/auth_url")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, &origin)
        .body(Bytes::from(format!(
            r#"{{"providerType":"demo-auto","redirectUri":"{origin}/coauth/result_page"}}"#
        )))?;
    let answer = creator.create_auth_url_resource().handle(request).await;
    let json: serde_json::Value = serde_json::from_slice(answer.body())?;
    let mut url = url::Url::parse(json["url"].as_str().ok_or("no url in the answer")?)?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| match name.as_ref() {
            "redirect_uri" => (name.into_owned(), format!("{origin}/bench/plain_result")),
            "state" => (name.into_owned(), "STATE".to_owned()),
            _ => (name.into_owned(), value.into_owned()),
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    Ok(url.into())
}
