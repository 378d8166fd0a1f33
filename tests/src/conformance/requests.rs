//! What requests the resources take: methods (405 with `Allow`), content types (415),
//! malformed bodies (400) and the body limit (413).

use std::time::Duration;

use bytes::Bytes;
use coauth_core::ResourceCreator;
use coauth_core::resources::MAX_BODY_BYTES;
use http::{Method, Request, header};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::flow::fixture;
use super::{Adapter, Transport};
use crate::fixture::*;

/// Each resource with the methods it takes, as its `Allow` header says them; the fixture's
/// one provider, `demo`, has its own result page.
const RESOURCES: [(&str, &str); 8] = [
    ("/auth_url", "POST"),
    ("/result", "POST"),
    ("/result_frame", "POST"),
    ("/coauth.js", "GET, HEAD"),
    ("/coauth.mjs", "GET, HEAD"),
    ("/auth_page", "GET, HEAD"),
    ("/result_page", "GET, HEAD, POST"),
    ("/result_page_demo", "GET, HEAD, POST"),
];

/// Every method but the allowed ones reaches the core, which answers 405 with `Allow`: the
/// framework neither answers (OPTIONS, HEAD) nor turns the request away itself (404).
pub(super) async fn every_other_method_is_405_with_allow(adapter: Adapter) {
    let (mock, config, app, clock) = fixture(&adapter).await;
    let coauth = builder(&mock, &config, &clock).build().unwrap();
    for resource in ResourceCreator::new(coauth).resources() {
        assert!(
            RESOURCES.iter().any(|(path, _)| *path == resource.path()),
            "{} is not in the conformance suite's table of resources",
            resource.path()
        );
    }
    let methods = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::TRACE,
    ];
    for (path, allow) in RESOURCES {
        for method in methods.iter().filter(|m| !allow.contains(m.as_str())) {
            let response = app.call(method.clone(), path).await;
            let what = format!("{method} {path}");
            assert_eq!(response.status(), 405, "{what}: {:?}", response.body());
            assert_eq!(header_text(&response, header::ALLOW), allow, "{what}");
            assert_eq!(
                response.headers().get_all(header::ALLOW).iter().count(),
                1,
                "{what}: one Allow header"
            );
            assert_eq!(
                header_text(&response, header::CACHE_CONTROL),
                "no-store",
                "{what}"
            );
            if method == Method::HEAD {
                assert!(response.body().is_empty(), "{what}: a body");
            } else {
                assert_error(&response, 405, "ValidationError");
            }
        }
    }
}

pub(super) async fn malformed_requests_are_validation_errors(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let post = |path: &str, content_type: &'static str, body: Bytes| {
        Request::post(format!("{BASE}{path}"))
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ORIGIN, ORIGIN)
            .body(body)
            .unwrap()
    };
    for path in ["/auth_url", "/result"] {
        for body in [
            &b"{"[..],
            b"[]",
            b"{\"providerType\":5}",
            b"",
            b"\xff\xfe{}",
            br#"{"providerType":"demo","providerType":"demo","redirectUri":"x","flow":"f","response":{}}"#,
        ] {
            let response = app
                .send(post(path, "application/json", Bytes::from_static(body)))
                .await;
            assert_error(&response, 400, "ValidationError");
        }
        let big = Bytes::from(vec![b' '; 64 * 1024 + 1]);
        let response = app.send(post(path, "application/json", big)).await;
        assert_error(&response, 413, "ValidationError");
        let form = app.send(post(path, "text/plain", Bytes::from("{}"))).await;
        assert_error(&form, 415, "ValidationError");
        let get = app
            .send(
                Request::get(format!("{BASE}{path}"))
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await;
        assert_error(&get, 405, "ValidationError");
        assert_eq!(get.headers()[header::ALLOW], "POST");
    }
}

/// `application/json` is compared as a media type: parameters and case do not matter, a
/// missing or different type is 415.
pub(super) async fn json_content_type_is_matched_as_a_media_type(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let body = serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI}).to_string();
    let post = |content_type: Option<&str>| {
        let mut request = Request::post("/coauth/auth_url")
            .header(header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "same-origin");
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        request.body(Bytes::from(body.clone())).unwrap()
    };
    for accepted in [
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/json ;charset=UTF-8",
    ] {
        let response = app.send(post(Some(accepted))).await;
        assert_eq!(response.status(), 200, "{accepted}: {:?}", response.body());
        assert!(json(&response)["url"].is_string(), "{accepted}");
    }
    for refused in [
        None,
        Some("application/jsonx"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("text/json"),
    ] {
        let response = app.send(post(refused)).await;
        assert_error(&response, 415, "ValidationError");
    }
}

/// A body of exactly the limit is read and answered; one byte more is 413, for every
/// resource (even those that take no body).
pub(super) async fn body_limit_is_exact(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    let mut at_limit =
        serde_json::json!({"providerType": "demo", "redirectUri": REDIRECT_URI}).to_string();
    at_limit.push_str(&" ".repeat(MAX_BODY_BYTES - at_limit.len()));
    assert_eq!(at_limit.len(), MAX_BODY_BYTES);
    let request = |method: Method, path: &str, content_type: &'static str, body: Bytes| {
        Request::builder()
            .method(method)
            .uri(format!("{BASE}{path}"))
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ORIGIN, ORIGIN)
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .unwrap()
    };
    let response = app
        .send(request(
            Method::POST,
            "/auth_url",
            "application/json",
            Bytes::from(at_limit.clone()),
        ))
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert!(response.headers().contains_key(header::SET_COOKIE));

    let over = Bytes::from(at_limit + " ");
    for (method, path, content_type) in [
        (Method::POST, "/auth_url", "application/json"),
        (Method::POST, "/result", "application/json"),
        (
            Method::POST,
            "/result_page",
            "application/x-www-form-urlencoded",
        ),
        (
            Method::POST,
            "/result_frame",
            "application/x-www-form-urlencoded",
        ),
        (Method::GET, "/coauth.js", "text/plain"),
        (Method::PUT, "/auth_page", "text/plain"),
    ] {
        let response = app
            .send(request(method.clone(), path, content_type, over.clone()))
            .await;
        assert_error(&response, 413, "ValidationError");
        assert_eq!(
            header_text(&response, header::CACHE_CONTROL),
            "no-store",
            "{method} {path}"
        );
        assert!(response.headers().get(header::SET_COOKIE).is_none());
    }
}

/// A huge body gets the core's 413 without being read to its end. Over a socket, the
/// request declares (or streams) far more than the limit, sends a little over the limit
/// and then stalls: an adapter that waited for the whole body would never answer.
pub(super) async fn large_body_gets_413_before_it_is_read(adapter: Adapter) {
    let (_mock, _config, app, _) = fixture(&adapter).await;
    if adapter.transport() == Transport::InProcess {
        let response = app
            .send(
                Request::post("/coauth/auth_url")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::ORIGIN, ORIGIN)
                    .body(Bytes::from(vec![b' '; 10 * 1024 * 1024]))
                    .unwrap(),
            )
            .await;
        assert_error(&response, 413, "ValidationError");
        return;
    }
    let addr = app.addr().expect("a socket transport has an address");
    let sent = vec![b' '; MAX_BODY_BYTES + 1];
    for framing in ["content-length", "chunked"] {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /coauth/auth_url HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: application/json\r\nOrigin: {ORIGIN}\r\n{}\r\n",
            if framing == "chunked" {
                "Transfer-Encoding: chunked\r\n".to_owned()
            } else {
                format!("Content-Length: {}\r\n", 10 * 1024 * 1024 * 1024u64)
            }
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        if framing == "chunked" {
            let chunk_head = format!("{:x}\r\n", sent.len());
            stream.write_all(chunk_head.as_bytes()).await.unwrap();
        }
        stream.write_all(&sent).await.unwrap();
        // The rest never comes; the connection stays open.
        let answer = tokio::time::timeout(Duration::from_secs(5), read_response(&mut stream))
            .await
            .unwrap_or_else(|_| panic!("{framing}: no answer while the body is still coming"));
        let (status, body) = answer;
        assert_eq!(status, 413, "{framing}: {body}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["code"], "ValidationError", "{framing}");
    }
}

/// Reads one HTTP/1.1 answer with a `Content-Length` body: its status and body.
async fn read_response(stream: &mut tokio::net::TcpStream) -> (u16, String) {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "the connection closed before the answer's head");
        received.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or_else(|| panic!("no Content-Length in {head:?}"));
    while received.len() < head_end + length {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "the connection closed inside the answer's body");
        received.extend_from_slice(&buffer[..read]);
    }
    let body = String::from_utf8_lossy(&received[head_end..head_end + length]).into_owned();
    (status, body)
}
