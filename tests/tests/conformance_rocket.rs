//! The conformance suite against coauth-rocket: the routes mounted under the prefix,
//! driven in process with rocket's local client and over a socket with `Rocket::launch`.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Mutex;

use bytes::Bytes;
use coauth_core::ResourceCreator;
use coauth_tests::conformance::{Harness, run};
use http::{Request, Response, header};
use rocket::config::{Config, LogLevel, Shutdown};
use rocket::fairing::AdHoc;
use rocket::http::Header;
use rocket::local::asynchronous::Client;
use rocket::{Build, Rocket};

struct RocketAdapter;

/// A rocket app with the routes under `prefix`, quiet and on `127.0.0.1:0`.
fn rocket(creator: &ResourceCreator, prefix: &str) -> Rocket<Build> {
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
    rocket::custom(config).mount(prefix, coauth_rocket::routes(creator))
}

impl Harness for RocketAdapter {
    const NAME: &'static str = "rocket";
    type App = Client;

    async fn app(creator: ResourceCreator, prefix: &'static str) -> Client {
        Client::untracked(rocket(&creator, prefix)).await.unwrap()
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

    async fn serve(creator: ResourceCreator, prefix: &'static str) -> SocketAddr {
        let (bound, port) = tokio::sync::oneshot::channel();
        let bound = Mutex::new(Some(bound));
        let rocket = rocket(&creator, prefix).attach(AdHoc::on_liftoff("port", move |rocket| {
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
