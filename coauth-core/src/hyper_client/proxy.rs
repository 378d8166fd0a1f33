//! HTTP proxies for the outbound client, as company networks require them: which target
//! goes through which proxy ([`ProxyConfig`], from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` or
//! set explicitly), and the connector that opens an HTTP `CONNECT` tunnel through the proxy.
//!
//! Every proxied target is tunnelled with `CONNECT host:port`, https and plain http alike
//! (plain http is allowed on loopback only, see [`crate::OutboundPolicy`]): for https, TLS to
//! the target then runs inside the tunnel, so the proxy never sees the request; for http, the
//! request inside the tunnel is the ordinary origin-form one. Matching (`NO_PROXY` rules) and
//! the proxy's `Proxy-Authorization` from `http://user:password@host:port` are hyper-util's
//! (`hyper_util::client::proxy::matcher`), the tunnel is its `Tunnel` connector.
//!
//! The address policy and proxies: the target URL's host literal is still checked by
//! [`crate::OutboundPolicy::check`] before anything is sent, but through a proxy the target's
//! name is resolved by the proxy, so the check of resolved addresses (resolver.rs) applies
//! only to targets reached directly, including those `NO_PROXY` excludes. The proxy's own
//! address is the operator's configuration, not a provider URL, and is not subject to the
//! private-address ban: company proxies commonly sit on private or loopback addresses.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::GaiResolver;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use super::resolver::PolicyResolver;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Which HTTP proxy the outbound client uses for which targets.
///
/// [`crate::HyperClientBuilder`] reads it from the environment by default
/// ([`ProxyConfig::from_env`]); [`crate::HyperClientBuilder::proxy`] sets one explicitly.
/// Proxy URLs are `http://host:port` or `http://user:password@host:port` (the scheme may be
/// left out; user and password are percent-decoded and sent as `Proxy-Authorization: Basic`);
/// proxies spoken to over TLS (`https://`) and SOCKS proxies are not supported, and a target
/// that would go through such a setting fails with [`crate::HttpError::Connect`] instead of
/// silently connecting directly. The credentials of a proxy URL never appear in `Debug`
/// output or in error messages.
///
/// ```
/// use coauth_core::{HyperClient, ProxyConfig};
///
/// let client = HyperClient::builder()
///     .proxy(
///         ProxyConfig::new()
///             .all("http://proxy.corp.example:3128")
///             .no_proxy("localhost, .internal.example, 10.0.0.0/8"),
///     )
///     .build();
/// # drop(client);
/// ```
#[derive(Clone, Default)]
pub struct ProxyConfig {
    http: Slot,
    https: Slot,
    no_proxy: String,
}

/// One proxy setting, validated when it is set.
#[derive(Clone, Default)]
enum Slot {
    /// No proxy: direct connections.
    #[default]
    Unset,
    /// A usable `http://` proxy URL (it may carry credentials: never displayed).
    Proxy(String),
    /// A setting that is not a usable proxy URL: targets that would use it fail.
    Unusable,
}

impl Slot {
    fn parse(url: &str) -> Slot {
        let url = url.trim();
        if url.is_empty() {
            return Slot::Unset;
        }
        match url.parse::<Uri>() {
            Ok(uri)
                if matches!(uri.scheme_str(), None | Some("http"))
                    && uri.authority().is_some_and(|a| !a.host().is_empty()) =>
            {
                Slot::Proxy(url.to_owned())
            }
            _ => Slot::Unusable,
        }
    }

    /// `host:port` of the proxy, without credentials, for `Debug`.
    fn describe(&self) -> String {
        match self {
            Slot::Unset => "none".into(),
            Slot::Proxy(url) => url
                .parse::<Uri>()
                .ok()
                .as_ref()
                .and_then(proxy_address)
                .unwrap_or_else(|| "?".into()),
            Slot::Unusable => "unusable setting".into(),
        }
    }
}

impl ProxyConfig {
    /// No proxy: every target is reached directly.
    pub fn new() -> Self {
        ProxyConfig::default()
    }

    /// The proxy for every target, http and https (`url` as in [`ProxyConfig`]'s docs).
    pub fn all(self, url: &str) -> Self {
        self.http(url).https(url)
    }

    /// The proxy for `http://` targets (loopback only under the outbound policy).
    pub fn http(mut self, url: &str) -> Self {
        self.http = Slot::parse(url);
        self
    }

    /// The proxy for `https://` targets: every real provider.
    pub fn https(mut self, url: &str) -> Self {
        self.https = Slot::parse(url);
        self
    }

    /// Targets reached directly despite a proxy, in `NO_PROXY` syntax: comma-separated host
    /// names (each also matching its subdomains; a leading dot is optional), IP addresses,
    /// CIDR ranges (`10.0.0.0/8`), or `*` for every target. A target reached directly gets
    /// the full address check of the outbound policy, resolved addresses included.
    pub fn no_proxy(mut self, list: &str) -> Self {
        self.no_proxy = list.to_owned();
        self
    }

    /// The settings of the process environment, as [`ProxyConfig::from_env_with`] reads them
    /// with [`std::env::var`].
    pub fn from_env() -> Self {
        ProxyConfig::from_env_with(|name| std::env::var(name).ok())
    }

    /// The settings of an environment given by `lookup` (a variable's name to its value):
    ///
    /// - `HTTPS_PROXY`, else `https_proxy`: the proxy for https targets;
    /// - `HTTP_PROXY`, else `http_proxy`: the proxy for http targets. When `REQUEST_METHOD`
    ///   is set (a CGI process, where a request's `Proxy:` header arrives as `HTTP_PROXY`,
    ///   the "httpoxy" attack), only the lowercase `http_proxy` is read, as curl does;
    /// - `NO_PROXY`, else `no_proxy`: the exclusions, as in [`ProxyConfig::no_proxy`].
    ///
    /// Empty values count as unset. `ALL_PROXY` is not read.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let first = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| lookup(name).filter(|value| !value.trim().is_empty()))
        };
        let http_names: &[&str] = if lookup("REQUEST_METHOD").is_some() {
            &["http_proxy"]
        } else {
            &["HTTP_PROXY", "http_proxy"]
        };
        ProxyConfig {
            http: first(http_names).map_or(Slot::Unset, |url| Slot::parse(&url)),
            https: first(&["HTTPS_PROXY", "https_proxy"])
                .map_or(Slot::Unset, |url| Slot::parse(&url)),
            no_proxy: first(&["NO_PROXY", "no_proxy"]).unwrap_or_default(),
        }
    }
}

impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("http", &self.http.describe())
            .field("https", &self.https.describe())
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// `host:port` of a proxy URI (port 80 when left out), never its credentials.
fn proxy_address(uri: &Uri) -> Option<String> {
    let host = uri.host()?;
    Some(format!("{host}:{}", uri.port_u16().unwrap_or(80)))
}

/// The route of one target.
#[derive(Debug)]
pub(crate) enum Route {
    /// Connect directly (no proxy, or excluded by `NO_PROXY`).
    Direct,
    /// Tunnel through this proxy.
    Tunnel(Intercept),
    /// The target's proxy setting is unusable: fail, never connect directly.
    Unusable(&'static str),
}

/// A [`ProxyConfig`] ready to route targets.
#[derive(Debug)]
pub(crate) struct Proxies {
    matcher: Matcher,
    http_unusable: bool,
    https_unusable: bool,
}

/// Stands in for an unusable setting in the matcher, so `NO_PROXY` still decides whether the
/// target is reached directly; nothing ever connects to it (`.invalid` never resolves).
const UNUSABLE: &str = "http://unusable-proxy-setting.invalid";

impl Proxies {
    pub(crate) fn new(config: &ProxyConfig) -> Self {
        let value = |slot: &Slot| match slot {
            Slot::Unset => String::new(),
            Slot::Proxy(url) => url.clone(),
            Slot::Unusable => UNUSABLE.to_owned(),
        };
        let matcher = Matcher::builder()
            .http(value(&config.http))
            .https(value(&config.https))
            .no(config.no_proxy.clone())
            .build();
        Proxies {
            matcher,
            http_unusable: matches!(config.http, Slot::Unusable),
            https_unusable: matches!(config.https, Slot::Unusable),
        }
    }

    /// How to reach `target`.
    pub(crate) fn route(&self, target: &Uri) -> Route {
        let Some(intercept) = self.matcher.intercept(target) else {
            return Route::Direct;
        };
        match target.scheme_str() {
            Some("http") if self.http_unusable => Route::Unusable("http"),
            Some("https") if self.https_unusable => Route::Unusable("https"),
            _ => Route::Tunnel(intercept),
        }
    }
}

/// The TCP connector of the outbound client: directly (through the policy resolver), or
/// through a `CONNECT` tunnel to the target's proxy. TLS, for https targets, is layered on
/// top by hyper-rustls, so it runs to the target inside the tunnel.
#[derive(Clone)]
pub(crate) struct ProxyConnector<R = GaiResolver> {
    /// Direct connections: names resolved by `R` under the outbound policy.
    pub(crate) direct: HttpConnector<PolicyResolver<R>>,
    /// Connections to proxies: the operator's configuration, resolved without the policy.
    pub(crate) to_proxy: HttpConnector,
    pub(crate) proxies: Arc<Proxies>,
    /// Longest time to reach the proxy and have it open the tunnel.
    pub(crate) connect_timeout: Duration,
}

impl<R> Service<Uri> for ProxyConnector<R>
where
    HttpConnector<PolicyResolver<R>>: Service<Uri, Response = TokioIo<TcpStream>>,
    <HttpConnector<PolicyResolver<R>> as Service<Uri>>::Error: Into<BoxError>,
    <HttpConnector<PolicyResolver<R>> as Service<Uri>>::Future: Send + 'static,
{
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // Both connectors are plain `HttpConnector`s, ready at all times.
        self.direct.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, target: Uri) -> Self::Future {
        match self.proxies.route(&target) {
            Route::Direct => {
                let connecting = self.direct.call(target);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
            Route::Unusable(scheme) => Box::pin(async move {
                Err(ProxyError {
                    proxy: None,
                    failure: ProxyFailure::Unusable(scheme),
                }
                .into())
            }),
            Route::Tunnel(intercept) => {
                let proxy = proxy_address(intercept.uri());
                let mut tunnel = Tunnel::new(intercept.uri().clone(), self.to_proxy.clone());
                if let Some(auth) = intercept.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                let limit = self.connect_timeout;
                Box::pin(async move {
                    let failed = |failure| ProxyError {
                        proxy: proxy.clone(),
                        failure,
                    };
                    let target =
                        with_port(target).map_err(|error| failed(ProxyFailure::Tunnel(error)))?;
                    match tokio::time::timeout(limit, tunnel.call(target)).await {
                        Ok(Ok(io)) => Ok(io),
                        Ok(Err(error)) => Err(failed(ProxyFailure::Tunnel(Box::new(error))).into()),
                        Err(_) => Err(failed(ProxyFailure::TimedOut(limit)).into()),
                    }
                })
            }
        }
    }
}

/// `target` with its port written out (hyper-util's tunnel would assume 443 for http).
fn with_port(target: Uri) -> Result<Uri, BoxError> {
    if target.port().is_some() {
        return Ok(target);
    }
    let port = if target.scheme_str() == Some("https") {
        443
    } else {
        80
    };
    let host = target
        .host()
        .ok_or("the target URL has no host")?
        .to_owned();
    let mut parts = target.into_parts();
    parts.authority = Some(format!("{host}:{port}").parse()?);
    Ok(Uri::from_parts(parts)?)
}

/// Why a connection through a proxy failed. Its message names the proxy's `host:port`, never
/// its credentials nor the target URL.
#[derive(Debug)]
pub(crate) struct ProxyError {
    proxy: Option<String>,
    failure: ProxyFailure,
}

#[derive(Debug)]
enum ProxyFailure {
    /// The setting for this target scheme is not a usable proxy URL.
    Unusable(&'static str),
    /// The proxy did not open the tunnel in time.
    TimedOut(Duration),
    /// The proxy could not be reached, or refused or failed the `CONNECT`.
    Tunnel(BoxError),
}

impl std::fmt::Display for ProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let proxy = self.proxy.as_deref().unwrap_or("?");
        match &self.failure {
            ProxyFailure::Unusable(scheme) => write!(
                f,
                "the proxy setting for {scheme} targets is not a usable http:// proxy URL"
            ),
            ProxyFailure::TimedOut(limit) => write!(
                f,
                "the proxy {proxy} did not open a tunnel within {} ms",
                limit.as_millis()
            ),
            ProxyFailure::Tunnel(error) => {
                write!(f, "the proxy {proxy} did not open a tunnel ({error})")
            }
        }
    }
}

impl std::error::Error for ProxyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.failure {
            ProxyFailure::Tunnel(error) => Some(&**error),
            ProxyFailure::Unusable(_) | ProxyFailure::TimedOut(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> ProxyConfig {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ProxyConfig::from_env_with(|name| vars.get(name).cloned())
    }

    fn proxy_of(config: &ProxyConfig, target: &str) -> Option<String> {
        match Proxies::new(config).route(&target.parse().unwrap()) {
            Route::Direct => None,
            Route::Tunnel(intercept) => Some(intercept.uri().to_string()),
            Route::Unusable(scheme) => Some(format!("unusable {scheme}")),
        }
    }

    #[test]
    fn the_environment_names_a_proxy_per_scheme_uppercase_first() {
        let config = env(&[
            ("HTTPS_PROXY", "http://upper:3128"),
            ("https_proxy", "http://lower:3128"),
            ("http_proxy", "http://plain:8080"),
        ]);
        assert_eq!(
            proxy_of(&config, "https://github.com/login").as_deref(),
            Some("http://upper:3128/")
        );
        assert_eq!(
            proxy_of(&config, "http://127.0.0.1:9/").as_deref(),
            Some("http://plain:8080/")
        );
        let lower = env(&[("https_proxy", "proxy.corp:3128"), ("HTTPS_PROXY", "")]);
        assert_eq!(
            proxy_of(&lower, "https://github.com/").as_deref(),
            Some("http://proxy.corp:3128/"),
            "an empty uppercase value counts as unset; the scheme defaults to http"
        );
        assert_eq!(proxy_of(&env(&[]), "https://github.com/"), None);
    }

    #[test]
    fn no_proxy_from_the_environment_excludes_hosts_and_ranges() {
        let config = env(&[
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("HTTP_PROXY", "http://proxy:3128"),
            ("no_proxy", "internal.example, 127.0.0.1, 10.0.0.0/8"),
        ]);
        for direct in [
            "https://internal.example/",
            "https://sso.internal.example/",
            "http://127.0.0.1:8080/",
            "https://10.1.2.3/",
        ] {
            assert_eq!(proxy_of(&config, direct), None, "{direct}");
        }
        for proxied in ["https://github.com/", "https://notinternal.example/"] {
            assert!(proxy_of(&config, proxied).is_some(), "{proxied}");
        }
    }

    #[test]
    fn a_cgi_process_ignores_uppercase_http_proxy() {
        let cgi = env(&[
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://attacker:1"),
        ]);
        assert_eq!(proxy_of(&cgi, "http://127.0.0.1:9/"), None);
        let cgi = env(&[
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://attacker:1"),
            ("http_proxy", "http://proxy:3128"),
        ]);
        assert_eq!(
            proxy_of(&cgi, "http://127.0.0.1:9/").as_deref(),
            Some("http://proxy:3128/")
        );
    }

    #[test]
    fn unusable_settings_fail_instead_of_connecting_directly() {
        for url in ["socks5://proxy:1080", "https://proxy:443", "http://"] {
            let config = ProxyConfig::new().all(url).no_proxy("direct.example");
            assert_eq!(
                proxy_of(&config, "https://github.com/").as_deref(),
                Some("unusable https"),
                "{url}"
            );
            assert_eq!(proxy_of(&config, "https://direct.example/"), None, "{url}");
        }
    }

    #[test]
    fn credentials_become_basic_auth_and_are_never_shown() {
        let config = ProxyConfig::new().https("http://ada:s3cr%40t@proxy.corp:3128");
        let Route::Tunnel(intercept) =
            Proxies::new(&config).route(&"https://github.com/".parse().unwrap())
        else {
            panic!("the target goes through the proxy");
        };
        // base64("ada:s3cr@t")
        assert_eq!(intercept.basic_auth().unwrap(), "Basic YWRhOnMzY3JAdA==");
        assert_eq!(intercept.uri().to_string(), "http://proxy.corp:3128/");
        let shown = format!("{config:?}");
        assert!(shown.contains("proxy.corp:3128"), "{shown}");
        assert!(!shown.contains("s3cr") && !shown.contains("ada"), "{shown}");
    }

    #[test]
    fn the_tunnel_target_carries_its_default_port() {
        let https = with_port("https://provider.example/token".parse().unwrap()).unwrap();
        assert_eq!(https.authority().unwrap().as_str(), "provider.example:443");
        let http = with_port("http://[::1]/token".parse().unwrap()).unwrap();
        assert_eq!(http.authority().unwrap().as_str(), "[::1]:80");
        let explicit = with_port("http://127.0.0.1:8080/".parse().unwrap()).unwrap();
        assert_eq!(explicit.port_u16(), Some(8080));
    }
}
