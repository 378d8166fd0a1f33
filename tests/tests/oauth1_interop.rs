//! Interop: coauth's OAuth 1.0a engine against an independent provider, Python's oauthlib
//! (`tests/interop/oauth1_provider.py`), on loopback, through coauth's HTTP resources.
//!
//! Needs `python3` with oauthlib (`python3 -m pip install -r tests/interop/requirements.txt`;
//! `scripts/test` does it). Without them the tests fail and say so; they never skip.
//! `COAUTH_PYTHON` names another interpreter.

mod oauth1_support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use bytes::Bytes;
use coauth_core::async_trait;
use coauth_core::oauth1::{OAuth1Config, OAuth1ProfileFetcher, OAuth1Provider, SignedClient};
use coauth_core::presets::Twitter;
use coauth_core::{Error, User};
use coauth_tests::fixture::*;
use http::{Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oauth1_support::*;

const CLIENT_KEY: &str = "coauth-interop-client";
const CLIENT_SECRET: &str = "interop secret with spaces & reserved=chars";

/// The oauthlib provider process; killed when dropped, whatever the test's outcome.
struct Oauthlib {
    child: Child,
    base_url: String,
}

impl Drop for Oauthlib {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python interpreter to run the provider with: `$COAUTH_PYTHON` when set, else the
/// first of `python3` and `python` that imports oauthlib.
fn python_with_oauthlib() -> String {
    let candidates: Vec<String> = match std::env::var("COAUTH_PYTHON") {
        Ok(python) if !python.is_empty() => vec![python],
        _ => vec!["python3".to_owned(), "python".to_owned()],
    };
    let mut found_python = None;
    for candidate in &candidates {
        let Ok(output) = Command::new(candidate)
            .args([
                "-c",
                "import sys, oauthlib; assert sys.version_info >= (3, 8)",
            ])
            .stdin(Stdio::null())
            .output()
        else {
            continue;
        };
        if output.status.success() {
            return candidate.clone();
        }
        found_python.get_or_insert_with(|| candidate.clone());
    }
    match found_python {
        Some(python) => panic!(
            "the OAuth 1.0a interop tests need Python's oauthlib, which `{python}` cannot \
             import: run `{python} -m pip install -r tests/interop/requirements.txt` \
             (scripts/test does this)"
        ),
        None => panic!(
            "the OAuth 1.0a interop tests need Python 3.8+ with oauthlib, and none of {candidates:?} \
             runs: install python3, or set COAUTH_PYTHON to an interpreter"
        ),
    }
}

/// Starts the oauthlib provider and waits for the port it prints.
fn start_oauthlib() -> Oauthlib {
    let python = python_with_oauthlib();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop/oauth1_provider.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .args(["--client-key", CLIENT_KEY, "--client-secret", CLIENT_SECRET])
        .args(["--callback", REDIRECT_URI])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("starting `{python} {}`: {e}", script.display()));
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    // Owned by the guard from here on, so a failed start still kills the process.
    let mut provider = Oauthlib {
        child,
        base_url: String::new(),
    };
    let line = receiver
        .recv_timeout(Duration::from_secs(30))
        .expect("the oauthlib provider did not print its port within 30 s");
    let port: u16 = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("the oauthlib provider printed {line:?} instead of its port"));
    provider.base_url = format!("http://127.0.0.1:{port}");
    provider
}

/// A custom profile fetcher on the generic engine, as an app would write one.
struct VerifyCredentials(url::Url);

#[async_trait]
impl OAuth1ProfileFetcher for VerifyCredentials {
    async fn fetch(&self, client: &SignedClient<'_>) -> Result<(User, serde_json::Value), Error> {
        let profile = client.get_json(&self.0).await?;
        let user = User {
            id: profile["id_str"].as_str().unwrap_or_default().to_owned(),
            name: profile["name"].as_str().map(str::to_owned),
            ..User::default()
        };
        Ok((user, profile))
    }
}

/// The generic engine against oauthlib, sending the user to `authorize_path`.
fn generic_engine(provider: &Oauthlib, authorize_path: &str) -> OAuth1Provider {
    let base = &provider.base_url;
    OAuth1Provider::new(
        OAuth1Config::new(
            CLIENT_KEY,
            CLIENT_SECRET,
            &format!("{base}/oauth/request_token"),
            &format!("{base}{authorize_path}"),
            &format!("{base}/oauth/access_token"),
        )
        .unwrap(),
        VerifyCredentials(
            url::Url::parse(&format!("{base}/1.1/account/verify_credentials.json")).unwrap(),
        ),
    )
}

/// The browser at the provider: GET the authorization URL, return the redirect target.
async fn visit(authorize_url: &str) -> url::Url {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let request = Request::get(authorize_url)
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = client.request(request).await.unwrap();
    let status = response.status();
    let location = response.headers().get(header::LOCATION).cloned();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(status, StatusCode::FOUND, "authorize answered {body:?}");
    url::Url::parse(location.unwrap().to_str().unwrap()).unwrap()
}

#[tokio::test]
async fn twitter_preset_signs_in_against_oauthlib() {
    let oauthlib = start_oauthlib();
    let twitter = Twitter::new(CLIENT_KEY, CLIENT_SECRET)
        .with_hosts(oauthlib.base_url.clone(), oauthlib.base_url.clone())
        .build()
        .unwrap();
    let app = serve(twitter_builder(twitter)).await;

    let started = app.start("twitter").await;
    assert!(started.url.starts_with(&format!(
        "{}/oauth/authenticate?oauth_token=",
        oauthlib.base_url
    )));
    let redirect = visit(&started.url).await;
    assert!(redirect.as_str().starts_with(REDIRECT_URI), "{redirect}");
    let params = redirect_params(&redirect);
    assert!(params.get("oauth_verifier").is_some(), "{redirect}");

    let response = app.finish("twitter", &started, params.clone()).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let user = &json(&response)["user"];
    assert_eq!(user["id"], "2244994945");
    assert_eq!(user["name"], "Interop User");
    assert_eq!(user["username"], "oauthlib_user");
    assert_eq!(user["email"], "interop@example.test");
    assert_eq!(user["profileUrl"], "https://x.com/oauthlib_user");

    // oauthlib spent the request token: the second identical submission fails.
    let replay = app.finish("twitter", &started, params).await;
    assert_error(&replay, 500, "ProviderError");
}

#[tokio::test]
async fn generic_engine_signs_in_and_is_denied_against_oauthlib() {
    let oauthlib = start_oauthlib();
    let app = serve(
        twitter_builder(generic_engine(&oauthlib, "/oauth/authorize"))
            .provider("oauthlib-deny", generic_engine(&oauthlib, "/oauth/deny")),
    )
    .await;

    let started = app.start("twitter").await;
    let redirect = visit(&started.url).await;
    let response = app
        .finish("twitter", &started, redirect_params(&redirect))
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert_eq!(json(&response)["user"]["id"], "2244994945");

    let ours = app.start("oauthlib-deny").await;
    let theirs = app.start("oauthlib-deny").await;
    let denial = visit(&theirs.url).await;
    let params = redirect_params(&denial);
    assert!(params.get("denied").is_some(), "{denial}");
    assert_error(
        &app.finish("oauthlib-deny", &ours, params.clone()).await,
        400,
        "InputError",
    );
    assert_error(
        &app.finish("oauthlib-deny", &theirs, params).await,
        409,
        "UserDenied",
    );
}
