//! `paytoken verify` (issue 25) run as a separate process against the faithful
//! simulator: exit 0 and VERIFIED for a paid payment of the expected amount, exit 10 with
//! each reason otherwise, the verdict object with --json, and usage errors.

mod cli_support;
mod common;

use cli_support::*;
use common::Sim;
use serde_json::{json, Value};

#[test]
fn verify_exits_0_only_for_a_verified_payment() {
    let sim = Sim::start_with(|c| c.implicit_payments = false);
    sim.create_payment(
        json!({"gateway":"portone-v1","id":"imp_000000000001","orderId":"shop-1","amount":1000}),
    );
    let scratch = Scratch::new();
    let env = v1_env(&sim);
    let env = with(&env, &[]);

    let ok = paytoken(
        &scratch,
        &env,
        &["verify", "imp_000000000001", "--amount", "1000"],
        b"",
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.starts_with("VERIFIED"), "{}", ok.stdout);

    let by_order = paytoken(
        &scratch,
        &env,
        &["verify", "--order-id", "shop-1", "--amount", "1000"],
        b"",
    );
    assert_eq!(by_order.code, 0, "{}", by_order.stdout);

    let short = paytoken(
        &scratch,
        &env,
        &[
            "verify",
            "imp_000000000001",
            "--amount",
            "2000",
            "--currency",
            "USD",
        ],
        b"",
    );
    assert_eq!(short.code, 10, "{}", short.stderr);
    assert!(short.stdout.contains("amountDiffers"), "{}", short.stdout);
    assert!(short.stdout.contains("currencyDiffers"), "{}", short.stdout);

    let json_run = paytoken(
        &scratch,
        &env,
        &["--json", "verify", "imp_nobody", "--amount", "1"],
        b"",
    );
    assert_eq!(json_run.code, 10);
    let verdict: Value = serde_json::from_str(json_run.stdout.trim()).expect("one JSON verdict");
    assert_eq!(verdict["reasons"][0]["code"], "notFound");

    let usage = paytoken(&scratch, &env, &["verify", "imp_000000000001"], b"");
    assert_eq!(usage.code, 64, "--amount is required");
    let float = paytoken(
        &scratch,
        &env,
        &["--json", "verify", "imp_000000000001", "--amount", "10.5"],
        b"",
    );
    expect_failure(&float, 1, "PAYTOKEN_E_INVALID_ARGUMENT");
}
