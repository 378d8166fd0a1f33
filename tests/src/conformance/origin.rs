//! Who may start a flow: provider, redirect URI, mode, Origin and Sec-Fetch-Site checks,
//! and no cross-origin access to any answer.

use bytes::Bytes;
use http::{Method, Request, header};

use super::Adapter;
use super::flow::fixture;
use crate::fixture::*;

pub(super) async fn auth_url_refusals(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let unknown = app
        .post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "nope", "redirectUri": REDIRECT_URI}),
            None,
        )
        .await;
    assert_error(&unknown, 400, "InputError");
    let redirect = app
        .post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "demo",
                "redirectUri": "https://evil.example/coauth/result_page"}),
            None,
        )
        .await;
    assert_error(&redirect, 400, "InputError");
    let silent_identity = app
        .post_json(
            "/auth_url",
            &serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI,
                "mode": "silent", "identity": {"user": 1}}),
            None,
        )
        .await;
    assert_error(&silent_identity, 400, "InputError");
    for (origin, site) in [
        (Some("https://evil.example"), None),
        (None, None),
        (Some(ORIGIN), Some("cross-site")),
    ] {
        let mut request =
            Request::post("/coauth/auth_url").header(header::CONTENT_TYPE, "application/json");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        let response = app
            .send(
                request
                    .body(Bytes::from(
                        serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI})
                            .to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_error(&response, 400, "InputError");
        assert!(
            response
                .headers()
                .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none()
        );
    }
}

/// No answer grants cross-origin access: a CORS preflight is refused with the core's 405
/// (the framework does not answer it), and nothing reflects the Origin.
pub(super) async fn no_cross_origin_access_is_granted(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    for path in ["/auth_url", "/result"] {
        let preflight = app
            .send(
                Request::builder()
                    .method(Method::OPTIONS)
                    .uri(format!("{BASE}{path}"))
                    .header(header::ORIGIN, "https://evil.example")
                    .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                    .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await;
        assert_error(&preflight, 405, "ValidationError");
        assert_eq!(header_text(&preflight, header::ALLOW), "POST", "{path}");
        let foreign = app
            .send(
                Request::post(format!("{BASE}{path}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::ORIGIN, "https://evil.example")
                    .body(Bytes::from("{}"))
                    .unwrap(),
            )
            .await;
        assert_eq!(foreign.status(), 400, "{path}");
        for response in [&preflight, &foreign] {
            for name in [
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                header::ACCESS_CONTROL_ALLOW_METHODS,
                header::ACCESS_CONTROL_ALLOW_HEADERS,
            ] {
                assert!(response.headers().get(&name).is_none(), "{path}: {name}");
            }
            assert!(
                !response
                    .headers()
                    .values()
                    .any(|v| v.as_bytes() == b"https://evil.example"),
                "{path}: the Origin is reflected"
            );
        }
    }
}
