//! Tables of a run: outcomes against expectations, latencies, and the checks that fail it.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

use crate::flow::{Kind, Outcome, Record};

/// The outcome table: per kind, the flows, the expected answer, what came, and the flows
/// that ended otherwise (their problems go to `problems`).
pub(crate) fn outcomes(records: &[Record], problems: &mut Vec<String>) -> String {
    let mut table = String::new();
    let _ = writeln!(
        table,
        "  {:<28} {:>6}  {:<30} {:>6}  other outcomes",
        "flow", "count", "expected", "right"
    );
    for kind in Kind::ALL {
        let of_kind: Vec<&Record> = records.iter().filter(|r| r.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let expected = kind.expected();
        let right = of_kind.iter().filter(|r| r.outcome == expected).count();
        let mut others: BTreeMap<String, usize> = BTreeMap::new();
        for record in of_kind.iter().filter(|r| r.outcome != expected) {
            *others.entry(short(&record.outcome)).or_default() += 1;
            if problems.len() < 40 {
                problems.push(format!(
                    "flow {} ({}): expected {expected}, got {}",
                    record.index,
                    kind.label(),
                    record.outcome
                ));
            }
        }
        if right != of_kind.len() && problems.len() >= 40 {
            problems.push(format!("... more {} flows ended wrong", kind.label()));
        }
        let others = others
            .iter()
            .map(|(outcome, count)| format!("{count}x {outcome}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            table,
            "  {:<28} {:>6}  {:<30} {:>6}  {}",
            kind.label(),
            of_kind.len(),
            expected.to_string(),
            right,
            if others.is_empty() { "-" } else { &others }
        );
    }
    let total = records.len();
    let right = records
        .iter()
        .filter(|r| r.outcome == r.kind.expected())
        .count();
    let _ = writeln!(
        table,
        "  {:<28} {:>6}  {:<30} {:>6}",
        "all", total, "", right
    );
    // The client's mistakes must never be answered 5xx, whatever else went wrong.
    let mistakes_5xx = records
        .iter()
        .filter(|r| r.kind.is_mistake())
        .filter(|r| matches!(r.outcome, Outcome::Answer { status, .. } if status >= 500))
        .count();
    if mistakes_5xx > 0 {
        problems.push(format!(
            "{mistakes_5xx} of the client's mistakes answered 5xx"
        ));
    }
    let _ = writeln!(
        table,
        "  5xx for the client's mistakes: {mistakes_5xx}; 5xx in all: {}",
        records
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Answer { status, .. } if status >= 500))
            .count()
    );
    table
}

/// An outcome, shortened for a table cell (a broken flow's reason can be long).
fn short(outcome: &Outcome) -> String {
    let text = outcome.to_string();
    match text.char_indices().nth(90) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text,
    }
}

/// Nearest-rank percentile `p` (0 to 100) of sorted durations, in milliseconds.
fn percentile(sorted: &[Duration], p: usize) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// p50, p99 and max of each step, over the flows that reached it; the normal sign-ins
/// apart (a faulted `result` waits for the provider's fault, up to the client's timeout).
pub(crate) fn latencies(records: &[Record]) -> String {
    let mut table = String::new();
    let _ = writeln!(
        table,
        "  {:<34} {:>7} {:>9} {:>9} {:>9}",
        "step (ms)", "flows", "p50", "p99", "max"
    );
    type Step = fn(&Record) -> Option<Duration>;
    let steps: [(&str, Step); 3] = [
        ("auth_url", |r| r.auth_url),
        ("consent at the mock (GET + POST)", |r| r.consent),
        ("result", |r| r.result),
    ];
    for (name, step) in steps {
        for (which, only_ok) in [("all flows", false), ("sign-ins", true)] {
            if name != "result" && only_ok {
                continue;
            }
            let mut times: Vec<Duration> = records
                .iter()
                .filter(|r| !only_ok || r.kind == Kind::Ok)
                .filter_map(step)
                .collect();
            times.sort();
            let label = if name == "result" {
                format!("{name} ({which})")
            } else {
                name.to_owned()
            };
            let _ = writeln!(
                table,
                "  {:<34} {:>7} {:>9.1} {:>9.1} {:>9.1}",
                label,
                times.len(),
                percentile(&times, 50),
                percentile(&times, 99),
                times.last().map_or(f64::NAN, |t| t.as_secs_f64() * 1000.0)
            );
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let times: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&times, 50), 50.0);
        assert_eq!(percentile(&times, 99), 99.0);
        assert_eq!(percentile(&times[..1], 99), 1.0);
        assert!(percentile(&[], 50).is_nan());
    }
}
