//! The processes the driver starts: instances of `soak server` and haproxy in front of
//! them. Each is stopped when its handle is dropped, so an early return or a panic of the
//! driver leaves nothing running; the instances also stop on their own when the driver
//! exits (their stdin closes).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a process may take to start or to stop.
const START_TIMEOUT: Duration = Duration::from_secs(20);
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// How to start an instance of the server.
#[derive(Debug, Clone)]
pub(crate) struct ServerConfig {
    /// The name it tags its answers with (`x-soak-instance`) and its log file's stem.
    pub(crate) tag: String,
    pub(crate) secret: String,
    pub(crate) previous_secret: Option<String>,
    /// `None`: its own address.
    pub(crate) public_url: Option<String>,
    /// `name=url,...` of the mocks.
    pub(crate) providers: String,
    pub(crate) provider_timeout: Duration,
}

/// A running `soak server`.
pub(crate) struct Instance {
    pub(crate) tag: String,
    pub(crate) port: u16,
    pub(crate) log: PathBuf,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Instance {
    /// Starts `soak server` (this very executable) and waits for its `listening on` line.
    pub(crate) fn start(config: &ServerConfig, dir: &Path) -> Result<Instance, String> {
        let exe = std::env::current_exe().map_err(|e| format!("own executable: {e}"))?;
        let log = dir.join(format!("{}.log", config.tag.replace('/', "-")));
        let log_file =
            std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut command = Command::new(exe);
        command
            .arg("server")
            .env("PORT", "0")
            .env("COAUTH_SECRET", &config.secret)
            .env("SOAK_PROVIDERS", &config.providers)
            .env(
                "SOAK_PROVIDER_TIMEOUT_MS",
                config.provider_timeout.as_millis().to_string(),
            )
            .env("SOAK_INSTANCE", &config.tag)
            .env("RUST_LOG", "warn")
            .env_remove("COAUTH_PREVIOUS_SECRET")
            .env_remove("COAUTH_PUBLIC_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log_file);
        if let Some(previous) = &config.previous_secret {
            command.env("COAUTH_PREVIOUS_SECRET", previous);
        }
        if let Some(public_url) = &config.public_url {
            command.env("COAUTH_PUBLIC_URL", public_url);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("starting soak server: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout is piped");
        let (line_tx, line_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = line_tx.send(line);
            // Keep reading, so the server never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut instance = Instance {
            tag: config.tag.clone(),
            port: 0,
            log,
            child,
            stdin,
        };
        let line = line_rx
            .recv_timeout(START_TIMEOUT)
            .map_err(|_| format!("{}: no 'listening on' line", instance.tag))?;
        instance.port = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|port| port.parse().ok())
            .ok_or_else(|| {
                format!(
                    "{}: unexpected first line {line:?} (log: {})",
                    instance.tag,
                    instance.log.display()
                )
            })?;
        Ok(instance)
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Closes its stdin (graceful shutdown: in-flight requests finish) and waits for it.
    pub(crate) fn stop(mut self) -> Result<ExitStatus, String> {
        self.stdin = None;
        wait_bounded(&mut self.child, STOP_TIMEOUT)
            .ok_or_else(|| format!("{} did not stop in {STOP_TIMEOUT:?}", self.tag))
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.stdin = None;
        if wait_bounded(&mut self.child, STOP_TIMEOUT).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Waits up to `limit` for `child` to exit.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
}

/// The resident set size of process `pid`, in KiB (`VmRSS`), and its peak (`VmHWM`).
pub(crate) fn rss_kib(pid: u32) -> Result<(u64, u64), String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// The CPU time process `pid` has used, user and system (`/proc/PID/stat`, in the kernel's
/// USER_HZ ticks of 10 ms).
pub(crate) fn cpu_time(pid: u32) -> Result<Duration, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    // After the command's name in parentheses: state, then 10 fields, then utime, stime.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |at: usize| {
        fields
            .get(at)
            .and_then(|field| field.parse::<u64>().ok())
            .ok_or_else(|| format!("unreadable /proc/{pid}/stat"))
    };
    Ok(Duration::from_millis((ticks(11)? + ticks(12)?) * 10))
}

/// Lines of a log that report a panic.
pub(crate) fn panics_in(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains("panicked"))
        .map(str::to_owned)
        .collect()
}

/// A loopback port free right now (bound, then released).
pub(crate) fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// haproxy in front of the instances, round robin, with its runtime API on a socket.
pub(crate) struct Proxy {
    pub(crate) config: PathBuf,
    socket: PathBuf,
    /// Where its pid is, for `scripts/soak` to stop it should the driver be killed.
    pid_file: PathBuf,
    servers: Vec<String>,
    child: Child,
}

/// The haproxy configuration: one frontend on `port`; backend `all` takes the requests
/// without `x-soak-started-on` (auth_url) round robin over every instance; backend `not_sN`
/// takes `result` requests that name the instance `sN` answering `auth_url`, round robin
/// over every other instance, so each flow's two steps meet two instances. Every answer
/// names the backend server in `x-served-by`. `http-server-close`: one connection to an
/// instance per request, so an instance replaced under a server name gets no more requests
/// once its address changed.
pub(crate) fn haproxy_config(port: u16, socket: &Path, instances: &[(String, u16)]) -> String {
    let servers = |skip: Option<&str>| {
        instances
            .iter()
            .filter(|(name, _)| Some(name.as_str()) != skip)
            .map(|(name, port)| format!("    server {name} 127.0.0.1:{port}\n"))
            .collect::<String>()
    };
    let mut config = format!(
        "# Generated by `soak run` (scripts/soak); regenerated on every run.
global
    stats socket {socket} mode 600 level admin
    maxconn 4000

defaults
    mode http
    option http-server-close
    timeout connect 2s
    timeout client 30s
    timeout server 30s

frontend app
    bind 127.0.0.1:{port}
    use_backend not_%[req.hdr({started_on})] if {{ req.hdr({started_on}) -m found }}
    default_backend all

backend all
    balance roundrobin
    http-response set-header {served_by} %[srv_name]
{all}",
        socket = socket.display(),
        started_on = crate::flow::STARTED_ON,
        served_by = crate::flow::SERVED_BY,
        all = servers(None),
    );
    for (name, _) in instances {
        config.push_str(&format!(
            "
backend not_{name}
    balance roundrobin
    http-request del-header {started_on}
    http-response set-header {served_by} %[srv_name]
{others}",
            started_on = crate::flow::STARTED_ON,
            served_by = crate::flow::SERVED_BY,
            others = servers(Some(name)),
        ));
    }
    config
}

impl Proxy {
    /// Writes the configuration into `dir`, checks it with `haproxy -c`, starts haproxy in
    /// the foreground on `port` and waits until it accepts connections.
    pub(crate) fn start(
        dir: &Path,
        port: u16,
        instances: &[(String, u16)],
    ) -> Result<Proxy, String> {
        let socket = dir.join("haproxy.sock");
        let _ = std::fs::remove_file(&socket);
        let config = dir.join("haproxy.cfg");
        std::fs::write(&config, haproxy_config(port, &socket, instances))
            .map_err(|e| format!("{}: {e}", config.display()))?;
        let check = Command::new("haproxy")
            .arg("-c")
            .arg("-f")
            .arg(&config)
            .output()
            .map_err(|e| format!("haproxy -c (is haproxy installed?): {e}"))?;
        if !check.status.success() {
            return Err(format!(
                "haproxy refuses {}: {}",
                config.display(),
                String::from_utf8_lossy(&check.stderr)
            ));
        }
        let log = dir.join("haproxy.log");
        let log = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let child = Command::new("haproxy")
            .arg("-db")
            .arg("-f")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting haproxy: {e}"))?;
        let pid_file = dir.join("haproxy.pid");
        std::fs::write(&pid_file, child.id().to_string())
            .map_err(|e| format!("haproxy.pid: {e}"))?;
        let mut proxy = Proxy {
            config,
            pid_file,
            socket,
            servers: instances.iter().map(|(name, _)| name.clone()).collect(),
            child,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() || !proxy.socket.exists() {
            if Instant::now() > deadline || matches!(proxy.child.try_wait(), Ok(Some(_))) {
                return Err(format!(
                    "haproxy did not start on port {port} (see haproxy.log)"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(proxy)
    }

    /// One command on the runtime API; its answer.
    fn command(&self, command: &str) -> Result<String, String> {
        let mut stream = UnixStream::connect(&self.socket)
            .map_err(|e| format!("{}: {e}", self.socket.display()))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .map_err(|e| e.to_string())?;
        stream
            .write_all(format!("{command}\n").as_bytes())
            .map_err(|e| format!("haproxy runtime API: {e}"))?;
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .map_err(|e| format!("haproxy runtime API: {e}"))?;
        Ok(answer)
    }

    /// Points server `name` at `127.0.0.1:port` in every backend that has it: new requests
    /// go to the new address; requests in flight finish where they are.
    pub(crate) fn set_address(&self, name: &str, port: u16) -> Result<(), String> {
        let backends = std::iter::once("all".to_owned()).chain(
            self.servers
                .iter()
                .filter(|other| other.as_str() != name)
                .map(|other| format!("not_{other}")),
        );
        for backend in backends {
            let answer = self.command(&format!(
                "set server {backend}/{name} addr 127.0.0.1 port {port}"
            ))?;
            if !answer.contains("changed") {
                return Err(format!("haproxy: set server {backend}/{name}: {answer}"));
            }
        }
        Ok(())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.socket);
        let _ = std::fs::remove_file(&self.pid_file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_go_to_every_instance_but_the_one_that_started() {
        let instances = [
            ("s1".to_owned(), 1001),
            ("s2".to_owned(), 1002),
            ("s3".to_owned(), 1003),
        ];
        let config = haproxy_config(2000, Path::new("/tmp/x.sock"), &instances);
        assert!(config.contains("bind 127.0.0.1:2000"));
        let backend = |name: &str| {
            let start = config.find(&format!("\nbackend {name}\n")).unwrap();
            let rest = &config[start + 1..];
            rest[..rest.find("\nbackend ").unwrap_or(rest.len())].to_owned()
        };
        assert!(backend("all").contains("server s1 127.0.0.1:1001"));
        assert!(backend("all").contains("server s3 127.0.0.1:1003"));
        let not_s2 = backend("not_s2");
        assert!(not_s2.contains("server s1 127.0.0.1:1001"));
        assert!(not_s2.contains("server s3 127.0.0.1:1003"));
        assert!(!not_s2.contains("server s2"));
    }
}
