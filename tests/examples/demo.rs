//! The coauth demo on axum: a real popup sign-in against a mock identity provider running in
//! the same process, no credentials needed.
//!
//! ```text
//! cargo run -p coauth-tests --example demo
//! ```
//!
//! Then open <http://127.0.0.1:8080>. `PORT` picks another port (`0`: any free port).
//! `COAUTH_SECRET` sets the sealing secret (a random one is made otherwise).
//! With `COAUTH_GITHUB_CLIENT_ID` and `COAUTH_GITHUB_CLIENT_SECRET` set, the GitHub button
//! signs in with GitHub for real (register `http://127.0.0.1:PORT/coauth/result_page` as the
//! OAuth app's callback URL).

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use axum::routing::get;
use coauth_core::ResourceCreator;
use coauth_tests::demo;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    demo::init_logs();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", demo::port_from_env()?)).await?;
    let port = listener.local_addr()?.port();
    let demo = demo::demo(port).await?;
    let index = demo.index_html;

    let app = Router::new()
        .route(
            "/",
            get(move || async move { page(index, "text/html; charset=utf-8") }),
        )
        .route(
            "/demo.js",
            get(|| async { page(demo::DEMO_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/demo.css",
            get(|| async { page(demo::DEMO_CSS, "text/css; charset=utf-8") }),
        )
        .merge(coauth_axum::router_at(
            "/coauth",
            &ResourceCreator::new(demo.coauth),
        ));

    println!("coauth demo listening on http://127.0.0.1:{port}");
    axum::serve(listener, app).await?;
    Ok(())
}

fn page(body: &'static str, content_type: &'static str) -> Response {
    demo::page(body, content_type).map(Body::from)
}
