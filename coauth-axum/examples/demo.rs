//! The coauth demo: a real popup sign-in against a mock identity provider running in the
//! same process, no credentials needed.
//!
//! ```text
//! cargo run -p coauth-axum --example demo
//! ```
//!
//! Then open <http://127.0.0.1:8080>. `PORT` picks another port (`0`: any free port).
//! `COAUTH_SECRET` sets the sealing secret (a random one is made otherwise).
//! With `COAUTH_GITHUB_CLIENT_ID` and `COAUTH_GITHUB_CLIENT_SECRET` set, the GitHub button
//! signs in with GitHub for real (register `http://127.0.0.1:PORT/coauth/result_page` as the
//! OAuth app's callback URL).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::presets::GitHub;
use coauth_core::{Coauth, HyperClient, ResourceCreator};
use coauth_tests::mock_provider::{MockConfig, MockProvider};

const INDEX_HTML: &str = include_str!("demo_assets/index.html");
const DEMO_JS: &str = include_str!("demo_assets/demo.js");
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
                        img-src 'self' https:; base-uri 'none'; object-src 'none'; \
                        form-action 'none'; frame-ancestors 'none'";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| "PORT must be a port number")?,
        Err(_) => 8080,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let port = listener.local_addr()?.port();

    let mock_config = MockConfig::default();
    let (client_id, client_secret) = (
        mock_config.client_id.clone(),
        mock_config.client_secret.clone(),
    );
    let mock = MockProvider::start(mock_config).await;
    let demo = OAuth2Provider::new(
        OAuth2Config::new(
            client_id,
            client_secret,
            &mock.authorize_url(),
            &mock.token_url(),
        )?,
        StandardUserinfo::new(&mock.userinfo_url())?,
    );

    let secret = std::env::var("COAUTH_SECRET").unwrap_or_else(|_| {
        eprintln!("COAUTH_SECRET is not set: using a random secret for this run");
        random_secret()
    });
    let mut builder = Coauth::builder()
        .secret(secret)
        .provider("demo", demo)
        .redirect_uri(format!("http://127.0.0.1:{port}/coauth/result_page"))
        .redirect_uri(format!("http://localhost:{port}/coauth/result_page"))
        // The mock provider listens on loopback over plain http.
        .http_client(HyperClient::builder().allow_loopback(true).build());
    if let (Ok(id), Ok(secret)) = (
        std::env::var("COAUTH_GITHUB_CLIENT_ID"),
        std::env::var("COAUTH_GITHUB_CLIENT_SECRET"),
    ) {
        builder = builder.provider("github", GitHub::new(id, secret).build());
        eprintln!("GitHub sign-in is on");
    }
    let creator = ResourceCreator::new(builder.build()?);

    let app = Router::new()
        .route(
            "/",
            get(|| async { page(INDEX_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/demo.js",
            get(|| async { page(DEMO_JS, "text/javascript; charset=utf-8") }),
        )
        .nest("/coauth", coauth_axum::router(&creator));

    println!("coauth demo listening on http://127.0.0.1:{port}");
    axum::serve(listener, app).await?;
    Ok(())
}

fn page(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn random_secret() -> String {
    use std::fmt::Write;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random generator works");
    bytes.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}
