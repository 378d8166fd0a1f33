//! The client scripts (`coauth.js` and the ES module `coauth.mjs`): content type, ETag
//! revalidation (`If-None-Match` -> 304), `HEAD`, `Cache-Control` and `nosniff`.

use bytes::Bytes;
use http::{Method, Request, header};

use super::Adapter;
use super::flow::fixture;
use crate::fixture::*;

/// Each script resource and what it serves.
const SCRIPTS: [(&str, &str); 2] = [
    ("/coauth.js", coauth_js::COAUTH_JS),
    ("/coauth.mjs", coauth_js::COAUTH_MJS),
];

fn get(path: &str) -> http::request::Builder {
    Request::get(format!("{BASE}{path}"))
}

pub(super) async fn served_with_etag_and_revalidation(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let mut etags = Vec::new();
    for (path, script) in SCRIPTS {
        etags.push(served_with_etag(&app, path, script).await);
    }
    assert_ne!(etags[0], etags[1], "each script has its own ETag");
}

/// Checks one script resource; returns its ETag.
async fn served_with_etag(app: &App, path: &str, script: &str) -> http::HeaderValue {
    let response = app.send(get(path).body(Bytes::new()).unwrap()).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.body().as_ref(), script.as_bytes(), "{path}");
    let headers = response.headers();
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let etag = headers[header::ETAG].clone();
    assert!(etag.to_str().unwrap().starts_with('"'));

    let cached = app
        .send(
            get(path)
                .header(header::IF_NONE_MATCH, etag.clone())
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(cached.status(), 304);
    assert!(cached.body().is_empty());
    assert_eq!(cached.headers()[header::ETAG], etag);

    let stale = app
        .send(
            get(path)
                .header(header::IF_NONE_MATCH, "\"other\"")
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(stale.status(), 200);

    let head = app
        .send(
            Request::head(format!("{BASE}{path}"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(head.status(), 200);
    assert!(head.body().is_empty());
    assert_eq!(
        head.headers()[header::CONTENT_LENGTH],
        script.len().to_string()
    );

    let post = app
        .send(
            Request::post(format!("{BASE}{path}"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_error(&post, 405, "ValidationError");
    assert_eq!(post.headers()[header::ALLOW], "GET, HEAD");
    etag
}

/// Every form of a matching `If-None-Match` gets the bodiless 304 with the validators and
/// caching headers of the 200 (a weak tag, a list, `*`, several headers, `HEAD`). The
/// matching tag comes first among several headers: an adapter keeping only the last one
/// loses it.
pub(super) async fn if_none_match_forms(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    for (path, script) in SCRIPTS {
        if_none_match_forms_of(&app, path, script).await;
    }
}

async fn if_none_match_forms_of(app: &App, path: &str, script: &str) {
    let fresh = app.call(Method::GET, path).await;
    let etag = header_text(&fresh, header::ETAG).to_owned();
    let weak = format!("W/{etag}");
    let list = format!("\"a\", {etag}, \"b\"");
    let forms: [(Method, &[&str]); 6] = [
        (Method::GET, &[&etag]),
        (Method::GET, &[&weak]),
        (Method::GET, &[&list]),
        (Method::GET, &["*"]),
        (Method::GET, &[&etag, "\"a\""]),
        (Method::HEAD, &[&etag]),
    ];
    for (method, values) in forms {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(format!("{BASE}{path}"));
        for value in values {
            request = request.header(header::IF_NONE_MATCH, *value);
        }
        let response = app.send(request.body(Bytes::new()).unwrap()).await;
        let what = format!("{method} {path} {values:?}");
        assert_eq!(response.status(), 304, "{what}");
        assert!(response.body().is_empty(), "{what}");
        assert_eq!(header_text(&response, header::ETAG), etag, "{what}");
        assert_eq!(
            header_text(&response, header::CACHE_CONTROL),
            "no-cache",
            "{what}"
        );
        assert_eq!(
            header_text(&response, header::X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{what}"
        );
    }
    let other = app
        .send(
            get(path)
                .header(header::IF_NONE_MATCH, "\"a\", W/\"b\"")
                .body(Bytes::new())
                .unwrap(),
        )
        .await;
    assert_eq!(other.status(), 200, "{path}");
    assert_eq!(other.body().as_ref(), script.as_bytes(), "{path}");
}
