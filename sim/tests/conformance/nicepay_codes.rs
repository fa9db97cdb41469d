//! NICEPAY publishes no OpenAPI document; its manual's code table (`common/code.md`)
//! is the reference: every result code the simulator answers must be in it with the
//! same meaning (message), or appear in the manual's own sample answers.

use std::path::Path;

/// `(code, message)` of every row of the manual's code tables.
fn table(manual: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(manual.join("common/code.md")).expect("common/code.md");
    text.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            // "| A118 | 조회 결과데이터 없음 |" → ["", "A118", "조회 결과데이터 없음", ...]
            let (code, message) = (cells.get(1)?, cells.get(2)?);
            (code.len() == 4 && code.bytes().all(|b| b.is_ascii_alphanumeric()))
                .then(|| (code.to_string(), message.replace("{0} ", "")))
        })
        .collect()
}

/// The `"resultCode":"..","resultMsg":".."` pairs of the manual's sample answers.
fn samples(manual: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(manual.join("api"))
        .expect("api/")
        .flatten()
    {
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            all.push_str(&text);
        }
    }
    all
}

pub fn check(manual: &Path) {
    let rows = table(manual);
    assert!(
        rows.len() > 300,
        "the code table parsed to {} rows",
        rows.len()
    );
    let samples = samples(manual);
    let mut wrong = Vec::new();
    for (code, message) in paytoken_sim::served::nicepay_result_codes() {
        let in_table = rows.iter().any(|(c, m)| c == code && m == message);
        // Success is "결제성공" in the table; the manual's samples say the message below.
        let sample_success =
            *code == "0000" && samples.contains(&format!("\"resultMsg\":\"{message}\""));
        if !(in_table || sample_success) {
            let meanings: Vec<&str> = rows
                .iter()
                .filter(|(c, _)| c == code)
                .map(|(_, m)| m.as_str())
                .collect();
            wrong.push(format!(
                "{code} {message:?}: NICEPAY's table says {meanings:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "NICEPAY codes used with another meaning:\n{}",
        wrong.join("\n")
    );
}
