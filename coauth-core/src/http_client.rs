//! Outbound HTTP: the [`HttpClient`] trait every provider call goes through, and the policy
//! that decides which provider URLs may be called at all.

mod closure;

use std::net::IpAddr;

use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, Response};

pub use crate::error::{HttpError, HttpErrorDetail};
use crate::net::{Reach, reach};

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

/// Which URLs outbound requests may target: https everywhere, never an address that is not a
/// public destination (private, link-local where cloud metadata services live, CGNAT,
/// documentation, multicast, reserved, or an IPv6 form embedding such an IPv4 address), and
/// loopback only when explicitly allowed (tests, demos, a provider on the same machine).
///
/// The same rules apply to an address literal in the URL ([`OutboundPolicy::check`]) and
/// to every address a host name resolves to ([`OutboundPolicy::allows_ip`], which
/// [`crate::HyperClient`]'s resolver applies), so a name gets no further than a literal
/// would. SECURITY.md items 9 and 36.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Allow `http://` and `https://` to loopback hosts (`127.0.0.0/8`, `::1`, `localhost`,
    /// and IPv6 forms embedding a `127.0.0.0/8` address, such as `::ffff:127.0.0.1`).
    pub allow_loopback: bool,
}

impl OutboundPolicy {
    /// Checks `uri` against the policy.
    pub fn check(&self, uri: &http::Uri) -> Result<(), HttpError> {
        let host = uri
            .host()
            .ok_or_else(|| HttpError::Forbidden("the provider URL has no host".into()))?;
        // A name is `Public` here: what it resolves to is checked by the resolver with the
        // same rules.
        match crate::net::host_reach(host) {
            Reach::Loopback if self.allow_loopback => Ok(()),
            Reach::Loopback => Err(HttpError::Forbidden(
                "provider URLs on loopback are not allowed by the outbound policy".into(),
            )),
            Reach::Refused => Err(HttpError::Forbidden(
                "provider URLs on private, link-local, reserved or other non-public addresses \
                 are not allowed"
                    .into(),
            )),
            Reach::Public => match uri.scheme_str() {
                Some("https") => Ok(()),
                _ => Err(HttpError::Forbidden(
                    "provider URLs must use https (plain http is allowed on loopback only)".into(),
                )),
            },
        }
    }

    /// Whether a connection to `ip` is allowed: public addresses always, loopback only with
    /// the opt-in. Applied to the literal in the URL and to every address a host name
    /// resolves to.
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        match reach(ip) {
            Reach::Public => true,
            Reach::Loopback => self.allow_loopback,
            Reach::Refused => false,
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
            "https://[::10.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://[2002:a9fe:a9fe::]/",
            "https://0.0.0.0/",
        ] {
            assert!(!check(dev, url), "{url}");
        }
    }

    /// Every range the policy refuses, as (what it is, addresses inside, a public address
    /// just outside it, or the nearest public one where the neighbours are not public
    /// either). Each address is checked as a URL literal and as a resolved address, with and
    /// without the loopback opt-in; an address whose (embedded) IPv4 address is loopback
    /// passes with the opt-in only. SECURITY.md item 36.
    #[test]
    fn every_non_public_range_is_refused_and_its_public_neighbour_allowed() {
        const LOOPBACK: &str = "loopback";
        let table: &[(&str, &[&str], &[&str])] = &[
            ("0.0.0.0/8", &["0.0.0.0", "0.255.255.255"], &["1.0.0.1"]),
            (
                "10.0.0.0/8",
                &["10.0.0.0", "10.255.255.255"],
                &["9.255.255.255", "11.0.0.0"],
            ),
            (
                "100.64.0.0/10",
                &["100.64.0.0", "100.127.255.255"],
                &["100.63.255.255", "100.128.0.0"],
            ),
            (
                "127.0.0.0/8",
                &[LOOPBACK, "127.0.0.1", "127.255.255.255"],
                &["126.255.255.255", "128.0.0.0"],
            ),
            (
                "169.254.0.0/16",
                &["169.254.0.0", "169.254.169.254", "169.254.255.255"],
                &["169.253.255.255", "169.255.0.0"],
            ),
            (
                "172.16.0.0/12",
                &["172.16.0.0", "172.31.255.255"],
                &["172.15.255.255", "172.32.0.0"],
            ),
            (
                "192.0.0.0/24",
                &["192.0.0.0", "192.0.0.255"],
                &["191.255.255.255", "192.0.1.0"],
            ),
            (
                "192.0.2.0/24",
                &["192.0.2.0", "192.0.2.255"],
                &["192.0.1.255", "192.0.3.0"],
            ),
            (
                "192.168.0.0/16",
                &["192.168.0.0", "192.168.255.255"],
                &["192.167.255.255", "192.169.0.0"],
            ),
            (
                "198.18.0.0/15",
                &["198.18.0.0", "198.19.255.255"],
                &["198.17.255.255", "198.20.0.0"],
            ),
            (
                "198.51.100.0/24",
                &["198.51.100.0", "198.51.100.255"],
                &["198.51.99.255", "198.51.101.0"],
            ),
            (
                "203.0.113.0/24",
                &["203.0.113.0", "203.0.113.255"],
                &["203.0.112.255", "203.0.114.0"],
            ),
            (
                "224.0.0.0/4",
                &["224.0.0.0", "239.255.255.255"],
                &["223.255.255.255"],
            ),
            (
                "240.0.0.0/4",
                &["240.0.0.0", "255.255.255.254", "255.255.255.255"],
                &["223.255.255.255"],
            ),
            (
                "::/128 and ::1",
                &["::", LOOPBACK, "::1"],
                &["2001:4860:4860::8888"],
            ),
            // IPv6 forms that embed an IPv4 address are judged by that address.
            (
                "IPv4-mapped ::ffff:0:0/96",
                &[
                    "::ffff:10.0.0.1",
                    "::ffff:169.254.169.254",
                    "::ffff:0.0.0.0",
                    LOOPBACK,
                    "::ffff:127.0.0.1",
                ],
                &["::ffff:8.8.8.8"],
            ),
            (
                "IPv4-translated ::ffff:0:0:0/96",
                &[
                    "::ffff:0:10.0.0.1",
                    "::ffff:0:192.168.1.1",
                    LOOPBACK,
                    "::ffff:0:127.0.0.1",
                ],
                &["::ffff:0:8.8.8.8"],
            ),
            (
                "IPv4-compatible ::/96",
                &[
                    "::10.0.0.1",
                    "::169.254.169.254",
                    "::0.0.0.2",
                    LOOPBACK,
                    "::127.0.0.1",
                ],
                &["::8.8.8.8"],
            ),
            (
                "NAT64 64:ff9b::/96",
                &[
                    "64:ff9b::10.0.0.1",
                    "64:ff9b::169.254.169.254",
                    "64:ff9b::100.64.0.1",
                    "64:ff9b::255.255.255.255",
                    LOOPBACK,
                    "64:ff9b::127.0.0.1",
                ],
                &["64:ff9b::8.8.8.8"],
            ),
            (
                "6to4 2002::/16",
                &[
                    "2002:a00:1::1",
                    "2002:a9fe:a9fe::1",
                    "2002:c0a8:101:1::1",
                    "2002:e000:1::",
                    LOOPBACK,
                    "2002:7f00:1::1",
                ],
                &["2002:808:808::1", "2003::1"],
            ),
            // Teredo: the client's IPv4 address is the last 32 bits inverted; 10.0.0.1 is
            // f5ff:fffe, 169.254.169.254 is 5601:5601, 127.0.0.1 is 80ff:fffe.
            (
                "Teredo 2001::/32",
                &[
                    "2001:0:4136:e378:8000:63bf:f5ff:fffe",
                    "2001::5601:5601",
                    LOOPBACK,
                    "2001:0:4136:e378:8000:63bf:80ff:fffe",
                ],
                &[
                    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
                    "2001:4860:4860::8888",
                ],
            ),
            (
                "NAT64 local-use 64:ff9b:1::/48",
                &["64:ff9b:1::8.8.8.8", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff"],
                &["3fff:ffff::1"],
            ),
            (
                "documentation 2001:db8::/32",
                &["2001:db8::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"],
                &["2001:db7:ffff::1", "2001:db9::1"],
            ),
            (
                "documentation 3fff::/20",
                &["3fff::1", "3fff:fff:ffff::1"],
                &["3ffe:ffff::1", "3fff:1000::1"],
            ),
            ("benchmarking 2001:2::/48", &["2001:2::1"], &["2001:3::1"]),
            (
                "unique-local fc00::/7",
                &[
                    "fc00::1",
                    "fd00::1",
                    "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                ],
                &["3fff:ffff::1"],
            ),
            (
                "link-local fe80::/10",
                &["fe80::1", "febf:ffff::1"],
                &["3fff:ffff::1"],
            ),
            ("site-local fec0::/10", &["fec0::1"], &["3fff:ffff::1"]),
            (
                "multicast ff00::/8",
                &[
                    "ff00::1",
                    "ff02::1",
                    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                ],
                &["3fff:ffff::1"],
            ),
            (
                "outside global unicast 2000::/3",
                &["100::1", "1fff:ffff::1", "4000::1", "e000::1"],
                &["2000::1", "3fff:ffff::1"],
            ),
        ];
        let strict = OutboundPolicy::default();
        let dev = OutboundPolicy {
            allow_loopback: true,
        };
        for &(range, inside, outside) in table {
            let mut loopback = false;
            for &address in inside {
                if address == LOOPBACK {
                    loopback = true;
                    continue;
                }
                let ip: IpAddr = address.parse().unwrap();
                let url = match ip {
                    IpAddr::V4(_) => format!("https://{ip}/token"),
                    IpAddr::V6(_) => format!("https://[{ip}]/token"),
                };
                assert!(!strict.allows_ip(ip), "{range}: {address}");
                assert!(!check(strict, &url), "{range}: {url}");
                assert_eq!(dev.allows_ip(ip), loopback, "{range}: {address}");
                assert_eq!(check(dev, &url), loopback, "{range}: {url}");
            }
            for &address in outside {
                let ip: IpAddr = address.parse().unwrap();
                let url = match ip {
                    IpAddr::V4(_) => format!("https://{ip}/token"),
                    IpAddr::V6(_) => format!("https://[{ip}]/token"),
                };
                for policy in [strict, dev] {
                    assert!(policy.allows_ip(ip), "{range}: {address} is public");
                    assert!(check(policy, &url), "{range}: {url} is public");
                }
            }
        }
        // Loopback forms still need https or the opt-in, and plain http stays loopback-only.
        assert!(check(dev, "http://[::ffff:127.0.0.1]:9/"));
        assert!(!check(dev, "http://[::ffff:8.8.8.8]/"));
    }
}
