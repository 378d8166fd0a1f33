//! `soak run`: the load driver. It runs the mock providers (one per fault), starts the
//! server under test as separate processes, runs the flows and reports.
//!
//! Phase 1, one instance: `--passes` runs of `--flows` flows at `--concurrency`, with the
//! server's resident memory after each and the connections the server opened to the mocks.
//! Phase 2, `--instances` instances sharing the secret behind haproxy: `--flows` flows, each
//! flow's `result` sent to another instance than its `auth_url`; halfway, every instance is
//! replaced, one after the other, to rotate the secret (`--rotation`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use coauth_tests::mock::{Endpoint, Fault, MockIdp};
use coauth_tests::mock_provider::{MockConfig, MockProvider};

use crate::flow::{self, Browser, Counting, Kind, Outcome, Record, Target};
use crate::processes::{Instance, Proxy, ServerConfig, cpu_time, free_port, panics_in, rss_kib};
use crate::report;

const USAGE: &str = "usage: soak run [--flows N] [--concurrency N] [--passes N] [--instances N]
                [--rotation staged|direct|none] [--think-ms N] [--timeout-ms N]
                [--only single|multi] [--deadline-s N] [--out DIR]";

/// The two secrets of the rotation (raw text, at least 32 bytes each).
const SECRET_A: &str = "soak secret A: thirty-two bytes or more, for sealing";
const SECRET_B: &str = "soak secret B: thirty-two bytes or more, for sealing";
/// How long a replaced instance keeps serving the requests it already has before it is
/// stopped (it gets no new ones once the proxy points at its successor).
const DRAIN: Duration = Duration::from_millis(500);
/// The pause between two instance replacements.
const BETWEEN_RESTARTS: Duration = Duration::from_millis(300);
/// The oversize fault's body: twice the outbound client's 1 MiB cap.
const OVERSIZE: usize = 2 * 1024 * 1024;

/// How the secret is rotated across the instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rotation {
    /// Every instance in turn with the new secret as `COAUTH_PREVIOUS_SECRET` (opens, does
    /// not seal), then every instance in turn with the new secret and the old one as
    /// previous. No instance ever sees a flow sealed with a key it lacks.
    Staged,
    /// Every instance in turn with the new secret and the old one as previous: until the
    /// last is replaced, a flow sealed by a new instance may reach an old one.
    Direct,
    /// No replacement.
    None,
}

struct Options {
    flows: usize,
    concurrency: usize,
    passes: usize,
    instances: usize,
    rotation: Rotation,
    think: Duration,
    provider_timeout: Duration,
    single: bool,
    multi: bool,
    deadline: Duration,
    out: PathBuf,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            flows: 10_000,
            concurrency: 200,
            passes: 3,
            instances: 3,
            rotation: Rotation::Staged,
            think: Duration::from_millis(100),
            provider_timeout: Duration::from_millis(1000),
            single: true,
            multi: true,
            deadline: Duration::from_secs(600),
            out: PathBuf::from("target/soak"),
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            let number = || {
                value
                    .parse::<usize>()
                    .map_err(|_| format!("{flag} takes a number, not {value:?}"))
            };
            match flag.as_str() {
                "--flows" => options.flows = number()?,
                "--concurrency" => options.concurrency = number()?.max(1),
                "--passes" => options.passes = number()?.max(1),
                "--instances" => options.instances = number()?.max(2),
                "--think-ms" => options.think = Duration::from_millis(number()? as u64),
                "--timeout-ms" => {
                    options.provider_timeout = Duration::from_millis(number()?.max(50) as u64);
                }
                "--deadline-s" => options.deadline = Duration::from_secs(number()? as u64),
                "--out" => options.out = PathBuf::from(value),
                "--rotation" => {
                    options.rotation = match value.as_str() {
                        "staged" => Rotation::Staged,
                        "direct" => Rotation::Direct,
                        "none" => Rotation::None,
                        _ => return Err(format!("--rotation is staged, direct or none\n{USAGE}")),
                    };
                }
                "--only" => match value.as_str() {
                    "single" => options.multi = false,
                    "multi" => options.single = false,
                    _ => return Err(format!("--only is single or multi\n{USAGE}")),
                },
                _ => return Err(format!("unknown option {flag}\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

/// The report: printed as it goes, and kept for `report.txt`.
#[derive(Default)]
struct Report {
    text: String,
    problems: Vec<String>,
}

impl Report {
    fn say(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        println!("{text}");
        self.text.push_str(text);
        self.text.push('\n');
    }

    fn check(&mut self, ok: bool, problem: impl FnOnce() -> String) {
        if !ok {
            let problem = problem();
            self.say(format!("  FAILED: {problem}"));
            self.problems.push(problem);
        }
    }
}

pub(crate) fn main(args: &[String]) -> ExitCode {
    let mut options = match Options::parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("soak: no tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut report = Report::default();
    let outcome = runtime.block_on(run(&mut options, &mut report));
    if let Err(error) = outcome {
        report.say(format!("FAILED: {error}"));
        report.problems.push(error);
    }
    let verdict = if report.problems.is_empty() {
        "soak: PASSED".to_owned()
    } else {
        format!("soak: FAILED ({} problems)", report.problems.len())
    };
    report.say(&verdict);
    let path = options.out.join("report.txt");
    if let Err(error) = std::fs::write(&path, &report.text) {
        eprintln!("{}: {error}", path.display());
    }
    // The mocks' tasks end with the runtime; don't wait for the slow fault's sleeps.
    runtime.shutdown_timeout(Duration::from_secs(1));
    if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The mock providers, one per provider name of the server; the faulted ones keep their
/// fault for the whole run.
struct Mocks {
    all: Vec<(&'static str, MockProvider)>,
    consent: Counting,
}

impl Mocks {
    async fn start(provider_timeout: Duration, consent: Counting) -> Mocks {
        let slow = provider_timeout * 2 + Duration::from_millis(500);
        let mut all = Vec::new();
        for kind in [
            Kind::Ok,
            Kind::Slow,
            Kind::ServerError,
            Kind::Reset,
            Kind::Malformed,
            Kind::Oversize,
        ] {
            let mock = MockProvider::start(MockConfig::default()).await;
            let fault = match kind {
                Kind::Slow => Fault::Slow(slow),
                Kind::ServerError => Fault::ServerError,
                Kind::Reset => Fault::Reset,
                Kind::Malformed => Fault::Malformed,
                Kind::Oversize => Fault::Oversize(OVERSIZE),
                _ => Fault::None,
            };
            for endpoint in [Endpoint::Token, Endpoint::Profile] {
                mock.set_fault(endpoint, fault.clone());
            }
            all.push((kind.provider(), mock));
        }
        Mocks { all, consent }
    }

    /// `SOAK_PROVIDERS` for the server.
    fn providers(&self) -> String {
        self.all
            .iter()
            .map(|(name, mock)| format!("{name}={}", mock.base_url()))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn snapshot(&self) -> Vec<Counters> {
        self.all
            .iter()
            .map(|(name, mock)| {
                let port = mock
                    .base_url()
                    .rsplit(':')
                    .next()
                    .and_then(|port| port.parse().ok())
                    .unwrap_or(0);
                Counters {
                    provider: name,
                    accepted: mock.connections(),
                    by_browsers: self.consent.opened(port),
                    token_calls: mock.calls(Endpoint::Token),
                    profile_calls: mock.calls(Endpoint::Profile),
                }
            })
            .collect()
    }
}

/// One mock's counters at one moment.
#[derive(Debug, Clone, Copy)]
struct Counters {
    provider: &'static str,
    /// TCP connections the mock accepted.
    accepted: usize,
    /// Of those, the ones the driver's browsers opened (consent pages).
    by_browsers: usize,
    token_calls: usize,
    profile_calls: usize,
}

/// The connections and calls of a run, per mock: the server's connections are what the
/// mock accepted less what the browsers opened.
fn calls_table(
    before: &[Counters],
    after: &[Counters],
    records: &[Record],
    concurrency: usize,
    report: &mut Report,
) {
    let flows = records.len().max(1) as f64;
    report.say(format!(
        "  {:<16} {:>6} {:>11} {:>12} {:>14} {:>14}",
        "mock provider", "flows", "token calls", "profile calls", "server conns", "per 1000 flows"
    ));
    let mut total = 0;
    for (b, a) in before.iter().zip(after) {
        let flows_here = records
            .iter()
            .filter(|r| r.kind.provider() == a.provider)
            .count();
        let server = (a.accepted - b.accepted).saturating_sub(a.by_browsers - b.by_browsers);
        total += server;
        report.say(format!(
            "  {:<16} {:>6} {:>11} {:>12} {:>14} {:>14.1}",
            a.provider,
            flows_here,
            a.token_calls - b.token_calls,
            a.profile_calls - b.profile_calls,
            server,
            server as f64 * 1000.0 / flows
        ));
        // Every check runs before any provider call: the mistakes never reach the mock, a
        // sign-in calls the token and profile endpoints once each, a faulted flow the token
        // endpoint once (its fault ends it there).
        let signed_in = records
            .iter()
            .filter(|r| r.kind.provider() == a.provider && r.kind == Kind::Ok)
            .count();
        let faulted = records
            .iter()
            .filter(|r| r.kind.provider() == a.provider && r.kind.fault().is_some())
            .count();
        report.check(a.token_calls - b.token_calls == signed_in + faulted, || {
            format!(
                "{}: {} token calls for {} sign-ins and {} faulted flows",
                a.provider,
                a.token_calls - b.token_calls,
                signed_in,
                faulted
            )
        });
        // The pool reuses its connections: never more than two per flow in flight (one
        // without reuse would open two per sign-in).
        if a.provider == Kind::Ok.provider() {
            report.check(server <= 2 * concurrency, || {
                format!(
                    "{}: the server opened {server} connections for {concurrency} flows at once",
                    a.provider
                )
            });
        }
        report.check(a.profile_calls - b.profile_calls == signed_in, || {
            format!(
                "{}: {} profile calls for {signed_in} sign-ins",
                a.provider,
                a.profile_calls - b.profile_calls
            )
        });
    }
    report.say(format!(
        "  {:<16} {:>6} {:>11} {:>12} {:>14} {:>14.1}",
        "all",
        records.len(),
        "",
        "",
        total,
        total as f64 * 1000.0 / flows
    ));
}

/// Where flow indices come from: `flows` of them, and more while `until` is not set (up to
/// `max`), never after `deadline`.
struct Supply {
    next: AtomicUsize,
    flows: usize,
    until: Option<(Arc<AtomicBool>, usize)>,
    deadline: Instant,
}

impl Supply {
    fn take(&self) -> Option<usize> {
        if Instant::now() > self.deadline {
            return None;
        }
        let index = self.next.fetch_add(1, Ordering::SeqCst);
        let more = match &self.until {
            Some((done, max)) => !done.load(Ordering::SeqCst) && index < *max,
            None => false,
        };
        (index < self.flows || more).then_some(index)
    }
}

/// Runs flows from `supply` on `concurrency` browsers at once; returns the records, in
/// index order, and the driver's own task failures.
async fn drive(
    target: Arc<Target>,
    supply: Arc<Supply>,
    concurrency: usize,
) -> (Vec<Record>, Vec<String>) {
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let target = Arc::clone(&target);
        let supply = Arc::clone(&supply);
        tasks.push(tokio::spawn(async move {
            let mut browser = Browser::default();
            let mut records = Vec::new();
            while let Some(index) = supply.take() {
                records.push(flow::run(&target, &mut browser, index).await);
            }
            records
        }));
    }
    let mut records = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        match task.await {
            Ok(mut some) => records.append(&mut some),
            Err(error) => failures.push(format!("a driver task failed: {error}")),
        }
    }
    records.sort_by_key(|r| r.index);
    (records, failures)
}

async fn run(options: &mut Options, report: &mut Report) -> Result<(), String> {
    std::fs::create_dir_all(&options.out).map_err(|e| format!("{}: {e}", options.out.display()))?;
    // Absolute: haproxy reads a socket path only when it starts with '/'.
    options.out = std::fs::canonicalize(&options.out)
        .map_err(|e| format!("{}: {e}", options.out.display()))?;
    let (mock_client, consent) = flow::mock_client();
    let mocks = Mocks::start(options.provider_timeout, consent).await;
    report.say(format!(
        "soak: {} flows at {} concurrent; 5% provider faults (slow > the {:?} timeout, 502, \
         connection reset, malformed JSON, {} MiB body), 2% client mistakes",
        options.flows,
        options.concurrency,
        options.provider_timeout,
        OVERSIZE / (1024 * 1024)
    ));
    if options.single {
        single(options, &mocks, &mock_client, report).await?;
    }
    if options.multi {
        multi(options, &mocks, &mock_client, report).await?;
    }
    Ok(())
}

/// Checks a run's records: every flow ran, ended as its kind must, and the driver's tasks
/// did not fail.
fn check_run(flows: usize, records: &[Record], task_failures: &[String], report: &mut Report) {
    let mut problems = Vec::new();
    report.say(report::outcomes(records, &mut problems));
    report.say(report::latencies(records));
    report.check(records.len() >= flows, || {
        format!(
            "only {} of {flows} flows ran before the deadline",
            records.len()
        )
    });
    for problem in problems.into_iter().chain(task_failures.iter().cloned()) {
        report.check(false, || problem);
    }
}

/// Phase 1: one instance, `passes` runs, its memory after each.
async fn single(
    options: &Options,
    mocks: &Mocks,
    mock_client: &flow::MockClient,
    report: &mut Report,
) -> Result<(), String> {
    let config = ServerConfig {
        tag: "single".into(),
        secret: SECRET_A.into(),
        previous_secret: None,
        public_url: None,
        providers: mocks.providers(),
        provider_timeout: options.provider_timeout,
    };
    let dir = options.out.clone();
    let instance = tokio::task::spawn_blocking(move || Instance::start(&config, &dir))
        .await
        .map_err(|e| e.to_string())??;
    let pid = instance.pid();
    report.say(format!(
        "\n== one instance (pid {pid}, http://127.0.0.1:{}/coauth), {} passes",
        instance.port, options.passes
    ));
    let origin = format!("http://127.0.0.1:{}", instance.port);
    let mut rss = vec![("started".to_owned(), rss_kib(pid)?)];
    let app = flow::app_client();
    for pass in 1..=options.passes {
        let target = Arc::new(Target {
            base: format!("{origin}/coauth"),
            origin: origin.clone(),
            app: app.clone(),
            mocks: mock_client.clone(),
            epoch: Instant::now(),
            think: Duration::ZERO,
            cross: false,
        });
        let supply = Arc::new(Supply {
            next: AtomicUsize::new(0),
            flows: options.flows,
            until: None,
            deadline: Instant::now() + options.deadline,
        });
        let before = mocks.snapshot();
        let cpu_before = cpu_time(pid)?;
        let started = Instant::now();
        let (records, failures) = drive(target, supply, options.concurrency).await;
        let wall = started.elapsed();
        let cpu = cpu_time(pid)?.saturating_sub(cpu_before);
        let after = mocks.snapshot();
        rss.push((format!("after pass {pass}"), rss_kib(pid)?));
        report.say(format!(
            "\n-- pass {pass}: {} flows in {:.1} s ({:.0} flows/s); server CPU {:.2} s \
             ({:.0} µs a flow)",
            records.len(),
            wall.as_secs_f64(),
            records.len() as f64 / wall.as_secs_f64(),
            cpu.as_secs_f64(),
            cpu.as_secs_f64() * 1e6 / records.len().max(1) as f64
        ));
        check_run(options.flows, &records, &failures, report);
        calls_table(&before, &after, &records, options.concurrency, report);
    }
    report.say("\n-- server memory (KiB)");
    for (when, (current, peak)) in &rss {
        report.say(format!("  {when:<14} RSS {current:>8}   peak {peak:>8}"));
    }
    if rss.len() > 2 {
        // The first pass brings the server to its working size (buffers, pools, allocator
        // arenas, with its peak in `VmHWM`); later passes of the same load must stay there.
        let (first, first_peak) = rss[1].1;
        let last = rss[rss.len() - 1].1.0;
        let allowed = first_peak + (first_peak / 10).max(4 * 1024);
        report.check(last <= allowed, || {
            format!(
                "RSS grew to {last} KiB after the last pass; after pass 1: {first} KiB, \
                 peak {first_peak} KiB (allowed {allowed})"
            )
        });
    }
    let log = instance.log.clone();
    let status = tokio::task::spawn_blocking(move || instance.stop())
        .await
        .map_err(|e| e.to_string())??;
    report.check(status.success(), || {
        format!("the server exited with {status}")
    });
    let panics = panics_in(&log);
    report.say(format!("  panics in the server's log: {}", panics.len()));
    report.check(panics.is_empty(), || format!("panics: {panics:?}"));
    Ok(())
}

/// A replacement of one instance during the rotation.
struct Restart {
    tag: String,
    /// When the proxy started sending its requests to the new process, from the epoch.
    at: Duration,
}

/// Phase 2: several instances behind haproxy, the secret rotated halfway.
async fn multi(
    options: &Options,
    mocks: &Mocks,
    mock_client: &flow::MockClient,
    report: &mut Report,
) -> Result<(), String> {
    let proxy_port = free_port()?;
    let public_url = format!("http://127.0.0.1:{proxy_port}/coauth");
    let config =
        |index: usize, generation: usize, secret: &str, previous: Option<&str>| ServerConfig {
            tag: format!("s{index}/g{generation}"),
            secret: secret.into(),
            previous_secret: previous.map(str::to_owned),
            public_url: Some(public_url.clone()),
            providers: mocks.providers(),
            provider_timeout: options.provider_timeout,
        };
    // The generations after the first, (number, secret, previous secret), and what each
    // generation seals with and opens.
    type Generation = (usize, &'static str, Option<&'static str>);
    let (plan, generations): (Vec<Generation>, Vec<&str>) = match options.rotation {
        Rotation::Staged => (
            vec![(1, SECRET_A, Some(SECRET_B)), (2, SECRET_B, Some(SECRET_A))],
            vec!["seals A", "seals A, opens B", "seals B, opens A"],
        ),
        Rotation::Direct => (
            vec![(1, SECRET_B, Some(SECRET_A))],
            vec!["seals A", "seals B, opens A"],
        ),
        Rotation::None => (vec![], vec!["seals A"]),
    };
    let mut started = Vec::new();
    for index in 1..=options.instances {
        let config = config(index, 0, SECRET_A, None);
        let dir = options.out.clone();
        started.push(
            tokio::task::spawn_blocking(move || Instance::start(&config, &dir))
                .await
                .map_err(|e| e.to_string())??,
        );
    }
    let names: Vec<(String, u16)> = started
        .iter()
        .enumerate()
        .map(|(i, instance)| (format!("s{}", i + 1), instance.port))
        .collect();
    let proxy = Arc::new(Proxy::start(&options.out, proxy_port, &names)?);
    report.say(format!(
        "\n== {} instances behind haproxy at {public_url} (config: {}); rotation: {:?}",
        options.instances,
        proxy.config.display(),
        options.rotation
    ));
    for (number, what) in generations.iter().enumerate() {
        report.say(format!("  generation g{number}: {what}"));
    }
    let instances = Arc::new(Mutex::new(started));
    let epoch = Instant::now();
    let done = Arc::new(AtomicBool::new(plan.is_empty()));
    let supply = Arc::new(Supply {
        next: AtomicUsize::new(0),
        flows: options.flows,
        // While the rotation runs, flows keep coming (the deadline bounds them).
        until: Some((Arc::clone(&done), options.flows * 20)),
        deadline: epoch + options.deadline,
    });
    let target = Arc::new(Target {
        base: public_url.clone(),
        origin: format!("http://127.0.0.1:{proxy_port}"),
        app: flow::app_client(),
        mocks: mock_client.clone(),
        epoch,
        think: options.think,
        cross: true,
    });

    // The rotation, on a thread of its own (it starts and stops processes).
    let rotation = {
        let instances = Arc::clone(&instances);
        let proxy = Arc::clone(&proxy);
        let supply = Arc::clone(&supply);
        let done = Arc::clone(&done);
        let plan: Vec<ServerConfig> = plan
            .iter()
            .flat_map(|(generation, secret, previous)| {
                (1..=options.instances).map(move |index| (index, *generation, *secret, *previous))
            })
            .map(|(index, generation, secret, previous)| {
                config(index, generation, secret, previous)
            })
            .collect();
        let dir = options.out.clone();
        let half = options.flows / 2;
        std::thread::spawn(move || {
            let result = rotate(&plan, half, &supply, &instances, &proxy, &dir, epoch);
            done.store(true, Ordering::SeqCst);
            result
        })
    };
    let wall = Instant::now();
    let (records, failures) = drive(target, Arc::clone(&supply), options.concurrency).await;
    let wall = wall.elapsed();
    let (restarts, stopped) = tokio::task::spawn_blocking(move || rotation.join())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|_| "the rotation thread panicked".to_owned())??;

    report.say(format!(
        "\n-- {} flows in {:.1} s ({:.0} flows/s), up to {} ms at the consent page",
        records.len(),
        wall.as_secs_f64(),
        records.len() as f64 / wall.as_secs_f64(),
        options.think.as_millis()
    ));
    check_run(options.flows, &records, &failures, report);
    crossing(&records, report);
    rotation_table(&records, &restarts, &generations, report);

    // Stop everything; each process must exit cleanly and without a panic.
    drop(proxy);
    let running = std::mem::take(&mut *instances.lock().map_err(|_| "lock poisoned")?);
    let mut exits = stopped;
    for instance in running {
        let log = instance.log.clone();
        let tag = instance.tag.clone();
        let status = tokio::task::spawn_blocking(move || instance.stop())
            .await
            .map_err(|e| e.to_string())??;
        exits.push((tag, status.success(), panics_in(&log)));
    }
    let panics: usize = exits.iter().map(|(_, _, panics)| panics.len()).sum();
    report.say(format!(
        "  processes: {} ({} exited cleanly), panics in their logs: {panics}",
        exits.len(),
        exits.iter().filter(|(_, clean, _)| *clean).count()
    ));
    for (tag, clean, panics) in &exits {
        report.check(*clean, || format!("{tag} did not exit cleanly"));
        report.check(panics.is_empty(), || format!("{tag} panicked: {panics:?}"));
    }
    Ok(())
}

/// How a process ended: its tag, whether it exited cleanly, the panics in its log.
type Exit = (String, bool, Vec<String>);

/// The rotation thread: once half the flows started, replaces each instance in `plan`
/// order. Returns the replacements and how each replaced process ended.
fn rotate(
    plan: &[ServerConfig],
    half: usize,
    supply: &Supply,
    instances: &Mutex<Vec<Instance>>,
    proxy: &Proxy,
    dir: &std::path::Path,
    epoch: Instant,
) -> Result<(Vec<Restart>, Vec<Exit>), String> {
    let mut restarts = Vec::new();
    let mut stopped = Vec::new();
    if plan.is_empty() {
        return Ok((restarts, stopped));
    }
    while supply.next.load(Ordering::SeqCst) < half {
        if Instant::now() > supply.deadline {
            return Err("the rotation never started: too few flows before the deadline".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    for config in plan {
        let name = config.tag.split('/').next().unwrap_or_default().to_owned();
        let index: usize = name[1..].parse().map_err(|_| "bad instance name")?;
        let new = Instance::start(config, dir)?;
        let port = new.port;
        let old = {
            let mut instances = instances.lock().map_err(|_| "lock poisoned")?;
            proxy.set_address(&name, port)?;
            std::mem::replace(&mut instances[index - 1], new)
        };
        restarts.push(Restart {
            tag: config.tag.clone(),
            at: epoch.elapsed(),
        });
        std::thread::sleep(DRAIN);
        let log = old.log.clone();
        let tag = old.tag.clone();
        let status = old.stop()?;
        stopped.push((tag, status.success(), panics_in(&log)));
        std::thread::sleep(BETWEEN_RESTARTS);
    }
    Ok((restarts, stopped))
}

/// Proves that each flow's two steps met two instances: the proxy's `x-served-by` and the
/// instance's own `x-soak-instance` agree, and differ between `auth_url` and `result`.
fn crossing(records: &[Record], report: &mut Report) {
    let server = |tag: &Option<String>| {
        tag.as_deref()
            .and_then(|tag| tag.split('/').next())
            .map(str::to_owned)
    };
    let finished: Vec<&Record> = records.iter().filter(|r| r.result.is_some()).collect();
    let honest = finished
        .iter()
        .filter(|r| {
            r.auth_served_by.is_some()
                && server(&r.auth_instance) == r.auth_served_by
                && server(&r.result_instance) == r.result_served_by
        })
        .count();
    let crossed = finished
        .iter()
        .filter(|r| r.result_served_by.is_some() && r.auth_served_by != r.result_served_by)
        .count();
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &finished {
        let pair = (
            r.auth_served_by.clone().unwrap_or_default(),
            r.result_served_by.clone().unwrap_or_default(),
        );
        *pairs.entry(pair).or_default() += 1;
    }
    let mut line = String::new();
    for ((from, to), count) in &pairs {
        let _ = write!(line, " {from}->{to}: {count};");
    }
    report.say(format!(
        "  auth_url -> result instances (by the proxy's x-served-by):{line}"
    ));
    report.say(format!(
        "  flows whose result met another instance than auth_url: {crossed} of {}; \
         proxy and instance tags agree: {honest}",
        finished.len()
    ));
    report.check(crossed == finished.len(), || {
        format!("{} flows met one instance only", finished.len() - crossed)
    });
    report.check(honest == finished.len(), || {
        format!(
            "{} answers' proxy and instance tags disagree",
            finished.len() - honest
        )
    });
}

/// The rotation's effect: flows by the generation of the instance that started them and
/// the one that finished them, and the flows in flight across each replacement.
fn rotation_table(
    records: &[Record],
    restarts: &[Restart],
    generations: &[&str],
    report: &mut Report,
) {
    if restarts.is_empty() {
        return;
    }
    let generation = |tag: &Option<String>| {
        tag.as_deref()
            .and_then(|tag| tag.split('/').nth(1))
            .unwrap_or("?")
            .to_owned()
    };
    let describe = |generation: &str| {
        generation
            .strip_prefix('g')
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| generations.get(n))
            .copied()
            .unwrap_or("?")
    };
    let mut table: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for r in records.iter().filter(|r| r.result.is_some()) {
        let entry = table
            .entry((generation(&r.auth_instance), generation(&r.result_instance)))
            .or_default();
        entry.0 += 1;
        if r.outcome == r.kind.expected() {
            entry.1 += 1;
        }
    }
    report.say("  started at -> finished at (generation)           flows  right");
    for ((from, to), (count, right)) in &table {
        report.say(format!(
            "  {from} ({}) -> {to} ({})   {count:>6} {right:>6}",
            describe(from),
            describe(to)
        ));
    }
    let mut unspanned = Vec::new();
    let mut line = String::new();
    for restart in restarts {
        let spanning = records
            .iter()
            .filter(|r| r.started_at < restart.at && restart.at < r.ended_at)
            .count();
        if spanning == 0 {
            unspanned.push(restart.tag.clone());
        }
        let _ = write!(
            line,
            " {} at {:.2} s: {spanning};",
            restart.tag,
            restart.at.as_secs_f64()
        );
    }
    report.say(format!("  flows in flight at each replacement:{line}"));
    let first = restarts.first().map_or(Duration::ZERO, |r| r.at);
    let last = restarts.last().map_or(Duration::ZERO, |r| r.at) + DRAIN;
    let during: Vec<&Record> = records
        .iter()
        .filter(|r| r.ended_at > first && r.started_at < last)
        .collect();
    let mut wrong_kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in during.iter().filter(|r| r.outcome != r.kind.expected()) {
        *wrong_kinds.entry(r.kind.label()).or_default() += 1;
    }
    let wrong: usize = wrong_kinds.values().sum();
    let wrong_kinds = wrong_kinds
        .iter()
        .map(|(kind, count)| format!("{count}x {kind}"))
        .collect::<Vec<_>>()
        .join(", ");
    let failed_input = during
        .iter()
        .filter(|r| {
            r.kind == Kind::Ok
                && matches!(&r.outcome, Outcome::Answer { code: Some(code), .. } if code == "InputError")
        })
        .count();
    report.say(format!(
        "  flows overlapping the rotation ({:.2} s to {:.2} s): {}, ended wrong: {wrong}{}{} \
         (sign-ins refused as InputError: {failed_input})",
        first.as_secs_f64(),
        last.as_secs_f64(),
        during.len(),
        if wrong > 0 { ": " } else { "" },
        wrong_kinds
    ));
    report.check(unspanned.is_empty(), || {
        format!("no flow was in flight when {unspanned:?} took over")
    });
}
