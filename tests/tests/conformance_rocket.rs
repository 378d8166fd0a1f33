//! The conformance suite against coauth-rocket: the routes mounted under the prefix, and
//! the app's routes with the `SignedIn` guard when sessions are on, the `Coauth` as managed
//! state; driven in process with rocket's local client and over a socket with
//! `Rocket::launch`.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Mutex;

use bytes::Bytes;
use coauth_core::{Coauth, ResourceCreator};
use coauth_rocket::{Renewed, SignedIn};
use coauth_tests::conformance::{Harness, run};
use coauth_tests::fixture::maybe_json;
use http::{Request, Response, header};
use rocket::config::{Config, LogLevel, Shutdown};
use rocket::fairing::AdHoc;
use rocket::http::{ContentType, Header};
use rocket::local::asynchronous::Client;
use rocket::{Build, Rocket, get, routes};

struct RocketAdapter;

/// `/app/me`: the session of a signed-in user, 401 otherwise.
#[get("/me")]
fn me(user: SignedIn) -> Renewed<(ContentType, String)> {
    user.renew((ContentType::JSON, user.to_json().to_string()))
}

/// `/app/maybe`: whether a user is signed in, and the session.
#[get("/maybe")]
fn maybe(user: Option<SignedIn>) -> Renewed<(ContentType, String)> {
    let body = maybe_json(user.as_deref()).to_string();
    Renewed::new((ContentType::JSON, body), user.as_deref())
}

/// A rocket app with the routes under `prefix`, and the app's routes when `coauth` keeps
/// sessions, quiet and on `127.0.0.1:0`.
fn rocket(coauth: Coauth, prefix: &str) -> Rocket<Build> {
    let config = Config {
        address: Ipv4Addr::LOCALHOST.into(),
        port: 0,
        log_level: LogLevel::Off,
        shutdown: Shutdown {
            ctrlc: false,
            signals: Default::default(),
            ..Shutdown::default()
        },
        ..Config::debug_default()
    };
    let app = rocket::custom(config).mount(
        prefix,
        coauth_rocket::routes(&ResourceCreator::new(coauth.clone())),
    );
    // The guard's sentinel refuses to launch an app without sessions that uses it.
    let app = if coauth.has_sessions() {
        app.mount("/app", routes![me, maybe])
    } else {
        app
    };
    app.manage(coauth)
}

impl Harness for RocketAdapter {
    const NAME: &'static str = "rocket";
    type App = Client;

    async fn app(coauth: Coauth, prefix: &'static str) -> Client {
        Client::untracked(rocket(coauth, prefix)).await.unwrap()
    }

    async fn send(client: &Client, request: Request<Bytes>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let method = parts.method.as_str().parse().unwrap();
        let mut local = client.req(method, parts.uri.to_string());
        for (name, value) in &parts.headers {
            let value = value.to_str().unwrap().to_owned();
            local.add_header(Header::new(name.as_str().to_owned(), value));
        }
        let response = local.body(body).dispatch().await;
        let mut translated = Response::builder().status(response.status().code);
        for header in response.headers().iter() {
            translated = translated.header(header.name().as_str(), header.value());
        }
        // Rocket's server writes `Content-Length` from the body's size; so does this.
        if let Some(length) = response.body().preset_size() {
            translated = translated.header(header::CONTENT_LENGTH, length);
        }
        let body = response.into_bytes().await.unwrap_or_default();
        translated.body(Bytes::from(body)).unwrap()
    }

    async fn serve(coauth: Coauth, prefix: &'static str) -> SocketAddr {
        let (bound, port) = tokio::sync::oneshot::channel();
        let bound = Mutex::new(Some(bound));
        let rocket = rocket(coauth, prefix).attach(AdHoc::on_liftoff("port", move |rocket| {
            if let Some(bound) = bound.lock().unwrap().take() {
                let _ = bound.send(rocket.config().port);
            }
            Box::pin(async {})
        }));
        tokio::spawn(rocket.launch());
        SocketAddr::from((Ipv4Addr::LOCALHOST, port.await.unwrap()))
    }
}

/// Keeps rocket quiet: `rocket::custom` turns its logger on at the `normal` level before the
/// configuration's `off` applies, and trials run in parallel. Installed first, this logger
/// takes rocket's place.
struct Silent;

impl log::Log for Silent {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        false
    }
    fn log(&self, _: &log::Record<'_>) {}
    fn flush(&self) {}
}

fn main() {
    log::set_logger(&Silent).expect("no logger is installed yet");
    run::<RocketAdapter>()
}
