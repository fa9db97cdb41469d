//! `paytoken stats --format prometheus`: the client's stats in the Prometheus text format
//! that node_exporter's textfile collector reads. The metric names, types, help texts and
//! the stats key behind each come from metrics.json beside this file, the one vocabulary that the
//! Python and Node collectors ship a copy of (README, "Metrics").

use serde_json::Value;

const VOCABULARY: &str = include_str!("metrics.json");

/// The `client` label when `--client` is not given (the collectors' default too).
pub const DEFAULT_CLIENT_LABEL: &str = "default";

/// The exposition text of `stats` (the object `paytoken_client_stats` returns). A stats
/// key that is null (no token cached, no answer yet) has its HELP and TYPE lines but no
/// sample, as the collectors do.
pub fn prometheus_text(stats: &Value, client_label: &str) -> String {
    let vocabulary: Value =
        serde_json::from_str(VOCABULARY).expect("metrics.json is checked by the tests");
    let gateway = stats["gateway"].as_str().unwrap_or("");
    let labels = format!(
        "gateway=\"{}\",client=\"{}\"",
        label_value(gateway),
        label_value(client_label)
    );
    let mut text = String::new();
    for metric in vocabulary["metrics"].as_array().into_iter().flatten() {
        let name = metric["name"].as_str().unwrap_or_default();
        let help = metric["help"].as_str().unwrap_or_default();
        let kind = metric["type"].as_str().unwrap_or_default();
        text.push_str(&format!("# HELP {name} {}\n", help_text(help)));
        text.push_str(&format!("# TYPE {name} {kind}\n"));
        let key = metric["statsKey"].as_str().unwrap_or_default();
        if let Some(value) = stats[key].as_f64() {
            let scaled = value * metric["scale"].as_f64().unwrap_or(1.0);
            text.push_str(&format!("{name}{{{labels}}} {scaled}\n"));
        }
    }
    text
}

/// A label value as the text format quotes it: backslash, double quote and newline escaped.
fn label_value(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A HELP text: backslash and newline escaped.
fn help_text(raw: &str) -> String {
    raw.replace('\\', "\\\\").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_keys_have_no_sample_and_milliseconds_become_seconds() {
        let stats = serde_json::json!({"gateway": "nicepay", "tokenFetches": 2,
            "tokenValidForMs": 1500, "gatewayClockSkewMs": null});
        let text = prometheus_text(&stats, "we\"b");
        assert!(text
            .contains("paytoken_token_fetches_total{gateway=\"nicepay\",client=\"we\\\"b\"} 2\n"));
        assert!(text.contains(
            "paytoken_token_valid_for_seconds{gateway=\"nicepay\",client=\"we\\\"b\"} 1.5\n"
        ));
        assert!(text.contains("# TYPE paytoken_gateway_clock_skew_seconds gauge\n"));
        assert!(!text.contains("paytoken_gateway_clock_skew_seconds{"));
    }
}
