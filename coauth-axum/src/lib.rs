//! coauth-axum: the coauth resources as an axum [`Router`].
//!
//! Translation only: each request is read into an `http::Request<Bytes>` (up to the
//! resource's body limit), handed to coauth-core, and the core's answer is sent as it is.
//!
//! ```
//! use axum::Router;
//! use coauth_core::{Coauth, ResourceCreator, presets::GitHub};
//!
//! let coauth = Coauth::builder()
//!     .secret(std::env::var("COAUTH_SECRET").unwrap_or_else(|_| "x".repeat(32)))
//!     .provider("github", GitHub::new("client-id", "client-secret").build())
//!     .redirect_uri("https://app.example/coauth/result_page")
//!     .build()
//!     .expect("valid coauth configuration");
//! let app: Router = Router::new().nest("/coauth", coauth_axum::router(&ResourceCreator::new(coauth)));
//! # let _ = app;
//! ```

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::any;
use coauth_core::{Resource, ResourceCreator};

/// A router serving every coauth resource at its path (`/auth_url`, `/result`,
/// `/coauth.js`, `/auth_page`, `/result_page`). Mount it under any prefix with
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
