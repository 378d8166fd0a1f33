//! `soak`: coauth under load, provider faults and several instances. `scripts/soak` builds
//! and runs it; README.md ("Proof under load") has the figures.
//!
//! - `soak server`: the server under test, an axum app with coauth configured from the
//!   environment (see `server.rs`). The driver starts it as separate processes, so the
//!   memory it reports is the server's alone.
//! - `soak run [options]`: the load driver (see `driver.rs`). It runs the mock providers in
//!   its own process, one per fault, and plays the browsers: `auth_url` with `Origin` and the
//!   binding cookie, the consent page at the mock, `result` with the redirect parameters.

mod driver;
mod flow;
mod processes;
mod report;
mod server;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("server") => server::main(),
        Some("run") => driver::main(&args[1..]),
        _ => {
            eprintln!("usage: soak server | soak run [options] (see scripts/soak)");
            ExitCode::from(2)
        }
    }
}
