//! The conformance suite: every HTTP behaviour of the coauth resources, asserted once and run
//! against every adapter, in process and over a real socket.
//!
//! An adapter takes part by implementing [`Harness`] (mount the resources under a prefix,
//! send one request in process, serve on `127.0.0.1:0`) and calling [`run`] from a test
//! target with `harness = false`. The cases are data ([`CASES`]): a case added here runs
//! against every adapter without touching one. Each case shows up in the test output as
//! `{adapter}::{transport}::{area}::{case}`, for example
//! `rocket::socket::script::served_with_etag_and_revalidation`.
//!
//! The axum glue, whole (tests/tests/conformance_axum.rs):
//!
//! ```no_run
//! use std::net::SocketAddr;
//!
//! use axum::Router;
//! use axum::body::Body;
//! use bytes::Bytes;
//! use coauth_core::ResourceCreator;
//! use http::{Request, Response};
//! use http_body_util::BodyExt;
//! use tower::ServiceExt;
//!
//! struct Axum;
//!
//! impl coauth_tests::conformance::Harness for Axum {
//!     const NAME: &'static str = "axum";
//!     type App = Router;
//!
//!     async fn app(creator: ResourceCreator, prefix: &'static str) -> Router {
//!         Router::new().nest(prefix, coauth_axum::router(&creator))
//!     }
//!
//!     async fn send(app: &Router, request: Request<Bytes>) -> Response<Bytes> {
//!         let response = app.clone().oneshot(request.map(Body::from)).await.unwrap();
//!         let (parts, body) = response.into_parts();
//!         Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
//!     }
//!
//!     async fn serve(creator: ResourceCreator, prefix: &'static str) -> SocketAddr {
//!         let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//!         let addr = listener.local_addr().unwrap();
//!         let app = Self::app(creator, prefix).await;
//!         tokio::spawn(async move { axum::serve(listener, app).await });
//!         addr
//!     }
//! }
//!
//! fn main() {
//!     coauth_tests::conformance::run::<Axum>()
//! }
//! ```

mod cookies;
mod errors;
pub mod fixture;
mod flow;
mod origin;
mod pages;
mod refusals;
mod requests;
mod routing;
mod script;

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;

use bytes::Bytes;
use coauth_core::{Coauth, ResourceCreator};
use http::{Request, Response};
use libtest_mimic::{Arguments, Trial};

use fixture::{App, BASE, SocketClient};

/// A boxed future that stays on the thread it was made on: each case runs on its own
/// single-threaded runtime.
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// How an adapter is driven by the suite. Implementations are translation only, like the
/// adapters they drive: a few lines each.
pub trait Harness: 'static {
    /// The adapter's name in the test output: `axum`, `warp`, `rocket`.
    const NAME: &'static str;
    /// An app ready for in-process requests.
    type App: 'static;

    /// A fresh app with `creator`'s resources mounted under `prefix` (e.g. `/coauth`).
    fn app(creator: ResourceCreator, prefix: &'static str) -> impl Future<Output = Self::App>;

    /// Hands one request to `app` in process and collects the whole answer. The request's
    /// URI is a path with an optional query.
    fn send(app: &Self::App, request: Request<Bytes>) -> impl Future<Output = Response<Bytes>>;

    /// Serves a fresh app like [`Harness::app`]'s on a real socket bound to `127.0.0.1:0`,
    /// in a task of the current runtime, and returns its address.
    fn serve(creator: ResourceCreator, prefix: &'static str) -> impl Future<Output = SocketAddr>;
}

/// Something requests can be sent to: an app in process or on a socket.
pub trait Client {
    /// Sends one request and collects the whole answer.
    fn send(&self, request: Request<Bytes>) -> LocalBoxFuture<'_, Response<Bytes>>;

    /// The socket address of the app, when it is reached over a socket.
    fn addr(&self) -> Option<SocketAddr> {
        None
    }
}

/// How a case reaches the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The framework's own in-process entry point (tower `oneshot`, `warp::test`, rocket's
    /// local client).
    InProcess,
    /// HTTP/1.1 over a loopback socket, through the framework's real server.
    Socket,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::InProcess => "in_process",
            Transport::Socket => "socket",
        })
    }
}

/// Both transports, in the order the suite runs them.
pub const TRANSPORTS: [Transport; 2] = [Transport::InProcess, Transport::Socket];

/// The adapter and transport a case runs against: makes apps for the case.
#[derive(Clone)]
pub struct Adapter {
    mount: Rc<dyn Mount>,
    transport: Transport,
}

impl Adapter {
    /// The adapter `H` over `transport`.
    pub fn new<H: Harness>(transport: Transport) -> Adapter {
        Adapter {
            mount: Rc::new(Mounter::<H>(PhantomData)),
            transport,
        }
    }

    /// How the case reaches its apps.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// An app serving `coauth` under [`BASE`].
    pub async fn app(&self, coauth: Coauth) -> App {
        self.app_at(coauth, BASE).await
    }

    /// An app serving `coauth` under `prefix`.
    pub async fn app_at(&self, coauth: Coauth, prefix: &'static str) -> App {
        let client = self
            .mount
            .client(ResourceCreator::new(coauth), prefix, self.transport)
            .await;
        App::new(client, prefix)
    }
}

impl fmt::Debug for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adapter")
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// [`Harness`] without its type parameter, so that cases stay plain data.
trait Mount {
    fn client(
        &self,
        creator: ResourceCreator,
        prefix: &'static str,
        transport: Transport,
    ) -> LocalBoxFuture<'static, Box<dyn Client>>;
}

struct Mounter<H>(PhantomData<H>);

struct InProcess<H: Harness>(H::App);

impl<H: Harness> Client for InProcess<H> {
    fn send(&self, request: Request<Bytes>) -> LocalBoxFuture<'_, Response<Bytes>> {
        Box::pin(H::send(&self.0, request))
    }
}

impl<H: Harness> Mount for Mounter<H> {
    fn client(
        &self,
        creator: ResourceCreator,
        prefix: &'static str,
        transport: Transport,
    ) -> LocalBoxFuture<'static, Box<dyn Client>> {
        Box::pin(async move {
            match transport {
                Transport::InProcess => {
                    Box::new(InProcess::<H>(H::app(creator, prefix).await)) as Box<dyn Client>
                }
                Transport::Socket => Box::new(SocketClient(H::serve(creator, prefix).await)),
            }
        })
    }
}

/// One conformance case.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// `area::case`, as the test output shows it after the adapter and transport.
    pub name: &'static str,
    /// Runs the case; it panics on a failure.
    pub run: fn(Adapter) -> LocalBoxFuture<'static, ()>,
}

macro_rules! cases {
    ($($area:ident :: $case:ident),* $(,)?) => {
        /// Every conformance case. Each one runs against every adapter and transport.
        pub const CASES: &[Case] = &[$(
            Case {
                name: concat!(stringify!($area), "::", stringify!($case)),
                run: |adapter| Box::pin($area::$case(adapter)),
            }
        ),*];
    };
}

cases![
    flow::sign_in_succeeds_and_keeps_tokens_from_the_browser,
    flow::flow_answers_are_json_and_never_stored,
    flow::credentials_reach_the_browser_only_on_opt_in,
    flow::result_hook_sees_credentials_and_builds_the_answer,
    flow::every_set_cookie_of_the_answer_arrives,
    flow::denial_is_user_denied_without_a_token_call,
    flow::posted_tokens_are_ignored_and_codes_cannot_be_replayed,
    flow::a_code_bound_to_one_flow_cannot_be_redeemed_with_another,
    cookies::binding_cookie_has_safe_attributes_and_is_reused,
    cookies::loopback_http_origin_gets_a_non_secure_cookie,
    cookies::binding_cookie_is_found_in_any_cookie_header,
    origin::auth_url_refusals,
    origin::no_cross_origin_access_is_granted,
    refusals::result_refusals_happen_before_any_provider_call,
    requests::every_other_method_is_405_with_allow,
    requests::malformed_requests_are_validation_errors,
    requests::json_content_type_is_matched_as_a_media_type,
    requests::body_limit_is_exact,
    requests::large_body_gets_413_before_it_is_read,
    errors::provider_failures_map_to_the_error_table,
    errors::hanging_provider_is_a_connection_error_within_the_timeout,
    script::served_with_etag_and_revalidation,
    script::if_none_match_forms,
    pages::cannot_be_framed_cached_or_leak_a_referrer,
    pages::head_answers_headers_without_a_body,
    pages::result_page_get_with_the_providers_query,
    pages::form_post_answer_is_embedded_as_inert_json,
    pages::result_page_post_takes_only_a_form,
    pages::a_form_whose_first_field_is_method_stays_a_post,
    routing::resources_answer_under_any_prefix,
];

/// Runs every case against `H` over both transports with libtest's command line and output
/// (`cargo test --test conformance_axum -- script::` runs the script cases only), then
/// exits.
pub fn run<H: Harness>() -> ! {
    let arguments = Arguments::from_args();
    let trials = TRANSPORTS
        .into_iter()
        .flat_map(|transport| {
            CASES.iter().map(move |case| {
                let case = *case;
                Trial::test(
                    format!("{}::{transport}::{}", H::NAME, case.name),
                    move || {
                        let runtime = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .map_err(|e| format!("no tokio runtime: {e}"))?;
                        runtime.block_on((case.run)(Adapter::new::<H>(transport)));
                        Ok(())
                    },
                )
            })
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit()
}
