//! The conformance suite against coauth-warp: the filter behind one `warp::path` per
//! prefix segment, and the app's routes with the `signed_in` and `session` filters when
//! sessions are on, all behind `coauth_warp::recover`; driven in process as a tower service
//! (`warp::service`) and over a socket with `warp::serve`.

use std::net::SocketAddr;

use bytes::Bytes;
use coauth_core::{Coauth, ResourceCreator, Session};
use coauth_tests::conformance::{Harness, run};
use coauth_tests::fixture::maybe_json;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use tower::ServiceExt;
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::reply::{Reply, Response as WarpResponse};

struct Warp;

/// The app's routes: `/app/me`, the session of a signed-in user (rejected otherwise), and
/// `/app/maybe`, whether a user is signed in.
fn app_routes(coauth: &Coauth) -> BoxedFilter<(WarpResponse,)> {
    let me = warp::path!("app" / "me")
        .and(warp::get())
        .and(coauth_warp::signed_in(coauth.clone()))
        .map(|session: Session| {
            coauth_warp::with_renewal(warp::reply::json(&session.to_json()), &session)
        });
    let maybe = warp::path!("app" / "maybe")
        .and(warp::get())
        .and(coauth_warp::session(coauth.clone()))
        .map(|session: Option<Session>| {
            let body = warp::reply::json(&maybe_json(session.as_ref()));
            match session {
                Some(session) => coauth_warp::with_renewal(body, &session),
                None => body.into_response(),
            }
        });
    me.or(maybe).unify().boxed()
}

impl Harness for Warp {
    const NAME: &'static str = "warp";
    type App = BoxedFilter<(WarpResponse,)>;

    async fn app(coauth: Coauth, prefix: &'static str) -> Self::App {
        let resources = prefix
            .split('/')
            .filter(|segment| !segment.is_empty())
            .fold(warp::any().boxed(), |filter, segment| {
                filter.and(warp::path(segment)).boxed()
            })
            .and(coauth_warp::filter(&ResourceCreator::new(coauth.clone())))
            .boxed();
        let app = if coauth.has_sessions() {
            resources.or(app_routes(&coauth)).unify().boxed()
        } else {
            resources
        };
        app.recover(coauth_warp::recover).unify().boxed()
    }

    async fn send(app: &Self::App, request: Request<Bytes>) -> Response<Bytes> {
        let service = warp::service(app.clone());
        let response = service.oneshot(request.map(Full::new)).await.unwrap();
        let (parts, body) = response.into_parts();
        Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
    }

    async fn serve(coauth: Coauth, prefix: &'static str) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Self::app(coauth, prefix).await;
        tokio::spawn(warp::serve(app).incoming(listener).run());
        addr
    }
}

fn main() {
    run::<Warp>()
}
