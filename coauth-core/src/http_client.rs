//! Outbound HTTP: the [`HttpClient`] trait every provider call goes through, and the policy
//! that decides which provider URLs may be called at all.

use std::net::IpAddr;

use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, Response};

use crate::Error;

/// Why an outbound request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The connection could not be made: DNS, refused, TLS.
    #[error("could not connect: {0}")]
    Connect(String),
    /// The request did not complete within the client's time limit.
    #[error("the request timed out")]
    Timeout,
    /// The answer is larger than the client accepts.
    #[error("the answer is larger than {limit} bytes")]
    BodyTooLarge {
        /// The largest answer body accepted, in bytes.
        limit: usize,
    },
    /// The URL is not allowed by the outbound policy (plain http, private address, ...).
    #[error("{0}")]
    Forbidden(String),
    /// Any other transport failure.
    #[error("{0}")]
    Other(String),
}

impl From<HttpError> for Error {
    fn from(error: HttpError) -> Self {
        match error {
            HttpError::Connect(_) | HttpError::Timeout => Error::ProviderConnection(format!(
                "the sign-in provider could not be reached ({error})"
            )),
            HttpError::BodyTooLarge { .. } => Error::Provider(format!(
                "the sign-in provider's answer was refused: {error}"
            )),
            HttpError::Forbidden(_) | HttpError::Other(_) => {
                Error::Provider(format!("the sign-in provider could not be called: {error}"))
            }
        }
    }
}

/// Sends one HTTP request to a provider and returns its complete answer.
///
/// Implementations must not follow redirects, must bound the time a request may take and the
/// size of the answer, and should enforce an [`OutboundPolicy`]. The default implementation is
/// [`crate::HyperClient`]; tests and apps with special needs (a proxy, a custom TLS setup) plug
/// their own in with [`crate::CoauthBuilder::http_client`].
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
