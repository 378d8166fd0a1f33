//! Name resolution under the outbound policy: a provider host name that resolves to a
//! private, link-local or (without the opt-in) loopback address is refused before any
//! connection, as an address literal is. This closes the gap a name check alone leaves
//! (`https://internal.corp.example`, a trailing-dot `localhost.`, DNS rebinding).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::dns::Name;
use tower_service::Service;

use crate::http_client::OutboundPolicy;

/// The error a refused resolution carries inside the connector's `io::Error`, so the client
/// can report it as a policy refusal rather than a connection failure.
#[derive(Debug)]
pub(crate) struct PolicyRefused;

impl std::fmt::Display for PolicyRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the provider host resolves only to addresses the outbound policy refuses")
    }
}

impl std::error::Error for PolicyRefused {}

/// Wraps a resolver and keeps only the addresses the policy allows.
#[derive(Clone, Debug)]
pub(crate) struct PolicyResolver<R> {
    pub(crate) inner: R,
    pub(crate) policy: OutboundPolicy,
}

impl<R> Service<Name> for PolicyResolver<R>
where
    R: Service<Name, Error = io::Error>,
    R::Response: Iterator<Item = SocketAddr>,
    R::Future: Send + 'static,
{
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, io::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), io::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let resolving = self.inner.call(name);
        let policy = self.policy;
        Box::pin(async move {
            let allowed: Vec<SocketAddr> = resolving
                .await?
                .filter(|addr| policy.allows_ip(addr.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    PolicyRefused,
                ));
            }
            Ok(allowed.into_iter())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    /// A resolver answering fixed addresses, as a hostile or misconfigured DNS might.
    #[derive(Clone)]
    struct Fixed(Vec<SocketAddr>);

    impl Service<Name> for Fixed {
        type Response = std::vec::IntoIter<SocketAddr>;
        type Error = io::Error;
        type Future = std::future::Ready<Result<Self::Response, io::Error>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), io::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Name) -> Self::Future {
            std::future::ready(Ok(self.0.clone().into_iter()))
        }
    }

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    async fn resolve(answer: &[&str], allow_loopback: bool) -> io::Result<Vec<SocketAddr>> {
        let mut resolver = PolicyResolver {
            inner: Fixed(addrs(answer)),
            policy: OutboundPolicy { allow_loopback },
        };
        resolver
            .call(Name::from_str("provider.example").unwrap())
            .await
            .map(Iterator::collect)
    }

    #[tokio::test]
    async fn private_answers_are_refused_and_public_ones_kept() {
        for private in [
            "10.0.0.7:443",
            "169.254.169.254:80",
            "[fd00::1]:443",
            "127.0.0.1:443",
            // IPv6 forms embedding a refused IPv4 address, and other reserved ranges
            // (SECURITY.md item 36; every range: http_client.rs
            // every_non_public_range_is_refused_and_its_public_neighbour_allowed).
            "[::ffff:127.0.0.1]:443",
            "[::10.0.0.7]:443",
            "[64:ff9b::a9fe:a9fe]:80",
            "[2002:a00:7::1]:443",
            "[2001::5601:5601]:443",
            "[ff02::1]:443",
            "[2001:db8::1]:443",
            "198.18.0.1:443",
            "240.0.0.1:443",
        ] {
            let error = resolve(&[private], false).await.unwrap_err();
            assert!(error.get_ref().unwrap().is::<PolicyRefused>(), "{private}");
        }
        let mixed = resolve(
            &[
                "10.0.0.7:443",
                "140.82.112.3:443",
                "[64:ff9b::a00:7]:443",
                "[64:ff9b::8c52:7003]:443",
            ],
            false,
        )
        .await
        .unwrap();
        assert_eq!(
            mixed,
            addrs(&["140.82.112.3:443", "[64:ff9b::8c52:7003]:443"])
        );
    }

    #[tokio::test]
    async fn loopback_answers_need_the_opt_in() {
        assert_eq!(
            resolve(&["127.0.0.1:8080"], true).await.unwrap(),
            addrs(&["127.0.0.1:8080"])
        );
        assert!(resolve(&["10.0.0.7:443"], true).await.is_err());
    }

    /// The whole client path: a name resolving to a listening loopback port is refused as a
    /// policy violation (not a connection failure), and the port never sees a connection.
    #[tokio::test]
    async fn the_client_never_connects_to_a_refused_resolution() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            while listener.accept().await.is_ok() {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        let resolver = PolicyResolver {
            inner: Fixed(vec![addr]),
            policy: OutboundPolicy::default(),
        };
        let mut connector =
            hyper_util::client::legacy::connect::HttpConnector::new_with_resolver(resolver);
        connector.enforce_http(false);
        let client: hyper_util::client::legacy::Client<_, http_body_util::Full<bytes::Bytes>> =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build(connector);
        let request = http::Request::get(format!("http://provider.example:{}/token", addr.port()))
            .body(http_body_util::Full::new(bytes::Bytes::new()))
            .unwrap();
        let error = client.request(request).await.unwrap_err();
        assert!(matches!(
            super::super::request_error(error),
            crate::HttpError::Forbidden(_)
        ));
        tokio::task::yield_now().await;
        assert_eq!(accepted.load(Ordering::SeqCst), 0);
    }
}
