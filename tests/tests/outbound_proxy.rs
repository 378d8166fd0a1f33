//! The outbound client through a real HTTP proxy: Debian's tinyproxy, which each test starts
//! on a free loopback port with its own configuration and log file (scripts/test installs
//! it). The mock provider speaks plain http on 127.0.0.1, which `HyperClient` tunnels with
//! `CONNECT` like any proxied target; an https case checks that TLS to the target starts
//! inside the tunnel. That a request went through the proxy is read from tinyproxy's log,
//! which records each `CONNECT` before the tunnel opens, so before the client's request can
//! complete.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use coauth_core::{Error, HttpClient, HyperClient, ProxyConfig};
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, MockIdp};
use coauth_tests::mock_provider::{MockConfig, MockProvider, refused_url};

/// A tinyproxy process, killed (and its directory removed) on drop.
struct Tinyproxy {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

impl Tinyproxy {
    /// Starts tinyproxy on a free loopback port, with `extra` appended to its configuration
    /// (such as `ConnectPort 443`). Without `ConnectPort` lines it tunnels to any port.
    ///
    /// # Panics
    /// If tinyproxy is not installed or does not listen within 10 s.
    fn start(extra: &str) -> Tinyproxy {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "coauth-tinyproxy-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        // The port is picked by binding and releasing it; another process may take it in
        // between, so a tinyproxy that exits at once is started again on another port.
        for _ in 0..5 {
            let addr = free_port();
            let config = format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\n\
                 Allow 127.0.0.1\nLogLevel Connect\nLogFile \"{log}\"\n{extra}\n",
                port = addr.port(),
                log = dir.join("log").display(),
            );
            let conf = dir.join("tinyproxy.conf");
            std::fs::write(&conf, config).expect("tinyproxy's configuration written");
            let stderr = std::fs::File::create(dir.join("stderr")).expect("a stderr file");
            let mut child = Command::new("tinyproxy")
                .arg("-d")
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("tinyproxy could not be started ({e}); scripts/test installs it")
                });
            if wait_listening(&mut child, addr) {
                return Tinyproxy { child, addr, dir };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&dir);
        panic!("tinyproxy did not listen on a loopback port");
    }

    /// The proxy's URL, `http://127.0.0.1:PORT`.
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// tinyproxy's log so far.
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }

    /// The `CONNECT` requests tinyproxy logged, as `host:port`.
    fn connects(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter_map(|line| line.split_once("): CONNECT ").map(|(_, rest)| rest))
            .filter_map(|rest| rest.split_whitespace().next().map(str::to_owned))
            .collect()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Waits (at most 10 s) until `addr` accepts; `false` if `child` exited first.
fn wait_listening(child: &mut Child, addr: SocketAddr) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        if matches!(child.try_wait(), Ok(Some(_))) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A loopback address where nothing listens right now.
fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("the listener's address")
}

/// The outbound client of these tests, with explicit proxy settings (tests run in parallel
/// threads: none of them touches the process environment).
fn client_through(proxy: ProxyConfig) -> HyperClient {
    HyperClient::builder()
        .allow_loopback(true)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(5))
        .proxy(proxy)
        .build()
}

/// A sign-in against a fresh mock provider whose outbound calls use `client`; the mock's
/// `host:port`, the final answer and the app (whose `reported_error` has the detail of a
/// failure).
async fn sign_in_with(client: HyperClient) -> (String, http::Response<Bytes>, App) {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let coauth = builder(&mock, &config, &TestClock::starting_now())
        .http_client(client)
        .build()
        .expect("a valid app");
    let app = App::axum(coauth, Transport::Socket).await;
    let response = app.sign_in("demo", &mock, Decision::Approve).await;
    let authority = mock.base_url().trim_start_matches("http://").to_owned();
    (authority, response, app)
}

/// The errors in `error`'s source chain, outermost first.
fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut links = Vec::new();
    let mut source = error.source();
    while let Some(inner) = source {
        links.push(inner);
        source = inner.source();
    }
    links
}

#[tokio::test]
async fn a_sign_in_goes_through_the_proxy() {
    let proxy = Tinyproxy::start("");
    let (mock, response, _) =
        sign_in_with(client_through(ProxyConfig::new().all(&proxy.url()))).await;
    let user = assert_ok(&response);
    assert_eq!(user["user"]["name"], "Ada Lovelace");
    let connects = proxy.connects();
    assert!(
        connects.contains(&mock),
        "tinyproxy tunnelled to the mock {mock}: {connects:?}\n{}",
        proxy.log()
    );
}

/// The environment's variable names, read through a lookup function rather than the
/// process environment: `http_proxy` (lowercase) sends the mock's calls through the proxy.
#[tokio::test]
async fn proxy_settings_from_environment_variables() {
    let proxy = Tinyproxy::start("");
    let url = proxy.url();
    let config = ProxyConfig::from_env_with(|name| match name {
        "http_proxy" => Some(url.clone()),
        "NO_PROXY" => Some("internal.example".into()),
        _ => None,
    });
    let (mock, response, _) = sign_in_with(client_through(config)).await;
    assert_ok(&response);
    assert!(
        proxy.connects().contains(&mock),
        "tinyproxy tunnelled to the mock {mock}:\n{}",
        proxy.log()
    );
}

/// `NO_PROXY` naming the mock's host: the sign-in connects directly and the proxy sees no
/// request (it logs each one before opening its tunnel).
#[tokio::test]
async fn no_proxy_bypasses_the_proxy() {
    let proxy = Tinyproxy::start("");
    for config in [
        ProxyConfig::new().all(&proxy.url()).no_proxy("127.0.0.1"),
        ProxyConfig::new()
            .all(&proxy.url())
            .no_proxy("example.test, 127.0.0.0/8"),
        ProxyConfig::from_env_with(|name| match name {
            "HTTP_PROXY" => Some(proxy.url()),
            "no_proxy" => Some("localhost,127.0.0.1".into()),
            _ => None,
        }),
    ] {
        let (_, response, _) = sign_in_with(client_through(config.clone())).await;
        assert_ok(&response);
        let log = proxy.log();
        assert!(
            !log.contains("Request ("),
            "{config:?}: the proxy saw\n{log}"
        );
    }
}

/// A proxy refusing the tunnel (tinyproxy allows `CONNECT` to port 443 only here) or not
/// listening at all: the result step answers `ProviderConnectionError` naming the proxy,
/// and the error reaching the app keeps its cause.
#[tokio::test]
async fn a_refusing_or_absent_proxy_is_a_provider_connection_error() {
    let refusing = Tinyproxy::start("ConnectPort 443");
    let absent = refused_url();
    for proxy_url in [refusing.url(), absent.clone()] {
        let proxy_authority = proxy_url.trim_start_matches("http://").to_owned();
        let client = client_through(ProxyConfig::new().all(&proxy_url));
        let (mock, response, app) = sign_in_with(client.clone()).await;
        // The browser gets the fixed message; the log and the error hook name the proxy.
        assert_provider_failure(&response, "ProviderConnectionError");
        let detail = app.reported_error();
        assert!(detail.contains(&proxy_authority), "{detail}");

        let request = http::Request::get(format!("http://{mock}/token"))
            .body(Bytes::new())
            .expect("a valid request");
        let error = Error::from(client.execute(request).await.unwrap_err());
        assert_eq!(error.code(), "ProviderConnectionError");
        let links = chain(&error);
        assert!(
            links.len() >= 2 && links[0].is::<coauth_core::HttpError>(),
            "{error:?}"
        );
        if proxy_url == absent {
            assert!(
                links.iter().any(|link| link
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)),
                "the refused connection to the proxy is in the chain: {error:?}"
            );
        }
    }
    assert!(
        refusing.log().contains("): CONNECT "),
        "tinyproxy received the CONNECT it refused:\n{}",
        refusing.log()
    );
}

/// An https target through tinyproxy: the tunnel opens to the target's name and port, and
/// what arrives at the target is a TLS ClientHello naming it (a plain TCP listener stands in
/// for the provider and records it).
#[tokio::test]
async fn https_runs_tls_to_the_target_inside_the_tunnel() {
    let proxy = Tinyproxy::start("");
    let target = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = target.local_addr().expect("the listener's address").port();
    // `localhost` may resolve to ::1 first on the proxy's side: listen there too if possible.
    let target_v6 = TcpListener::bind(("::1", port)).ok();
    let received = std::thread::spawn(move || {
        target
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        if let Some(v6) = &target_v6 {
            v6.set_nonblocking(true).expect("a non-blocking listener");
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut socket = loop {
            if let Ok((socket, _)) = target.accept() {
                break socket;
            }
            if let Some(Ok((socket, _))) = target_v6.as_ref().map(TcpListener::accept) {
                break socket;
            }
            assert!(Instant::now() < deadline, "nothing reached the target");
            std::thread::sleep(Duration::from_millis(10));
        };
        socket.set_nonblocking(false).expect("a blocking socket");
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("a read timeout");
        let mut hello = vec![0u8; 4096];
        let read = socket.read(&mut hello).unwrap_or(0);
        hello.truncate(read);
        hello
    });
    let client = client_through(ProxyConfig::new().all(&proxy.url()));
    let request = http::Request::get(format!("https://localhost:{port}/token"))
        .body(Bytes::new())
        .expect("a valid request");
    let result = client.execute(request).await;
    assert!(result.is_err(), "the stand-in target speaks no TLS");
    let hello = received.join().expect("the target's thread");
    assert_eq!(
        hello.first(),
        Some(&0x16),
        "a TLS handshake record: {hello:?}"
    );
    assert!(
        hello.windows(b"localhost".len()).any(|w| w == b"localhost"),
        "the ClientHello names the target"
    );
    let connects = proxy.connects();
    assert!(
        connects.contains(&format!("localhost:{port}")),
        "{connects:?}\n{}",
        proxy.log()
    );
}
