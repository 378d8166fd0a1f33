//! Mounting: the resources answer under whatever prefix the app picks, and only at their
//! own paths; everything else is left to the app (here: the framework's 404).

use http::Method;

use super::Adapter;
use crate::fixture::*;
use crate::mock::{Decision, MockIdp};
use crate::mock_provider::{MockConfig, MockProvider};

pub(super) async fn resources_answer_under_any_prefix(adapter: Adapter) {
    let config = MockConfig::default();
    let mock = MockProvider::start(MockConfig::default()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .build()
        .unwrap();
    let app = adapter.app_at(coauth, "/auth/social").await;
    assert_eq!(app.prefix(), "/auth/social");

    let script = app.call(Method::GET, "/coauth.js").await;
    assert_eq!(script.status(), 200);
    assert_eq!(script.body().as_ref(), coauth_js::COAUTH_JS.as_bytes());
    for path in ["/auth_page", "/result_page", "/result_page_demo"] {
        assert_eq!(app.call(Method::GET, path).await.status(), 200, "{path}");
    }
    let response = app.sign_in("demo", &mock, Decision::Approve).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert_eq!(json(&response)["user"]["id"], "mock-user-1");

    for (method, path) in [
        (Method::GET, "/coauth/coauth.js"),
        (Method::POST, "/coauth/auth_url"),
        (Method::GET, "/coauth.js"),
        (Method::GET, "/auth/social"),
        (Method::GET, "/auth/social/"),
        (Method::GET, "/auth/social/unknown"),
        (Method::POST, "/auth/social/auth_url/more"),
        (Method::GET, "/auth/social/coauth.js/x"),
        (Method::GET, "/auth/social/result_page_unknown"),
        (Method::GET, "/auth/social/result_page/demo"),
        (Method::GET, "/auth/coauth.js"),
    ] {
        let response = app
            .send(
                http::Request::builder()
                    .method(method.clone())
                    .uri(path)
                    .body(bytes::Bytes::new())
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status(), 404, "{method} {path}");
    }
}
