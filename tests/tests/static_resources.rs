//! The client script and the stub pages: caching, content types and protective headers.

mod support;

use bytes::Bytes;
use coauth_tests::mock_provider::{MockConfig, MockProvider};
use http::{Request, header};
use support::*;

async fn app(transport: Transport) -> App {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    App::new(
        builder(&mock, &config, &TestClock::starting_now())
            .build()
            .unwrap(),
        transport,
    )
    .await
}

fn get(path: &str) -> http::request::Builder {
    Request::get(format!("{BASE}{path}"))
}

#[tokio::test]
async fn script_is_served_with_etag_and_revalidation() {
    for transport in TRANSPORTS {
        let app = app(transport).await;
        let response = app
            .send(get("/coauth.js").body(Bytes::new()).unwrap())
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.body().as_ref(), coauth_js::COAUTH_JS.as_bytes());
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
                get("/coauth.js")
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
                get("/coauth.js")
                    .header(header::IF_NONE_MATCH, "\"other\"")
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await;
        assert_eq!(stale.status(), 200);

        let head = app
            .send(
                Request::head("/coauth/coauth.js")
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await;
        assert_eq!(head.status(), 200);
        assert!(head.body().is_empty());
        assert_eq!(
            head.headers()[header::CONTENT_LENGTH],
            coauth_js::COAUTH_JS.len().to_string()
        );

        let post = app
            .send(
                Request::post("/coauth/coauth.js")
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await;
        assert_error(&post, 405, "ValidationError");
        assert_eq!(post.headers()[header::ALLOW], "GET, HEAD");
    }
}

#[tokio::test]
async fn pages_cannot_be_framed_cached_or_leak_a_referrer() {
    for transport in TRANSPORTS {
        let app = app(transport).await;
        for path in ["/auth_page", "/result_page"] {
            let response = app.send(get(path).body(Bytes::new()).unwrap()).await;
            assert_eq!(response.status(), 200, "{path}");
            let headers = response.headers();
            assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
            assert_eq!(headers[header::CACHE_CONTROL], "no-store");
            assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
            assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
            let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'self'") && csp.contains("script-src 'self'"));
            assert!(headers.get("cross-origin-opener-policy").is_none());
        }
        let delete = app
            .send(
                Request::delete("/coauth/result_page")
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await;
        assert_error(&delete, 405, "ValidationError");
        assert_eq!(delete.headers()[header::ALLOW], "GET, HEAD, POST");
    }
}

#[tokio::test]
async fn form_post_answer_is_embedded_as_inert_json() {
    let app = app(Transport::Socket).await;
    let response = app
        .send(
            Request::post("/coauth/result_page")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Bytes::from(
                    "code=c%2B1&state=s&user=%3C%2Fscript%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = String::from_utf8(response.body().to_vec()).unwrap();
    let start = html.find(r#"id="coauth-params">"#).unwrap() + r#"id="coauth-params">"#.len();
    let end = start + html[start..].find("</script>").unwrap();
    let params: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(params["code"], "c+1");
    assert_eq!(params["user"], "</script><img src=x onerror=alert(1)>");
    assert!(!html.contains("<img"));

    let get = app
        .send(get("/result_page").body(Bytes::new()).unwrap())
        .await;
    let html = String::from_utf8(get.body().to_vec()).unwrap();
    assert!(html.contains(r#"id="coauth-params"></script>"#));
}
