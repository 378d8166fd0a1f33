//! The conformance suite against coauth-axum: the router nested under the prefix, driven
//! in process with tower's `oneshot` and over a socket with `axum::serve`.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use coauth_core::ResourceCreator;
use coauth_tests::conformance::{Harness, run};
use http::{Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Axum;

impl Harness for Axum {
    const NAME: &'static str = "axum";
    type App = Router;

    async fn app(creator: ResourceCreator, prefix: &'static str) -> Router {
        Router::new().nest(prefix, coauth_axum::router(&creator))
    }

    async fn send(app: &Router, request: Request<Bytes>) -> Response<Bytes> {
        let response = app.clone().oneshot(request.map(Body::from)).await.unwrap();
        let (parts, body) = response.into_parts();
        Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
    }

    async fn serve(creator: ResourceCreator, prefix: &'static str) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Self::app(creator, prefix).await;
        tokio::spawn(async move { axum::serve(listener, app).await });
        addr
    }
}

fn main() {
    run::<Axum>()
}
