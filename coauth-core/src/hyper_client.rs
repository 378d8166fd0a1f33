//! The default [`HttpClient`]: a pooled hyper client over rustls with webpki roots.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::GaiResolver;
use hyper_util::rt::TokioExecutor;

use crate::http_client::{HttpClient, HttpError, OutboundPolicy};

mod resolver;

use resolver::{PolicyRefused, PolicyResolver};

/// The connector: name resolution filtered by the outbound policy, then TCP, then TLS.
type Connector = HttpsConnector<HttpConnector<PolicyResolver<GaiResolver>>>;

/// The pooled hyper + rustls client coauth uses unless the app plugs in another.
///
/// It never follows redirects, bounds the connect time, the whole request's time and the
/// answer's size, sends a `User-Agent` when the request has none, and enforces an
/// [`OutboundPolicy`] before opening any connection.
#[derive(Clone)]
pub struct HyperClient {
    client: Client<Connector, Full<Bytes>>,
    timeout: Duration,
    max_response_bytes: usize,
    policy: OutboundPolicy,
    user_agent: HeaderValue,
}

impl std::fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperClient")
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`HyperClient`].
#[derive(Debug, Clone)]
pub struct HyperClientBuilder {
    connect_timeout: Duration,
    timeout: Duration,
    max_response_bytes: usize,
    policy: OutboundPolicy,
    user_agent: String,
}

impl Default for HyperClientBuilder {
    fn default() -> Self {
        HyperClientBuilder {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            max_response_bytes: 1024 * 1024,
            policy: OutboundPolicy::default(),
            user_agent: concat!("coauth/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl HyperClientBuilder {
    /// Longest time to establish a connection (TCP and TLS). Default 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Longest time for a whole request, from connecting to the last byte of the answer.
    /// Default 20 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Largest answer body accepted. Default 1 MiB.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allows providers on loopback addresses, over http or https. Off by default; tests and
    /// demos that run a provider on the same machine turn it on.
    pub fn allow_loopback(mut self, allow: bool) -> Self {
        self.policy.allow_loopback = allow;
        self
    }

    /// The `User-Agent` sent when a request has none (GitHub's API refuses requests without).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    pub fn build(self) -> HyperClient {
        let mut http = HttpConnector::new_with_resolver(PolicyResolver {
            inner: GaiResolver::new(),
            policy: self.policy,
        });
        http.enforce_http(false);
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .expect("the ring provider supports the default protocol versions")
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(https);
        HyperClient {
            client,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            policy: self.policy,
            user_agent: HeaderValue::from_str(&self.user_agent)
                .unwrap_or_else(|_| HeaderValue::from_static("coauth")),
        }
    }
}

impl HyperClient {
    /// Settings for a new client.
    pub fn builder() -> HyperClientBuilder {
        HyperClientBuilder::default()
    }

    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, Full::new(body));
        let response = self
            .client
            .request(request)
            .await
            .map_err(|error| request_error(&error))?;
        let (parts, body) = response.into_parts();
        let limit = self.max_response_bytes;
        if let Some(length) = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            && length > limit as u64
        {
            return Err(HttpError::BodyTooLarge { limit });
        }
        let body = Limited::new(body, limit)
            .collect()
            .await
            .map_err(|error| {
                if error.is::<http_body_util::LengthLimitError>() {
                    HttpError::BodyTooLarge { limit }
                } else {
                    HttpError::Other("the answer was cut off".into())
                }
            })?
            .to_bytes();
        Ok(Response::from_parts(parts, body))
    }
}

/// Maps a hyper client failure: a resolution the policy refused, a connect failure, or a
/// failure after connecting.
fn request_error(error: &hyper_util::client::legacy::Error) -> HttpError {
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        // The resolver's refusal travels inside an io::Error, whose own `source()` skips it.
        let refused = inner
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .is_some_and(|cause| cause.is::<PolicyRefused>());
        if refused || inner.is::<PolicyRefused>() {
            return HttpError::Forbidden(PolicyRefused.to_string());
        }
        source = inner.source();
    }
    if error.is_connect() {
        HttpError::Connect(describe_connect_error(error))
    } else {
        HttpError::Other("the connection failed before an answer arrived".into())
    }
}

/// A short, secret-free description of a connect failure (no URL: it may carry a query).
fn describe_connect_error(error: &hyper_util::client::legacy::Error) -> String {
    let mut source = std::error::Error::source(error);
    let mut last = None;
    while let Some(inner) = source {
        last = Some(inner.to_string());
        source = inner.source();
    }
    last.unwrap_or_else(|| "connection failed".into())
}

#[async_trait]
impl HttpClient for HyperClient {
    async fn execute(&self, mut request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        self.policy.check(request.uri())?;
        request
            .headers_mut()
            .entry(header::USER_AGENT)
            .or_insert_with(|| self.user_agent.clone());
        tokio::time::timeout(self.timeout, self.send(request))
            .await
            .map_err(|_| HttpError::Timeout)?
    }
}

impl Default for HyperClient {
    fn default() -> Self {
        HyperClient::builder().build()
    }
}
