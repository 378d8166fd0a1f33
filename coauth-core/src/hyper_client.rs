//! The default [`HttpClient`]: a pooled hyper client over rustls (webpki roots, or the
//! system's with the `native-roots` feature), connecting directly or through an HTTP proxy
//! (proxy.rs).

use std::sync::Arc;
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

use crate::http_client::{HttpClient, HttpError, HttpErrorDetail, OutboundPolicy};

mod proxy;
mod resolver;

pub use proxy::ProxyConfig;
use proxy::{Proxies, ProxyConnector, ProxyError};
use resolver::{PolicyRefused, PolicyResolver};

/// The connector: TCP directly (name resolution filtered by the outbound policy) or through
/// a proxy's `CONNECT` tunnel, then TLS to the target for https.
type Connector = HttpsConnector<ProxyConnector>;

/// The root certificates a [`HyperClient`] trusts for https.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Roots {
    /// Mozilla's root program as compiled into the binary (the `webpki-roots` crate): the
    /// same on every machine, independent of the system's store. The default.
    #[default]
    Webpki,
    /// The operating system's store (the `rustls-native-certs` crate), read when the client
    /// is built: what the company's administrators added is trusted, such as the CA of a
    /// TLS-inspecting proxy. Certificates the store holds but rustls cannot parse are
    /// skipped; with no usable certificate, every https call fails with a TLS error.
    #[cfg(feature = "native-roots")]
    #[cfg_attr(docsrs, doc(cfg(feature = "native-roots")))]
    Native,
}

/// The pooled hyper + rustls client coauth uses unless the app plugs in another.
///
/// It never follows redirects, bounds the connect time, the whole request's time and the
/// answer's size, sends a `User-Agent` when the request has none, and enforces an
/// [`OutboundPolicy`] before opening any connection.
///
/// By default it goes through the proxies of `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`
/// (read once, by [`HyperClientBuilder::build`]); see [`ProxyConfig`] for the rules and
/// [`HyperClientBuilder::proxy`] to set them explicitly.
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
    proxy: Option<ProxyConfig>,
    proxy_from_env: bool,
    roots: Roots,
}

impl Default for HyperClientBuilder {
    fn default() -> Self {
        HyperClientBuilder {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            max_response_bytes: 1024 * 1024,
            policy: OutboundPolicy::default(),
            user_agent: concat!("coauth/", env!("CARGO_PKG_VERSION")).to_owned(),
            proxy: None,
            proxy_from_env: true,
            roots: Roots::default(),
        }
    }
}

impl HyperClientBuilder {
    /// Longest time to establish a connection: the TCP connection, or through a proxy the
    /// TCP connection to the proxy and its `CONNECT` tunnel. Default 5 s.
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

    /// Whether [`HyperClientBuilder::build`] reads the proxy settings from the environment
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` and their lowercase forms, as
    /// [`ProxyConfig::from_env`]) when no [`HyperClientBuilder::proxy`] is set. Default
    /// `true`; `false` connects directly.
    pub fn proxy_from_env(mut self, enabled: bool) -> Self {
        self.proxy_from_env = enabled;
        self
    }

    /// The proxy settings to use instead of the environment's.
    /// `proxy(ProxyConfig::new())` connects directly, whatever the environment says.
    ///
    /// Through a proxy, every target is reached with an HTTP `CONNECT` tunnel (plain http
    /// ones too); for https, TLS runs to the target inside it. The outbound policy still
    /// checks the target URL's host literal and scheme, but the proxy resolves the target's
    /// name, so the check of resolved addresses applies only to targets reached directly
    /// (those `NO_PROXY` excludes among them). The proxy's own address, being the
    /// operator's configuration, may be private or loopback. A proxy that cannot be reached
    /// or refuses the tunnel (403, 407, 502, ...) is an [`HttpError::Connect`] naming its
    /// `host:port`, never its credentials.
    pub fn proxy(mut self, config: ProxyConfig) -> Self {
        self.proxy = Some(config);
        self
    }

    /// The root certificates trusted for https. Default [`Roots::Webpki`].
    pub fn roots(mut self, roots: Roots) -> Self {
        self.roots = roots;
        self
    }

    /// Builds the client (reading the proxy environment variables, unless turned off or
    /// replaced, and with `Roots::Native` the system's certificate store).
    pub fn build(self) -> HyperClient {
        fn configure<R>(http: &mut HttpConnector<R>, connect_timeout: Duration) {
            http.enforce_http(false);
            http.set_connect_timeout(Some(connect_timeout));
            http.set_nodelay(true);
        }
        let mut direct = HttpConnector::new_with_resolver(PolicyResolver {
            inner: GaiResolver::new(),
            policy: self.policy,
        });
        configure(&mut direct, self.connect_timeout);
        let mut to_proxy = HttpConnector::new();
        configure(&mut to_proxy, self.connect_timeout);
        let proxies = match &self.proxy {
            Some(config) => Proxies::new(config),
            None if self.proxy_from_env => Proxies::new(&ProxyConfig::from_env()),
            None => Proxies::new(&ProxyConfig::new()),
        };
        let connector = ProxyConnector {
            direct,
            to_proxy,
            proxies: Arc::new(proxies),
            connect_timeout: self.connect_timeout,
        };
        let tls = hyper_rustls::HttpsConnectorBuilder::new();
        let tls = match self.roots {
            Roots::Webpki => tls
                .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
                .expect("the ring provider supports the default protocol versions"),
            #[cfg(feature = "native-roots")]
            Roots::Native => tls.with_tls_config(native_roots_config()),
        };
        let https = tls.https_or_http().enable_http1().wrap_connector(connector);
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

/// A TLS configuration trusting the system's root certificates.
#[cfg(feature = "native-roots")]
fn native_roots_config() -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable stores and unparsable certificates are skipped: the client then trusts
    // what could be loaded, and a missing root shows as a TLS error on the call.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

impl HyperClient {
    /// Settings for a new client.
    pub fn builder() -> HyperClientBuilder {
        HyperClientBuilder::default()
    }

    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, Full::new(body));
        let response = self.client.request(request).await.map_err(request_error)?;
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
                    HttpError::Other(
                        HttpErrorDetail::new("the answer was cut off")
                            .with_source(BoxedError(error)),
                    )
                }
            })?
            .to_bytes();
        Ok(Response::from_parts(parts, body))
    }
}

/// Maps a hyper client failure: a resolution the policy refused, a proxy that failed, a
/// connect failure, or a failure after connecting. The hyper error is kept as the source.
fn request_error(error: hyper_util::client::legacy::Error) -> HttpError {
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        // The resolver's refusal travels inside an io::Error, whose own `source()` skips it.
        let refused = inner
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .is_some_and(|cause| cause.is::<PolicyRefused>());
        if refused || inner.is::<PolicyRefused>() {
            return HttpError::Forbidden(
                HttpErrorDetail::new(PolicyRefused.to_string()).with_source(error),
            );
        }
        if let Some(proxy) = inner.downcast_ref::<ProxyError>() {
            // The proxy error names the tunnel's failure; add its root cause (an I/O error).
            let root = std::error::Error::source(proxy).and_then(deepest_cause);
            let message = match root {
                Some(cause) => format!("{proxy}: {cause}"),
                None => proxy.to_string(),
            };
            return HttpError::Connect(HttpErrorDetail::new(message).with_source(error));
        }
        source = inner.source();
    }
    if error.is_connect() {
        let message = deepest_cause(&error).unwrap_or_else(|| "connection failed".into());
        HttpError::Connect(HttpErrorDetail::new(message).with_source(error))
    } else if connection_lost(&error) {
        // Reset, aborted or closed before the answer: the provider could not be reached, as
        // with a refused connection, not a provider that answered something wrong.
        HttpError::Connect(
            HttpErrorDetail::new("the connection was lost before an answer arrived")
                .with_source(error),
        )
    } else {
        HttpError::Other(
            HttpErrorDetail::new("the connection failed before an answer arrived")
                .with_source(error),
        )
    }
}

/// Whether `error` is a connection that was reset, aborted or closed before a whole answer
/// arrived (rather than an answer hyper could not read).
fn connection_lost(error: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind;
    let mut current = Some(error);
    while let Some(inner) = current {
        if let Some(io) = inner.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::UnexpectedEof
            )
        {
            return true;
        }
        if let Some(hyper) = inner.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message() || hyper.is_closed() || hyper.is_canceled())
        {
            return true;
        }
        current = inner.source();
    }
    false
}

/// The innermost cause of `error`, as a short, secret-free description (no URL: it may carry
/// a query), or `None` when `error` has no cause.
fn deepest_cause(error: &dyn std::error::Error) -> Option<String> {
    let mut source = error.source();
    let mut last = None;
    while let Some(inner) = source {
        last = Some(inner.to_string());
        source = inner.source();
    }
    last
}

/// A boxed error as a sized one, to be kept as an [`HttpErrorDetail`]'s source.
#[derive(Debug)]
struct BoxedError(Box<dyn std::error::Error + Send + Sync>);

impl std::fmt::Display for BoxedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for BoxedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
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

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener};

    use super::*;
    use crate::Error;

    /// A loopback port where nothing listens: bound without listening and held for the life
    /// of the process, so no other test's server can take it and no outgoing connection can
    /// pick it as its own port (and connect to itself).
    fn closed_port() -> SocketAddr {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
        let addr = socket.local_addr().unwrap();
        std::mem::forget(socket);
        addr
    }

    fn get(url: &str) -> Request<Bytes> {
        Request::get(url).body(Bytes::new()).unwrap()
    }

    /// The first `std::io::Error` in `error`'s source chain.
    fn io_cause(error: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
        let mut source = error.source();
        while let Some(inner) = source {
            if let Some(io) = inner.downcast_ref::<std::io::Error>() {
                return Some(io.kind());
            }
            source = inner.source();
        }
        None
    }

    /// What a fake proxy saw of one connection: the request head, then the first bytes the
    /// client sent through the tunnel.
    struct Seen {
        head: String,
        tunnelled: Vec<u8>,
    }

    /// A fake proxy taking one connection on a thread (blocking I/O, bounded by timeouts):
    /// reads the request head, answers `answer`, and records what follows.
    fn fake_proxy(answer: &'static str) -> (SocketAddr, std::thread::JoinHandle<Seen>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let thread = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            socket
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && socket.read_exact(&mut byte).is_ok() {
                head.push(byte[0]);
            }
            socket.write_all(answer.as_bytes()).unwrap();
            let mut tunnelled = vec![0u8; 4096];
            let read = socket.read(&mut tunnelled).unwrap_or(0);
            tunnelled.truncate(read);
            Seen {
                head: String::from_utf8_lossy(&head).into_owned(),
                tunnelled,
            }
        });
        (addr, thread)
    }

    fn through(proxy: &str) -> HyperClient {
        HyperClient::builder()
            .allow_loopback(true)
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .proxy(ProxyConfig::new().all(proxy))
            .build()
    }

    #[tokio::test]
    async fn a_refused_connection_keeps_its_io_error_as_the_cause() {
        let addr = closed_port();
        let client = HyperClient::builder()
            .allow_loopback(true)
            .proxy_from_env(false)
            .build();
        let error = client
            .execute(get(&format!("http://{addr}/token?code=secret-code")))
            .await
            .unwrap_err();
        assert!(matches!(error, HttpError::Connect(_)), "{error:?}");
        let error = Error::from(error);
        assert_eq!(error.code(), "ProviderConnectionError");
        assert_eq!(error.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!error.to_string().contains("secret-code"), "{error}");
        assert_eq!(
            io_cause(&error),
            Some(std::io::ErrorKind::ConnectionRefused),
            "{error:?}"
        );
    }

    /// An https target through a proxy: a `CONNECT` naming the target (the proxy resolves
    /// it; this name resolves nowhere), the proxy's credentials as `Proxy-Authorization`,
    /// then TLS to the target inside the tunnel (its ClientHello names the target).
    #[tokio::test]
    async fn https_goes_through_a_connect_tunnel_with_tls_inside() {
        let (proxy, seen) = fake_proxy("HTTP/1.1 200 Connection established\r\n\r\n");
        let client = through(&format!("http://ada:s3cret@{proxy}"));
        let result = client
            .execute(get("https://provider.coauth.invalid/token"))
            .await;
        assert!(
            result.is_err(),
            "the fake proxy closes after the ClientHello"
        );
        let seen = seen.join().unwrap();
        assert!(
            seen.head
                .starts_with("CONNECT provider.coauth.invalid:443 HTTP/1.1\r\n"),
            "{}",
            seen.head
        );
        // base64("ada:s3cret")
        assert!(
            seen.head
                .contains("\r\nProxy-Authorization: Basic YWRhOnMzY3JldA==\r\n"),
            "{}",
            seen.head
        );
        assert_eq!(
            seen.tunnelled.first(),
            Some(&0x16),
            "a TLS handshake record"
        );
        assert!(
            seen.tunnelled
                .windows(b"provider.coauth.invalid".len())
                .any(|w| w == b"provider.coauth.invalid"),
            "the ClientHello's server name is the target's"
        );
    }

    /// Plain http (loopback only) is tunnelled as well; inside the tunnel goes the ordinary
    /// origin-form request.
    #[tokio::test]
    async fn plain_http_is_tunnelled_too() {
        let (proxy, seen) = fake_proxy("HTTP/1.1 200 OK\r\n\r\n");
        let client = through(&format!("http://{proxy}"));
        let _ = client.execute(get("http://127.0.0.1/token")).await;
        let seen = seen.join().unwrap();
        assert!(
            seen.head.starts_with("CONNECT 127.0.0.1:80 HTTP/1.1\r\n"),
            "{}",
            seen.head
        );
        assert!(
            seen.tunnelled.starts_with(b"GET /token HTTP/1.1\r\n"),
            "{}",
            String::from_utf8_lossy(&seen.tunnelled)
        );
    }

    #[tokio::test]
    async fn a_proxy_refusing_the_tunnel_is_a_connection_error_naming_it() {
        for answer in [
            "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n",
            "HTTP/1.1 403 Forbidden\r\n\r\n",
            "HTTP/1.1 502 Bad Gateway\r\n\r\n",
        ] {
            let (proxy, seen) = fake_proxy(answer);
            let client = through(&format!("http://ada:s3cret@{proxy}"));
            let error = client
                .execute(get("https://provider.coauth.invalid/token"))
                .await
                .unwrap_err();
            seen.join().unwrap();
            let HttpError::Connect(detail) = &error else {
                panic!("{answer}: {error:?}");
            };
            let message = detail.message();
            assert!(message.contains(&proxy.to_string()), "{message}");
            let error = Error::from(error);
            assert_eq!(error.code(), "ProviderConnectionError");
            let shown = format!("{error} {error:?}");
            assert!(
                !shown.contains("s3cret") && !shown.contains("ada:"),
                "{shown}"
            );
            assert!(std::error::Error::source(&error).is_some_and(|http| http.source().is_some()));
        }
    }

    #[tokio::test]
    async fn an_unreachable_proxy_is_a_connection_error_with_its_io_cause() {
        let proxy = closed_port();
        let error = through(&format!("http://{proxy}"))
            .execute(get("https://provider.coauth.invalid/token"))
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(message.contains(&proxy.to_string()), "{message}");
        let error = Error::from(error);
        assert_eq!(error.code(), "ProviderConnectionError");
        assert_eq!(
            io_cause(&error),
            Some(std::io::ErrorKind::ConnectionRefused),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn an_unusable_proxy_setting_never_connects_directly() {
        let client = HyperClient::builder()
            .allow_loopback(true)
            .proxy(ProxyConfig::new().https("socks5://ada:s3cret@127.0.0.1:1080"))
            .build();
        let error = client
            .execute(get("https://provider.coauth.invalid/token"))
            .await
            .unwrap_err();
        assert!(matches!(error, HttpError::Connect(_)), "{error:?}");
        let message = error.to_string();
        assert!(
            message.contains("not a usable http:// proxy URL"),
            "{message}"
        );
        assert!(!message.contains("s3cret"), "{message}");
    }

    /// A resolver answering one fixed address, as a DNS pointing a name at loopback might.
    #[derive(Clone)]
    struct Fixed(SocketAddr);

    impl tower_service::Service<hyper_util::client::legacy::connect::dns::Name> for Fixed {
        type Response = std::vec::IntoIter<SocketAddr>;
        type Error = std::io::Error;
        type Future = std::future::Ready<Result<Self::Response, std::io::Error>>;

        fn poll_ready(
            &mut self,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Result<(), std::io::Error>> {
            std::task::Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: hyper_util::client::legacy::connect::dns::Name) -> Self::Future {
            std::future::ready(Ok(vec![self.0].into_iter()))
        }
    }

    /// A target `NO_PROXY` excludes is reached directly, with the resolver's address check: a
    /// name resolving to loopback is refused without the opt-in, and never connected to.
    /// Without the exclusion, the same target goes to the proxy, which resolves the name.
    #[tokio::test]
    async fn a_target_excluded_by_no_proxy_gets_the_resolver_check() {
        let target = TcpListener::bind("127.0.0.1:0").unwrap();
        target.set_nonblocking(true).unwrap();
        let port = target.local_addr().unwrap().port();
        let proxy = closed_port();
        let send = |no_proxy: &str| {
            let mut direct = HttpConnector::new_with_resolver(PolicyResolver {
                inner: Fixed(target.local_addr().unwrap()),
                policy: OutboundPolicy::default(),
            });
            direct.enforce_http(false);
            let connector = ProxyConnector {
                direct,
                to_proxy: HttpConnector::new(),
                proxies: Arc::new(Proxies::new(
                    &ProxyConfig::new()
                        .all(&format!("http://{proxy}"))
                        .no_proxy(no_proxy),
                )),
                connect_timeout: Duration::from_secs(2),
            };
            let client: Client<_, Full<Bytes>> =
                Client::builder(TokioExecutor::new()).build(connector);
            let request = Request::get(format!("http://provider.example:{port}/token"))
                .body(Full::new(Bytes::new()))
                .unwrap();
            async move { request_error(client.request(request).await.unwrap_err()) }
        };
        let direct = send("provider.example").await;
        assert!(matches!(direct, HttpError::Forbidden(_)), "{direct:?}");
        assert!(target.accept().is_err(), "no connection reached the target");
        let proxied = send("other.example").await;
        assert!(matches!(proxied, HttpError::Connect(_)), "{proxied:?}");
        assert!(
            proxied.to_string().contains(&proxy.to_string()),
            "{proxied}"
        );
    }

    #[cfg(feature = "native-roots")]
    #[test]
    fn the_system_roots_can_be_chosen() {
        let client = HyperClient::builder().roots(Roots::Native).build();
        drop(client);
    }
}
