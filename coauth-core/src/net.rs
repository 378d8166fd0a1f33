//! Where an address leads: loopback, a public destination, or somewhere no provider is.
//! The one place coauth classifies hosts and addresses: the outbound policy
//! ([`crate::OutboundPolicy`]), the check that plain `http` redirect URIs and issuers are on
//! loopback, and the resolver's check of every address a name resolves to all ask here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `host` (a URL's host: a name, an IPv4 literal or a bracketed IPv6 literal) names
/// this machine: `localhost`, `127.0.0.0/8`, `::1`, or an IPv6 form embedding a
/// `127.0.0.0/8` address.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    host_reach(host) == Reach::Loopback
}

/// Whether `url`'s host is loopback ([`is_loopback_host`]).
#[cfg(feature = "oidc")]
pub(crate) fn is_loopback_url(url: &url::Url) -> bool {
    url.host_str().is_some_and(is_loopback_host)
}

/// What a URL's host reaches: an address literal by its address, `localhost` is loopback,
/// and any other name [`Reach::Public`] (what it resolves to is checked address by address).
pub(crate) fn host_reach(host: &str) -> Reach {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => reach(ip),
        Err(_) if bare.eq_ignore_ascii_case("localhost") => Reach::Loopback,
        Err(_) => Reach::Public,
    }
}

/// What the outbound policy makes of an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// A public destination.
    Public,
    /// This machine: `127.0.0.0/8`, `::1`, or an IPv6 form embedding a `127.0.0.0/8` address.
    Loopback,
    /// Anything else: never a provider.
    Refused,
}

/// IPv4 ranges that are not public destinations (IANA's special-purpose address registry),
/// as (network, prefix length). `127.0.0.0/8` is loopback, decided apart.
const REFUSED_V4: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),       // "this network"
    ([10, 0, 0, 0], 8),      // private (RFC 1918)
    ([100, 64, 0, 0], 10),   // shared address space, carrier-grade NAT (RFC 6598)
    ([169, 254, 0, 0], 16),  // link-local, where cloud metadata services answer
    ([172, 16, 0, 0], 12),   // private (RFC 1918)
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation (TEST-NET-1)
    ([192, 168, 0, 0], 16),  // private (RFC 1918)
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation (TEST-NET-2)
    ([203, 0, 113, 0], 24),  // documentation (TEST-NET-3)
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, including the broadcast address 255.255.255.255
];

/// Global unicast IPv6, `2000::/3`: every public IPv6 destination is in it. Outside it are
/// unique-local `fc00::/7`, link-local `fe80::/10`, multicast `ff00::/8`, the local-use
/// NAT64 prefix `64:ff9b:1::/48`, discard-only `100::/64`, and unassigned space.
const GLOBAL_UNICAST_V6: (Ipv6Addr, u8) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

/// Ranges inside `2000::/3` that are not public destinations either.
const REFUSED_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),     // documentation (RFC 9637)
    (Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48),     // benchmarking
];

/// What `ip` reaches.
pub(crate) fn reach(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) => reach_v4(v4),
        IpAddr::V6(v6) => {
            if v6.is_loopback() {
                return Reach::Loopback;
            }
            if v6.is_unspecified() {
                return Reach::Refused;
            }
            // A connection to an address that embeds an IPv4 address reaches that IPv4
            // address (through a translator or tunnel), so that address decides.
            if let Some(v4) = embedded_ipv4(v6) {
                return reach_v4(v4);
            }
            let (global, global_len) = GLOBAL_UNICAST_V6;
            if in_v6(v6, global, global_len)
                && !REFUSED_V6
                    .iter()
                    .any(|&(network, len)| in_v6(v6, network, len))
            {
                Reach::Public
            } else {
                Reach::Refused
            }
        }
    }
}

fn reach_v4(v4: Ipv4Addr) -> Reach {
    if v4.is_loopback() {
        return Reach::Loopback;
    }
    let address = u32::from(v4);
    let refused = REFUSED_V4.iter().any(|&(network, len)| {
        let mask = u32::MAX << (32 - u32::from(len));
        address & mask == u32::from_be_bytes(network)
    });
    if refused {
        Reach::Refused
    } else {
        Reach::Public
    }
}

fn in_v6(address: Ipv6Addr, network: Ipv6Addr, len: u8) -> bool {
    let mask = u128::MAX << (128 - u32::from(len));
    u128::from(address) & mask == u128::from(network)
}

/// The IPv4 address an IPv6 address stands for, in the forms that carry one:
///
/// - IPv4-mapped `::ffff:a.b.c.d` and IPv4-translated `::ffff:0:a.b.c.d` (SIIT);
/// - IPv4-compatible `::a.b.c.d` (deprecated, but still parsed and routed by some stacks);
///   `::` and `::1` are the unspecified and loopback IPv6 addresses, decided before;
/// - NAT64 with the well-known prefix `64:ff9b::/96` (RFC 6052): the last 32 bits;
/// - 6to4 `2002::/16` (RFC 3056): bits 16 to 47;
/// - Teredo `2001::/32` (RFC 4380): the client's address, the last 32 bits inverted.
fn embedded_ipv4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(v6);
    let last32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    let segments = v6.segments();
    match segments {
        [0, 0, 0, 0, 0, 0xffff, _, _]
        | [0, 0, 0, 0, 0xffff, 0, _, _]
        | [0, 0, 0, 0, 0, 0, _, _] => Some(last32),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last32),
        [0x2002, high, low, ..] => Some(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))),
        [0x2001, 0, ..] => Some(Ipv4Addr::from(!((bits & 0xffff_ffff) as u32))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.8.9.10",
            "[::1]",
            "::1",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "localhost.example",
            "example.com",
            "10.0.0.1",
            "[::2]",
            "",
            "0.0.0.0",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
        assert_eq!(host_reach("10.1.2.3"), Reach::Refused);
        assert_eq!(host_reach("example.com"), Reach::Public);
    }

    #[cfg(feature = "oidc")]
    #[test]
    fn loopback_urls() {
        let url = |text| url::Url::parse(text).unwrap();
        assert!(is_loopback_url(&url("http://127.0.0.1:8080/x")));
        assert!(is_loopback_url(&url("http://[::1]/")));
        assert!(!is_loopback_url(&url("https://example.com/")));
    }
}
