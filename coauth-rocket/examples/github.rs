//! Sign in to your app with GitHub in a popup, on rocket: a complete app reading real
//! credentials from the environment. With sessions on, a sign-in sets a session cookie; the
//! page asks `auth.session()` who is signed in and offers a sign-out, and the app's own route
//! `/me` takes the user with the `SignedIn` guard (401 when signed out).
//!
//! ```text
//! COAUTH_SECRET=$(openssl rand -hex 32) \
//! COAUTH_GITHUB_CLIENT_ID=... COAUTH_GITHUB_CLIENT_SECRET=... \
//! cargo run -p coauth-rocket --example github
//! ```
//!
//! Register `http://127.0.0.1:8000/coauth/result_page` as the GitHub OAuth app's callback
//! URL (rocket's default port), then open <http://127.0.0.1:8000>. Behind a reverse proxy,
//! set `COAUTH_PUBLIC_URL` to the public URL of `/coauth` (e.g.
//! `https://app.example/coauth`) and register its `/result_page` instead.

use coauth_core::{Coauth, ResourceCreator, Sessions, presets::GitHub};
use coauth_rocket::{Renewed, SignedIn};
use rocket::http::ContentType;
use rocket::response::content::RawHtml;
use rocket::{get, routes};

/// The app's page: who is signed in, or the sign-in button; the script is served from the
/// app (no inline script).
const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>Sign in with GitHub</title>
<p id="in" hidden><span id="name"></span> <button id="signout">Sign out</button>
<a href="/me">/me</a></p><button id="signin" hidden>Sign in with GitHub</button>
<pre id="out"></pre><script src="/coauth/coauth.js"></script><script src="/app.js"></script>"#;

/// Asks the session on load and after each sign-in or sign-out; prepares the flow when the
/// pointer comes over (or focus comes to) the button; calls `auth()` inside the click, so
/// popup blockers allow the window. GitHub's `name` falls back to the login.
const APP_JS: &str = r#"var auth = new coauth.Auth('/coauth');
function $(id) { return document.getElementById(id); }
function fail(err) { $('out').textContent = err.code + ': ' + err.message; }
function show(session) {
  $('name').textContent = session ? 'Signed in as ' + (session.user.name || session.user.id) : '';
  $('in').hidden = !session;
  $('signin').hidden = !!session;
}
function refresh() { auth.session().then(show, fail); }
var options = { providerType: 'github', authPageUrl: '/coauth/auth_page',
  resultPageUrl: location.origin + '/coauth/result_page',
  auth: { scope: ['read:user', 'user:email'] } };
// The flow asked for as the user is about to click: the popup then opens straight on
// GitHub's page. (A failure here shows again at the click.)
['pointerenter', 'focus'].forEach(function (event) {
  $('signin').addEventListener(event, function () { auth.prepare(options, function () {}); });
});
$('signin').addEventListener('click', function () {
  $('out').textContent = '';
  auth.auth(options, function (err) { err ? fail(err) : refresh(); });
});
$('signout').addEventListener('click', function () { auth.signOut().then(refresh, fail); });
refresh();"#;

#[get("/")]
fn page() -> RawHtml<&'static str> {
    RawHtml(PAGE)
}

#[get("/app.js")]
fn script() -> (ContentType, &'static str) {
    (ContentType::JavaScript, APP_JS)
}

/// The app's own route: the signed-in user as JSON, 401 when signed out; the renewal keeps
/// an active user signed in.
#[get("/me")]
fn me(user: SignedIn) -> Renewed<(ContentType, String)> {
    user.renew((ContentType::JSON, user.to_json().to_string()))
}

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

#[rocket::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let public_url = std::env::var("COAUTH_PUBLIC_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:8000/coauth".into());
    let github = GitHub::new(
        var("COAUTH_GITHUB_CLIENT_ID")?,
        var("COAUTH_GITHUB_CLIENT_SECRET")?,
    );
    let coauth = Coauth::builder()
        .secret(var("COAUTH_SECRET")?)
        .provider("github", github.build())
        .public_url(public_url)
        .sessions(Sessions::new())
        .build()?;

    let _rocket = rocket::build()
        .mount("/", routes![page, script, me])
        .mount(
            "/coauth",
            coauth_rocket::routes(&ResourceCreator::new(coauth.clone())),
        )
        .manage(coauth)
        .launch()
        .await?;
    Ok(())
}
