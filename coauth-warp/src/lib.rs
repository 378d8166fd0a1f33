#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use bytes::{Buf, Bytes, BytesMut};
use coauth_core::{Resource, ResourceCreator};
use futures_util::{Stream, StreamExt};
use http::{HeaderMap, Method};
use warp::Filter;
use warp::filters::BoxedFilter;
use warp::path::FullPath;
use warp::reply::Response;

mod signed_in;

pub use signed_in::{SignedInRejection, recover, session, signed_in, with_renewal};

/// A filter serving every coauth resource at its path ([`Resource::path`]: `/auth_url`,
/// `/result`, `/coauth.js`, ...) relative to the path matched so far: put it behind
/// `warp::path("coauth")` (or any prefix) with [`Filter::and`]. Other paths are rejected
/// with "not found", so the filter combines with the app's routes by [`Filter::or`].
pub fn filter(creator: &ResourceCreator) -> BoxedFilter<(Response,)> {
    creator
        .resources()
        .into_iter()
        .map(resource_filter)
        .reduce(|all, one| all.or(one).unify().boxed())
        .expect("coauth makes at least one resource")
}

/// The filter of one resource: its path segment, then any method, query, headers and body.
fn resource_filter(resource: Resource) -> BoxedFilter<(Response,)> {
    let segment = resource.path().trim_start_matches('/');
    let query = warp::query::raw().or(warp::any().map(String::new)).unify();
    warp::path(segment)
        .and(warp::path::end())
        .and(warp::method())
        .and(warp::path::full())
        .and(query)
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .then(
            move |method: Method, path: FullPath, query: String, headers: HeaderMap, body| {
                let resource = resource.clone();
                async move {
                    let uri = if query.is_empty() {
                        path.as_str().to_owned()
                    } else {
                        format!("{}?{query}", path.as_str())
                    };
                    serve(resource, method, &uri, headers, body).await
                }
            },
        )
        .boxed()
}

/// Serves one request with one resource.
async fn serve<S, B>(
    resource: Resource,
    method: Method,
    uri: &str,
    headers: HeaderMap,
    body: S,
) -> Response
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let Some(body) = read_limited(body, resource.body_limit()).await else {
        return resource.body_too_large().map(Into::into);
    };
    let mut request = http::Request::new(body);
    *request.method_mut() = method;
    if let Ok(uri) = uri.parse() {
        *request.uri_mut() = uri;
    }
    *request.headers_mut() = headers;
    resource.handle(request).await.map(Into::into)
}

/// The whole body, or `None` once it is longer than `limit` (nothing more is read) or
/// cannot be read.
async fn read_limited<S, B>(body: S, limit: usize) -> Option<Bytes>
where
    S: Stream<Item = Result<B, warp::Error>>,
    B: Buf,
{
    let mut body = std::pin::pin!(body);
    let mut bytes = BytesMut::new();
    while let Some(chunk) = body.next().await {
        let mut chunk = chunk.ok()?;
        if bytes.len() + chunk.remaining() > limit {
            return None;
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            bytes.extend_from_slice(part);
            let read = part.len();
            chunk.advance(read);
        }
    }
    Some(bytes.freeze())
}
