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
/// `/result_page_{provider}` for each provider), to mount under any prefix with
/// [`Router::nest`]. [`router_at`] serves the same at paths that carry the prefix, to
/// [`Router::merge`], which costs less per request.
pub fn router<S>(creator: &ResourceCreator) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router_at("", creator)
}

/// A router serving every coauth resource under `prefix` (`/coauth` serves
/// `/coauth/auth_url`, `/coauth/coauth.js`, ...), to add to an app with [`Router::merge`].
///
/// The same resources as [`router`] mounted with [`Router::nest`], without the rewrite of
/// each request's URI that nesting does: in the load run of the README's Performance
/// section, `auth_url` serves more requests per second this way. A missing leading `/` is
/// added and a trailing one dropped; `""` (or `"/"`) serves at the root.
///
/// ```
/// # use coauth_core::{Coauth, ResourceCreator};
/// # fn app(coauth: Coauth) -> axum::Router {
/// axum::Router::new().merge(coauth_axum::router_at("/coauth", &ResourceCreator::new(coauth)))
/// # }
/// ```
pub fn router_at<S>(prefix: &str, creator: &ResourceCreator) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let prefix = prefix.trim_matches('/');
    creator
        .resources()
        .into_iter()
        .fold(Router::new(), |router, resource| {
            let path = if prefix.is_empty() {
                resource.path().to_owned()
            } else {
                format!("/{prefix}{}", resource.path())
            };
            router.route(
                &path,
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

/// What the crate's tests build on: a `Coauth` with one OAuth 2.0 provider at
/// `idp.example` and the app at `app.example`.
#[cfg(test)]
pub(crate) mod test_support {
    use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
    use coauth_core::{Coauth, CoauthBuilder};

    pub(crate) fn builder() -> CoauthBuilder {
        let config = OAuth2Config::new(
            "client-id",
            "client-secret",
            "https://idp.example/authorize",
            "https://idp.example/token",
        )
        .unwrap();
        let userinfo = StandardUserinfo::new("https://idp.example/userinfo").unwrap();
        Coauth::builder()
            .secret("a test secret of at least thirty-two bytes")
            .provider("idp", OAuth2Provider::new(config, userinfo))
            .redirect_uri("https://app.example/coauth/result_page")
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use coauth_core::ResourceCreator;
    use http::{StatusCode, header};
    use tower::ServiceExt;

    fn creator() -> ResourceCreator {
        let coauth = crate::test_support::builder()
            .allowed_origin("https://app.example")
            .build()
            .unwrap();
        ResourceCreator::new(coauth)
    }

    /// Status, content type and, for the pages and scripts, the body.
    async fn answer(app: &Router, request: http::Request<Body>) -> (StatusCode, String, String) {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let kind = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, kind, String::from_utf8_lossy(&body).into_owned())
    }

    fn get(path: &str) -> http::Request<Body> {
        http::Request::get(path).body(Body::empty()).unwrap()
    }

    fn auth_url(path: &str) -> http::Request<Body> {
        http::Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ORIGIN, "https://app.example")
            .body(Body::from(
                r#"{"providerType":"idp","redirectUri":"https://app.example/coauth/result_page"}"#,
            ))
            .unwrap()
    }

    /// `router_at` merged serves what `router` nested serves, at the same paths.
    #[tokio::test]
    async fn router_at_serves_every_resource_as_the_nested_router() {
        let creator = creator();
        let nested: Router = Router::new().nest("/coauth", super::router(&creator));
        let merged: Router = Router::new().merge(super::router_at("/coauth", &creator));
        for resource in creator.resources() {
            let path = format!("/coauth{}", resource.path());
            let (status, kind, body) = answer(&merged, get(&path)).await;
            assert_eq!(
                (status, kind.clone()),
                {
                    let (status, kind, _) = answer(&nested, get(&path)).await;
                    (status, kind)
                },
                "{path}"
            );
            assert_ne!(status, StatusCode::NOT_FOUND, "{path}");
            if status == StatusCode::OK {
                assert_eq!(body, answer(&nested, get(&path)).await.2, "{path}");
            }
        }
        for app in [&nested, &merged] {
            let (status, kind, body) = answer(app, auth_url("/coauth/auth_url")).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(kind, "application/json");
            assert!(body.contains("https://idp.example/authorize?"), "{body}");
            assert_eq!(answer(app, get("/auth_url")).await.0, StatusCode::NOT_FOUND);
        }
    }

    #[tokio::test]
    async fn the_prefix_is_a_path_with_one_leading_slash_and_none_trailing() {
        let creator = creator();
        for prefix in ["/coauth", "coauth", "/coauth/", "coauth/"] {
            let app: Router = super::router_at(prefix, &creator);
            let (status, kind, _) = answer(&app, get("/coauth/coauth.js")).await;
            assert_eq!(status, StatusCode::OK, "{prefix:?}");
            assert!(kind.starts_with("text/javascript"), "{prefix:?}: {kind}");
        }
        let deeper: Router = super::router_at("/api/auth/", &creator);
        assert_eq!(
            answer(&deeper, auth_url("/api/auth/auth_url")).await.0,
            StatusCode::OK
        );
        for root in ["", "/"] {
            let app: Router = super::router_at(root, &creator);
            assert_eq!(
                answer(&app, get("/coauth.js")).await.0,
                StatusCode::OK,
                "{root:?}"
            );
        }
    }
}
