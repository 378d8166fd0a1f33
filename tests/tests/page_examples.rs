//! `page_examples/` holds the auth and result pages for apps that host their own: they must
//! be the pages coauth serves at `{base}/auth_page` and `{base}/result_page`, byte for byte,
//! except for what a page hosted apart from the resources needs:
//!
//! - a comment after the doctype that tells the app how to host the page;
//! - the script loaded by its absolute URL with the resources under `/coauth`
//!   (`/coauth/coauth.js`), where the served page loads `coauth.js` next to itself, which
//!   the browser resolves to that same URL;
//! - in the result page, the `<!--coauth-params-->` placeholder that a server fills with a
//!   `form_post` answer, as coauth fills it for a POST and empties it for a GET;
//! - the served pages name the script with its version (`coauth.js?v=...`, which coauth
//!   serves as immutable); an example, which outlives a coauth release, names it without
//!   one and gets the revalidated script.
//!
//! The served pages carry no per-request value (no nonce, no token), so nothing else is set
//! aside: any other difference fails, and the fix is to copy the change the served page
//! made into the example.

use std::path::PathBuf;

use bytes::Bytes;
use coauth_tests::fixture::*;
use coauth_tests::mock::MockIdp;
use coauth_tests::mock_provider::{MockConfig, MockProvider};
use http::{Method, Request, header};

/// The result page's placeholder for a `form_post` answer.
const PLACEHOLDER: &str = "<!--coauth-params-->";

/// The example `name` in `page_examples/`.
fn example(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../page_examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An app with the resources under [`BASE`], reached in process.
async fn app() -> App {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .build()
        .expect("a valid configuration");
    App::axum(coauth, Transport::InProcess).await
}

/// The body of a page the app serves, after checking that it is a page and that a second
/// request gets the same bytes (nothing in it changes per request).
async fn served(app: &App, request: impl Fn() -> Request<Bytes>) -> String {
    let first = app.send(request()).await;
    assert_eq!(first.status(), 200, "{:?}", first.body());
    assert_eq!(
        header_text(&first, header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let second = app.send(request()).await;
    assert_eq!(first.body(), second.body(), "the page changes per request");
    String::from_utf8(first.body().to_vec()).expect("the page is UTF-8")
}

/// `GET {BASE}{path}`.
async fn get(app: &App, path: &str) -> String {
    served(app, || {
        Request::get(format!("{BASE}{path}"))
            .body(Bytes::new())
            .expect("a valid request")
    })
    .await
}

/// `example` as the app serves it: without the hosting comment after the doctype, loading
/// the script as the served page at `{BASE}{path}` does.
fn as_served(example: &str, path: &str) -> String {
    let (doctype, rest) = example
        .split_once('\n')
        .expect("the example has more than one line");
    assert_eq!(
        doctype, "<!doctype html>",
        "the example starts with the doctype"
    );
    let rest = rest
        .strip_prefix("<!--")
        .expect("the example explains its hosting in a comment after the doctype");
    let (_, rest) = rest
        .split_once("-->\n")
        .expect("the hosting comment ends on a line of its own");
    // The served page names the script relative to itself; the example names the URL the
    // browser resolves that to.
    let page = url::Url::parse(&format!("{ORIGIN}{BASE}{path}")).expect("a valid URL");
    let script = page.join("coauth.js").expect("a valid URL");
    let absolute = format!(r#"<script src="{}""#, script.path());
    assert_eq!(
        rest.matches(&absolute).count(),
        1,
        "the example loads {} once",
        script.path()
    );
    format!(
        "{doctype}\n{}",
        rest.replace(&absolute, r#"<script src="coauth.js""#)
    )
}

/// `page` as served, with its `src="coauth.js?v=<version>"` as `src="coauth.js"`.
fn unversioned(page: &str) -> String {
    let Some((before, after)) = page.split_once(r#"src="coauth.js?v="#) else {
        panic!("the served page names no versioned coauth.js:\n{page}");
    };
    let (version, rest) = after.split_once('"').expect("the attribute ends");
    assert!(!version.is_empty());
    format!(r#"{before}src="coauth.js"{rest}"#)
}

/// Asserts `actual == expected`, naming the first line that differs.
fn assert_same(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let line = actual
        .lines()
        .zip(expected.lines())
        .position(|(a, e)| a != e)
        .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
    panic!(
        "{what} differs from the served page at line {}:\n--- example, as served ---\n\
         {actual}\n--- served ---\n{expected}",
        line + 1
    );
}

#[tokio::test]
async fn the_auth_page_example_is_the_served_auth_page() {
    let app = app().await;
    let served = unversioned(&get(&app, "/auth_page").await);
    let example = as_served(&example("auth_page.html"), "/auth_page");
    assert_same(&example, &served, "page_examples/auth_page.html");
}

#[tokio::test]
async fn the_result_page_example_is_the_served_result_page() {
    let app = app().await;
    let example = as_served(&example("result_page.html"), "/result_page");
    assert_eq!(
        example.matches(PLACEHOLDER).count(),
        1,
        "the example keeps the placeholder for form_post answers"
    );

    // A GET redirect: the placeholder is emptied.
    let redirected = unversioned(&get(&app, "/result_page?code=c&state=s").await);
    assert_same(
        &example.replace(PLACEHOLDER, ""),
        &redirected,
        "page_examples/result_page.html",
    );

    // A form_post answer: the placeholder is filled with the parameters as JSON.
    let posted = served(&app, || {
        Request::builder()
            .method(Method::POST)
            .uri(format!("{BASE}/result_page"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Bytes::from_static(b"code=c&state=s"))
            .expect("a valid request")
    })
    .await;
    assert_same(
        &example.replace(PLACEHOLDER, r#"{"code":"c","state":"s"}"#),
        &unversioned(&posted),
        "page_examples/result_page.html with a form_post answer",
    );
}
