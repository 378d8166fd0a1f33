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
//! - `GET /bench/minimum` is the plain page doing by hand the least that a client of
//!   coauth's protocol without the early answer must add to those navigations: one JSON
//!   round trip to the server (`POST /baseline`, as `auth_url`) before the popup leaves the
//!   stub page, a result page (`GET /bench/minimum_result`) that loads coauth.js (without
//!   running it) before handing the answer over, and one more JSON round trip (as `result`)
//!   after it. The early answer takes that last round trip off the path (its waiting
//!   request is answered as the redirect lands), so coauth comes in under it.
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
    let plain = plain_page(
        &plain_authorize_url(&creator, port, "/bench/plain_result").await?,
        false,
    );
    let minimum = plain_page(
        &plain_authorize_url(&creator, port, "/bench/minimum_result").await?,
        true,
    );
    let plain_result = PLAIN_RESULT_PAGE.replace("SCRIPT", "");
    let minimum_result = minimum_result_page(&creator).await?;
    let app = Router::new()
        .route("/bench/coauth", get(|| async { Html(COAUTH_PAGE) }))
        .route("/bench/plain", get(move || async move { Html(plain) }))
        .route(
            "/bench/plain_result",
            get(move || async move { Html(plain_result) }),
        )
        .route("/bench/minimum", get(move || async move { Html(minimum) }))
        .route(
            "/bench/minimum_result",
            get(move || async move { Html(minimum_result) }),
        )
        .route(
            "/baseline",
            post(move |headers: HeaderMap, body: Bytes| async move {
                baseline(&headers, &body, url_len, flow_len)
            }),
        )
        .merge(coauth_axum::router_at("/coauth", &creator));
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

/// The page that signs in with coauth.js: a click starts a popup sign-in against `demo-auto`,
/// with the built-in stub page or the `authPageUrl` of the page's query.
const COAUTH_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>coauth</title></head>
<body><button id="go">Sign in</button>
<script src="/coauth/coauth.js"></script>
<script>
  var auth = new coauth.Auth('/coauth');
  var query = new URLSearchParams(location.search);
  var options = {
    providerType: 'demo-auto',
    authPageUrl: query.get('authPageUrl') || '/coauth/auth_page',
    resultPageUrl: location.origin + '/coauth/result_page',
  };
  // ?prepare: the flow is asked for ahead of each click, as a page does when the pointer
  // comes over its sign-in button; the click waits until it is ready.
  var prepare = function () {
    window.__ready = false;
    auth.prepare(options).then(function () { window.__ready = true; });
  };
  if (query.has('prepare')) prepare(); else window.__ready = true;
  document.getElementById('go').addEventListener('click', function () {
    var started = performance.now();
    window.__elapsed = null;
    auth.auth(options, function (err, result) {
      window.__error = err ? err.code + ': ' + err.message : null;
      window.__elapsed = err ? -1 : performance.now() - started;
      if (query.has('prepare')) prepare();
    });
  });
</script></body></html>"#;

/// The page that makes the same navigations without coauth; `AUTHORIZE_URL` is replaced by
/// the mock's authorization URL, whose `state` each click replaces. With `ROUND_TRIPS` true
/// (the minimum page), a JSON round trip precedes the popup's navigation and follows the
/// answer.
const PLAIN_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>plain</title></head>
<body><button id="go">Sign in</button>
<script>
  var authorize = AUTHORIZE_URL;
  var roundTrips = ROUND_TRIPS;
  var started = 0;
  var state = '';
  var roundTrip = function () {
    return fetch('/baseline', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ providerType: 'demo-auto', redirectUri: location.origin + '/bench/minimum_result' })
    }).then(function (response) { return response.json(); });
  };
  var done = function () { window.__elapsed = performance.now() - started; };
  window.addEventListener('message', function (event) {
    if (event.origin !== location.origin || event.data !== state) return;
    if (roundTrips) roundTrip().then(done); else done();
  });
  document.getElementById('go').addEventListener('click', function () {
    started = performance.now();
    window.__elapsed = null;
    state = String(Math.random()).slice(2);
    var popup = window.open('/coauth/auth_page', 'plain', 'width=500,height=600');
    var go = function () { popup.location.replace(authorize.replace('STATE', state)); };
    if (roundTrips) roundTrip().then(go); else go();
  });
</script></body></html>"#;

/// Where the mock's redirect lands in the plain flow: hands the `state` to the opener.
/// `SCRIPT` is replaced by the minimum page's script element (or nothing).
const PLAIN_RESULT_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>plain result</title></head>
<body>SCRIPT<script>
  var params = new URLSearchParams(location.search);
  if (params.get('code')) opener.postMessage(params.get('state'), location.origin);
  window.close();
</script></body></html>"#;

fn plain_page(authorize_url: &str, round_trips: bool) -> String {
    let quoted = serde_json::to_string(authorize_url).unwrap_or_default();
    PLAIN_PAGE
        .replace("AUTHORIZE_URL", &quoted)
        .replace("ROUND_TRIPS", if round_trips { "true" } else { "false" })
}

/// The minimum page's result page: the plain result page, loading coauth.js first from the
/// very URL coauth's own result page loads it from (so from the same cache entry), without
/// giving it a page role.
async fn minimum_result_page(
    creator: &ResourceCreator,
) -> Result<String, Box<dyn std::error::Error>> {
    let page = creator
        .create_result_page_resource()
        .handle(http::Request::get("/result_page").body(Bytes::new())?)
        .await;
    let html = String::from_utf8(page.body().to_vec())?;
    let src = html
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("coauth's result page loads no script")?;
    Ok(PLAIN_RESULT_PAGE.replace(
        "SCRIPT",
        &format!(r#"<script src="/coauth/{src}"></script>"#),
    ))
}

/// `demo-auto`'s authorization URL as coauth builds it, sending the answer to `result_path`
/// instead, with `STATE` in place of the state.
async fn plain_authorize_url(
    creator: &ResourceCreator,
    port: u16,
    result_path: &str,
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
            "redirect_uri" => (name.into_owned(), format!("{origin}{result_path}")),
            "state" => (name.into_owned(), "STATE".to_owned()),
            _ => (name.into_owned(), value.into_owned()),
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    Ok(url.into())
}
