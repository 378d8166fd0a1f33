//! The coauth demo on rocket: a real popup sign-in against a mock identity provider running
//! in the same process, no credentials needed.
//!
//! ```text
//! cargo run -p coauth-tests --example demo_rocket
//! ```
//!
//! Then open <http://127.0.0.1:8080>. `PORT` picks another port (`0`: any free port).
//! `COAUTH_SECRET` sets the sealing secret (a random one is made otherwise).
//! With `COAUTH_GITHUB_CLIENT_ID` and `COAUTH_GITHUB_CLIENT_SECRET` set, the GitHub button
//! signs in with GitHub for real (register `http://127.0.0.1:PORT/coauth/result_page` as the
//! OAuth app's callback URL).

use std::io::Cursor;
use std::net::Ipv4Addr;

use coauth_core::ResourceCreator;
use coauth_tests::demo;
use rocket::fairing::AdHoc;
use rocket::http::Header;
use rocket::response::{self, Responder};
use rocket::{Request, Response, State, get, routes};

#[rocket::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    demo::init_logs();
    // The demo's configuration names its own port in the redirect URIs, so it must be known
    // before rocket binds: for `PORT=0`, ask the system for a free one first.
    let port = match demo::port_from_env()? {
        0 => std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port(),
        port => port,
    };
    let demo = demo::demo(port).await?;

    let figment = rocket::Config::figment()
        .merge(("address", Ipv4Addr::LOCALHOST))
        .merge(("port", port));
    rocket::custom(figment)
        .manage(IndexPage(demo.index_html))
        .mount("/", routes![index, script, style])
        .mount(
            "/coauth",
            coauth_rocket::routes(&ResourceCreator::new(demo.coauth)),
        )
        .attach(AdHoc::on_liftoff("listening", |rocket| {
            let port = rocket.config().port;
            Box::pin(async move { println!("coauth demo listening on http://127.0.0.1:{port}") })
        }))
        .launch()
        .await?;
    Ok(())
}

#[get("/")]
fn index(page: &State<IndexPage>) -> Page {
    Page(page.0, "text/html; charset=utf-8")
}

/// The demo page, made at start-up with a button per provider from the environment.
struct IndexPage(&'static str);

#[get("/demo.css")]
fn style() -> Page {
    Page(demo::DEMO_CSS, "text/css; charset=utf-8")
}

#[get("/demo.js")]
fn script() -> Page {
    Page(demo::DEMO_JS, "text/javascript; charset=utf-8")
}

/// A page of the demo with its protective headers.
struct Page(&'static str, &'static str);

impl<'r> Responder<'r, 'static> for Page {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let mut response = Response::build();
        response.header(Header::new("Content-Type", self.1));
        for (name, value) in demo::PAGE_HEADERS {
            response.header(Header::new(name, value));
        }
        response.sized_body(self.0.len(), Cursor::new(self.0)).ok()
    }
}
