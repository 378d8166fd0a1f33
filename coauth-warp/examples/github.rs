//! Sign in with GitHub in a popup, on warp: a complete app reading real credentials from the
//! environment.
//!
//! ```text
//! COAUTH_SECRET=$(openssl rand -hex 32) \
//! COAUTH_GITHUB_CLIENT_ID=... COAUTH_GITHUB_CLIENT_SECRET=... \
//! cargo run -p coauth-warp --example github
//! ```
//!
//! Register `http://127.0.0.1:3000/coauth/result_page` as the GitHub OAuth app's callback
//! URL, then open <http://127.0.0.1:3000>. Behind a reverse proxy, set `COAUTH_PUBLIC_URL` to
//! the public URL of `/coauth` (e.g. `https://app.example/coauth`) and register its
//! `/result_page` instead.

use coauth_core::{Coauth, ResourceCreator, presets::GitHub};
use warp::Filter;

/// The app's page: one button; the script is served from the app (no inline script).
const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>Sign in with GitHub</title>
<button id="signin">Sign in with GitHub</button><pre id="out"></pre>
<script src="/coauth/coauth.js"></script><script src="/app.js"></script>"#;

/// Calls `auth()` inside the click, so popup blockers allow the window.
const APP_JS: &str = r#"var auth = new coauth.Auth('/coauth');
document.getElementById('signin').addEventListener('click', function () {
  auth.auth({ providerType: 'github', authPageUrl: '/coauth/auth_page',
    resultPageUrl: location.origin + '/coauth/result_page',
    auth: { scope: ['read:user', 'user:email'] } }, function (err, result) {
    document.getElementById('out').textContent =
      err ? err.code + ': ' + err.message : JSON.stringify(result.data.user, null, 2);
  });
});"#;

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let public_url = std::env::var("COAUTH_PUBLIC_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:3000/coauth".into());
    let github = GitHub::new(
        var("COAUTH_GITHUB_CLIENT_ID")?,
        var("COAUTH_GITHUB_CLIENT_SECRET")?,
    );
    let coauth = Coauth::builder()
        .secret(var("COAUTH_SECRET")?)
        .provider("github", github.build())
        .public_url(public_url)
        .build()?;

    let page = warp::path::end().map(|| warp::reply::html(PAGE));
    let script = warp::path!("app.js")
        .map(|| warp::reply::with_header(APP_JS, "content-type", "text/javascript"));
    let coauth = warp::path("coauth").and(coauth_warp::filter(&ResourceCreator::new(coauth)));
    println!("listening on http://127.0.0.1:3000");
    warp::serve(page.or(script).or(coauth))
        .run(([127, 0, 0, 1], 3000))
        .await;
    Ok(())
}
