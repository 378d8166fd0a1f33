//! The mock exercised over real HTTP: shared helpers here, the cases in submodules.

mod browser_modes;
mod faults;
mod generic;
mod github;

use std::time::{Duration, Instant};

use axum::body::Bytes;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::header::{CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use http::{Method, Request, StatusCode};
use http_body_util::Full;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use super::browser::{Answer, http_client, send};
use super::*;
use crate::mock::{Decision, MockIdp};

const REDIRECT: &str = "http://app.example.test/auth/result?x=1";

async fn request(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    let mut builder = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let body = Full::new(body.map(Bytes::from).unwrap_or_default());
    send(&http_client(), builder.body(body).unwrap())
        .await
        .unwrap()
}

async fn get(url: &str, headers: &[(&str, &str)]) -> Answer {
    request(Method::GET, url, headers, None).await
}

fn encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

async fn post_form(url: &str, headers: &[(&str, &str)], pairs: &[(&str, &str)]) -> Answer {
    let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    request(Method::POST, url, &all, Some(encode(pairs))).await
}

fn json_body(answer: &Answer) -> Value {
    serde_json::from_slice(&answer.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&answer.body)))
}

fn form_body(answer: &Answer) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&answer.body)
        .into_owned()
        .collect()
}

fn form_get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

fn content_type(answer: &Answer) -> &str {
    answer.headers[CONTENT_TYPE].to_str().unwrap()
}

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

struct Pkce {
    verifier: String,
    challenge: String,
}

fn pkce() -> Pkce {
    let verifier = super::state::random_token();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

/// The authorization URL a client would build.
fn auth_url(mock: &MockProvider, state: Option<&str>, pkce: Option<&Pkce>) -> String {
    let mut url = Url::parse(&mock.authorize_url()).unwrap();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", "mock-client")
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("scope", "openid email");
        if let Some(state) = state {
            q.append_pair("state", state);
        }
        if let Some(pkce) = pkce {
            q.append_pair("code_challenge", &pkce.challenge)
                .append_pair("code_challenge_method", "S256");
        }
    }
    url.into()
}

/// Approves at the page and returns the code.
async fn approved_code(mock: &MockProvider, pkce: Option<&Pkce>) -> String {
    let back = mock
        .decide(&auth_url(mock, Some("st"), pkce), Decision::Approve)
        .await
        .unwrap()
        .url;
    query(&back, "code").expect("a code")
}

async fn redeem(mock: &MockProvider, headers: &[(&str, &str)], form: &[(&str, &str)]) -> Answer {
    post_form(&mock.token_url(), headers, form).await
}

/// A token request with Basic auth, the code, REDIRECT and the verifier.
async fn redeem_code(mock: &MockProvider, code: &str, verifier: Option<&str>) -> Answer {
    let auth = basic("mock-client", "mock-secret");
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
    ];
    form.extend(verifier.map(|v| ("code_verifier", v)));
    redeem(mock, &[("authorization", &auth)], &form).await
}

fn assert_token_error(answer: &Answer, status: StatusCode, error: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.body);
    assert_eq!(json_body(answer)["error"], error, "{:?}", answer.body);
}
