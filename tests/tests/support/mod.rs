//! The fixture of the HTTP tests that exercise one feature on one adapter (axum), in
//! process and over a real socket: the conformance suite's fixture
//! (`coauth_tests::conformance::fixture`), with an app made from a `Coauth` and a transport.
//! Behaviour that every adapter must share belongs in the conformance suite instead.

#![allow(dead_code, unused_imports)]

use std::ops::Deref;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use coauth_core::{Coauth, ResourceCreator};
use coauth_tests::conformance::{Client, LocalBoxFuture, fixture};
use http::{Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub use coauth_tests::conformance::fixture::*;
pub use coauth_tests::conformance::{TRANSPORTS, Transport};

/// A running app under test: coauth-axum's router under [`BASE`].
pub struct App(fixture::App);

impl App {
    /// Serves `coauth` on axum, reached over `transport`.
    pub async fn new(coauth: Coauth, transport: Transport) -> App {
        let router = Router::new().nest(BASE, coauth_axum::router(&ResourceCreator::new(coauth)));
        let client: Box<dyn Client> = match transport {
            Transport::InProcess => Box::new(InProcess(router)),
            Transport::Socket => {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                tokio::spawn(async move { axum::serve(listener, router).await });
                Box::new(SocketClient(addr))
            }
        };
        App(fixture::App::new(client, BASE))
    }
}

impl Deref for App {
    type Target = fixture::App;

    fn deref(&self) -> &fixture::App {
        &self.0
    }
}

/// The router driven in process with tower's `oneshot`.
struct InProcess(Router);

impl Client for InProcess {
    fn send(&self, request: Request<Bytes>) -> LocalBoxFuture<'_, Response<Bytes>> {
        Box::pin(async move {
            let response = self
                .0
                .clone()
                .oneshot(request.map(Body::from))
                .await
                .unwrap();
            let (parts, body) = response.into_parts();
            Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
        })
    }
}
