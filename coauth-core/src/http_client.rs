//! Outbound HTTP: the [`HttpClient`] trait every provider call goes through, and the policy
//! that decides which provider URLs may be called at all.

use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, Response};

use crate::Error;

/// Why an outbound request failed.
///
/// Each variant carries a message for people (never a URL, a secret or a token) and, for
/// transport failures, the underlying error (I/O, hyper, TLS) as its
/// [`std::error::Error::source`], so an app's logs can show the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpError {
    /// The connection could not be made: DNS, refused, TLS, or a proxy that could not be
    /// reached or refused the tunnel.
    Connect(HttpErrorDetail),
    /// The request did not complete within the client's time limit.
    Timeout,
    /// The answer is larger than the client accepts.
    BodyTooLarge {
        /// The largest answer body accepted, in bytes.
        limit: usize,
    },
    /// The URL is not allowed by the outbound policy (plain http, private address, ...).
    Forbidden(HttpErrorDetail),
    /// Any other transport failure.
    Other(HttpErrorDetail),
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::Connect(detail) => write!(f, "could not connect: {detail}"),
            HttpError::Timeout => f.write_str("the request timed out"),
            HttpError::BodyTooLarge { limit } => {
                write!(f, "the answer is larger than {limit} bytes")
            }
            HttpError::Forbidden(detail) | HttpError::Other(detail) => detail.fmt(f),
        }
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HttpError::Connect(detail)
            | HttpError::Forbidden(detail)
            | HttpError::Other(detail) => detail
                .cause()
                .map(|cause| cause as &(dyn std::error::Error + 'static)),
            HttpError::Timeout | HttpError::BodyTooLarge { .. } => None,
        }
    }
}

/// The message of an [`HttpError`] and, when there is one, the error that caused it.
///
/// Built from a message (`"offline".into()`, [`HttpErrorDetail::new`]) and optionally given
/// its cause with [`HttpErrorDetail::with_source`]. Two details are equal when their
/// messages are: causes (I/O, hyper, TLS errors) cannot be compared.
#[derive(Clone)]
pub struct HttpErrorDetail {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl HttpErrorDetail {
    /// A detail with `message` and no cause.
    pub fn new(message: impl Into<String>) -> Self {
        HttpErrorDetail {
            message: message.into(),
            source: None,
        }
    }

    /// The same detail, caused by `source` (what [`std::error::Error::source`] of the
    /// [`HttpError`] returns).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The message, as the error displays it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error that caused this one, if known.
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }
}

impl std::fmt::Display for HttpErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Debug for HttpErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("HttpErrorDetail");
        debug.field("message", &self.message);
        if let Some(source) = &self.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl PartialEq for HttpErrorDetail {
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
    }
}

impl Eq for HttpErrorDetail {}

impl From<String> for HttpErrorDetail {
    fn from(message: String) -> Self {
        HttpErrorDetail::new(message)
    }
}

impl From<&str> for HttpErrorDetail {
    fn from(message: &str) -> Self {
        HttpErrorDetail::new(message)
    }
}

/// Every transport failure becomes [`Error::Transport`], which keeps the [`HttpError`] (and
/// its cause) as its source; its code follows the wire protocol's table:
/// `ProviderConnectionError` for [`HttpError::Connect`] and [`HttpError::Timeout`],
/// `ProviderError` for the others.
impl From<HttpError> for Error {
    fn from(error: HttpError) -> Self {
        Error::Transport(error)
    }
}

/// Sends one HTTP request to a provider and returns its complete answer.
///
/// Implementations must not follow redirects, must bound the time a request may take and the
/// size of the answer, and should enforce an [`OutboundPolicy`]. The default implementation is
/// [`crate::HyperClient`] (which also goes through HTTP proxies); tests and apps with special
/// needs (client certificates, a custom TLS setup) plug their own in with
/// [`crate::CoauthBuilder::http_client`].
#[async_trait]
pub trait HttpClient: Send + Sync {
    /// Sends `request` and returns the answer with its whole body.
    async fn execute(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError>;
}

/// Which URLs outbound requests may target: https everywhere, never a private or link-local
/// address literal (cloud metadata services live there), and loopback only when explicitly
/// allowed (tests, demos, a provider on the same machine).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Allow `http://` and `https://` to loopback hosts (`127.0.0.0/8`, `::1`, `localhost`).
    pub allow_loopback: bool,
}

impl OutboundPolicy {
    /// Checks `uri` against the policy.
    pub fn check(&self, uri: &http::Uri) -> Result<(), HttpError> {
        let host = uri
            .host()
            .ok_or_else(|| HttpError::Forbidden("the provider URL has no host".into()))?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let ip = bare.parse::<IpAddr>().ok();
        let loopback =
            bare.eq_ignore_ascii_case("localhost") || ip.is_some_and(|ip| ip.is_loopback());
        if loopback {
            return if self.allow_loopback {
                Ok(())
            } else {
                Err(HttpError::Forbidden(
                    "provider URLs on loopback are not allowed by the outbound policy".into(),
                ))
            };
        }
        if let Some(ip) = ip
            && !is_public(ip)
        {
            return Err(HttpError::Forbidden(
                "provider URLs on private or link-local addresses are not allowed".into(),
            ));
        }
        match uri.scheme_str() {
            Some("https") => Ok(()),
            _ => Err(HttpError::Forbidden(
                "provider URLs must use https (plain http is allowed on loopback only)".into(),
            )),
        }
    }
}

impl OutboundPolicy {
    /// Whether a connection to `ip` is allowed: public addresses always, loopback only with
    /// the opt-in. Applied to the literal in the URL and to every address a host name
    /// resolves to.
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        if ip.is_loopback() || ip_is_mapped_loopback(ip) {
            self.allow_loopback
        } else {
            is_public(ip)
        }
    }
}

fn ip_is_mapped_loopback(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()))
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.octets()[0] == 0
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4)) && !v4.is_loopback();
            }
            let first = v6.segments()[0];
            !(v6.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: OutboundPolicy, url: &str) -> bool {
        policy.check(&url.parse().unwrap()).is_ok()
    }

    #[test]
    fn https_public_hosts_pass() {
        let strict = OutboundPolicy::default();
        assert!(check(strict, "https://github.com/login/oauth/access_token"));
        assert!(check(strict, "https://140.82.112.3/x"));
    }

    #[test]
    fn plain_http_is_refused_outside_loopback() {
        let dev = OutboundPolicy {
            allow_loopback: true,
        };
        assert!(!check(dev, "http://github.com/"));
        assert!(!check(OutboundPolicy::default(), "http://github.com/"));
    }

    #[test]
    fn loopback_needs_the_opt_in() {
        let strict = OutboundPolicy::default();
        let dev = OutboundPolicy {
            allow_loopback: true,
        };
        for url in [
            "http://127.0.0.1:9/x",
            "http://localhost:9/",
            "http://[::1]:9/",
        ] {
            assert!(!check(strict, url), "{url}");
            assert!(check(dev, url), "{url}");
        }
    }

    #[test]
    fn private_and_metadata_addresses_are_refused() {
        let dev = OutboundPolicy {
            allow_loopback: true,
        };
        for url in [
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.1/",
            "https://192.168.1.1/",
            "https://172.16.0.1/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://0.0.0.0/",
        ] {
            assert!(!check(dev, url), "{url}");
        }
    }
}
