//! Every `tracing` event and span of a test binary, captured as text, and the check that no
//! secret reached it.
//!
//! [`install`] sets a process-wide subscriber at `TRACE` that formats every event with the
//! fields of its spans, and every span's fields when it closes (so fields recorded late,
//! such as `outcome`, are there too). [`assert_no_secrets`] then looks for the values that
//! must never be logged: the ones a test knows, and anything shaped like what coauth and
//! the mocks make random (a state, nonce, verifier, binding cookie, code or token: 32 or
//! more base64url characters in one run; a sealed flow is longer still).

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

/// The captured text of every event and span of this process since [`install`].
#[derive(Clone, Default)]
pub struct LogCapture {
    text: Arc<Mutex<Vec<u8>>>,
}

impl LogCapture {
    /// Everything captured so far.
    pub fn text(&self) -> String {
        let bytes = self.text.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Everything captured from now on, until the closure returns.
    pub fn during<T>(&self, run: impl FnOnce() -> T) -> (T, String) {
        let start = self.text.lock().unwrap_or_else(|p| p.into_inner()).len();
        let value = run();
        let bytes = self.text.lock().unwrap_or_else(|p| p.into_inner());
        (value, String::from_utf8_lossy(&bytes[start..]).into_owned())
    }
}

/// The writer the subscriber formats into.
pub struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogCapture {
    type Writer = CaptureWriter;

    fn make_writer(&'a self) -> Self::Writer {
        CaptureWriter(self.text.clone())
    }
}

/// Installs the capturing subscriber for the whole process (once; later calls return the
/// same capture).
pub fn install() -> LogCapture {
    static CAPTURE: OnceLock<LogCapture> = OnceLock::new();
    CAPTURE
        .get_or_init(|| {
            let capture = LogCapture::default();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(FmtSpan::CLOSE)
                .with_ansi(false)
                .with_writer(capture.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber in a test binary");
            capture
        })
        .clone()
}

/// The first run of 32 or more base64url characters in `text`: the shape of every random
/// value coauth and the mocks make, and of a sealed flow.
pub fn random_looking_run(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, byte) in bytes.iter().chain(std::iter::once(&b' ')).enumerate() {
        let token = byte.is_ascii_alphanumeric() || *byte == b'-' || *byte == b'_';
        if !token {
            if i - start >= 32 {
                return Some(&text[start..i]);
            }
            start = i + 1;
        }
    }
    None
}

/// Panics when `log` contains one of `secrets` or a [`random_looking_run`], quoting the
/// line, so a test that logs a secret fails and says where.
pub fn assert_no_secrets(log: &str, secrets: &[&str]) {
    for line in log.lines() {
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            assert!(
                !line.contains(secret),
                "a secret value reached the log: {line}"
            );
        }
        if let Some(run) = random_looking_run(line) {
            panic!(
                "a random-looking value ({} chars) reached the log: {line}",
                run.len()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_runs_are_found_and_ordinary_text_passes() {
        let token = "a".repeat(43);
        assert_eq!(
            random_looking_run(&format!("state={token} x")),
            Some(token.as_str())
        );
        assert_eq!(random_looking_run(&token), Some(token.as_str()));
        assert_eq!(
            random_looking_run("coauth.result{provider=demo flow=Ab3_dE-9xYz1}: step finished"),
            None
        );
    }

    #[test]
    #[should_panic(expected = "a secret value reached the log")]
    fn a_known_secret_fails_the_check() {
        assert_no_secrets("client_secret=hunter2", &["hunter2"]);
    }
}
