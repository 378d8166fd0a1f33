#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::any;
use coauth_core::{Resource, ResourceCreator};

mod signed_in;

pub use signed_in::{Renewal, SignedIn, SignedInRejection};

/// A router serving every coauth resource at its path (`/auth_url`, `/result`,
/// `/result_frame`, `/coauth.js`, `/coauth.mjs`, `/auth_page`, `/result_page`, and
/// `/result_page_{provider}` for each provider). Mount it under any prefix with
/// [`Router::nest`].
pub fn router<S>(creator: &ResourceCreator) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    creator
        .resources()
        .into_iter()
        .fold(Router::new(), |router, resource| {
            let path = resource.path();
            router.route(
                path,
                any(move |request: Request| serve(resource.clone(), request)),
            )
        })
}

/// Serves one request with one resource.
pub async fn serve(resource: Resource, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let response = match axum::body::to_bytes(body, resource.body_limit()).await {
        Ok(bytes) => {
            resource
                .handle(http::Request::from_parts(parts, bytes))
                .await
        }
        Err(_) => resource.body_too_large(),
    };
    response.map(Body::from)
}
