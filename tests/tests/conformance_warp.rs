//! The conformance suite against coauth-warp: the filter behind one `warp::path` per
//! prefix segment, driven in process as a tower service (`warp::service`) and over a socket with
//! `warp::serve`.

use std::net::SocketAddr;

use bytes::Bytes;
use coauth_core::ResourceCreator;
use coauth_tests::conformance::{Harness, run};
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use tower::ServiceExt;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::Response as WarpResponse;

struct Warp;

impl Harness for Warp {
    const NAME: &'static str = "warp";
    type App = BoxedFilter<(WarpResponse,)>;

    async fn app(creator: ResourceCreator, prefix: &'static str) -> Self::App {
        prefix
            .split('/')
            .filter(|segment| !segment.is_empty())
            .fold(warp::any().boxed(), |filter, segment| {
                filter.and(warp::path(segment)).boxed()
            })
            .and(coauth_warp::filter(&creator))
            .boxed()
    }

    async fn send(app: &Self::App, request: Request<Bytes>) -> Response<Bytes> {
        let service = warp::service(app.clone());
        let response = service.oneshot(request.map(Full::new)).await.unwrap();
        let (parts, body) = response.into_parts();
        Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
    }

    async fn serve(creator: ResourceCreator, prefix: &'static str) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Self::app(creator, prefix).await;
        tokio::spawn(warp::serve(app).incoming(listener).run());
        addr
    }
}

fn main() {
    run::<Warp>()
}
