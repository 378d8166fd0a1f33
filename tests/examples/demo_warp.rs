//! The coauth demo on warp: a real popup sign-in against a mock identity provider running in
//! the same process, no credentials needed.
//!
//! ```text
//! cargo run -p coauth-tests --example demo_warp
//! ```
//!
//! Then open <http://127.0.0.1:8080>. `PORT` picks another port (`0`: any free port).
//! `COAUTH_SECRET` sets the sealing secret (a random one is made otherwise).
//! With `COAUTH_GITHUB_CLIENT_ID` and `COAUTH_GITHUB_CLIENT_SECRET` set, the GitHub button
//! signs in with GitHub for real (register `http://127.0.0.1:PORT/coauth/result_page` as the
//! OAuth app's callback URL).

use coauth_core::ResourceCreator;
use coauth_tests::demo;
use warp::Filter;
use warp::reply::Response;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    demo::init_logs();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", demo::port_from_env()?)).await?;
    let port = listener.local_addr()?.port();
    let demo = demo::demo(port).await?;

    let index_html = demo.index_html;
    let index = warp::path::end()
        .and(warp::get())
        .map(move || page(index_html, "text/html; charset=utf-8"));
    let script = warp::path!("demo.js")
        .and(warp::get())
        .map(|| page(demo::DEMO_JS, "text/javascript; charset=utf-8"));
    let style = warp::path!("demo.css")
        .and(warp::get())
        .map(|| page(demo::DEMO_CSS, "text/css; charset=utf-8"));
    let coauth = warp::path("coauth").and(coauth_warp::filter(&ResourceCreator::new(demo.coauth)));
    let app = index.or(script).or(style).or(coauth);

    println!("coauth demo listening on http://127.0.0.1:{port}");
    warp::serve(app).incoming(listener).run().await;
    Ok(())
}

fn page(body: &'static str, content_type: &'static str) -> Response {
    demo::page(body, content_type).map(Into::into)
}
