//! Entry points for the fuzz targets in `fuzz/` (cargo feature `fuzzing`, off by default:
//! neither the public Rust API nor the shared library's exports change). Each function
//! takes the fuzzer's bytes, feeds one internal parser, and asserts what must hold for any
//! input beyond "does not panic".

use crate::config::Config;
use crate::transport::http::HttpResponse;

/// The config parser (`paytoken_client_new`'s JSON).
pub fn config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Config::parse(text);
    }
}

/// A gateway's token answer: `data` is an HTTP answer (see [`answer`]) to the token
/// request of `gateway` ("nicepay", "portone-v1", "portone-v2").
pub fn token_answer(gateway: &str, data: &[u8]) {
    let config = gateway_config(gateway, false);
    let answer = answer(data);
    if let Ok(issued) = crate::gateway::parse_token_answer(&config, &answer) {
        assert!(issued.lifetime_ms > 0, "an expired token was accepted");
    }
}

/// The timestamp parsers (NICEPAY's ISO 8601, the HTTP `Date` header).
pub fn timestamp(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::timestamp::parse_iso8601_ms(text);
        let _ = crate::timestamp::parse_http_date_secs(text);
    }
}

/// The `exp` reader of PortOne V2's JWTs.
pub fn jwt_exp(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::gateway::jwt_exp(text);
    }
}

/// The caller's `headers_json` and `options_json` of `paytoken_request_ex`.
pub fn request_json(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(headers) = crate::call::args::parse_headers(Some(text)) {
            for (name, value) in headers {
                assert!(!name.is_empty() && !name.bytes().any(|b| b <= b' ' || b == b':'));
                assert!(!value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0));
            }
        }
        let _ = crate::call::options::CallOptions::parse(Some(text));
    }
}

/// The charset decoder (UTF-8, EUC-KR declared by the answer or asked of NICEPAY).
pub fn charset(data: &[u8]) {
    let euc_kr = data.first().is_some_and(|b| b & 1 == 1);
    let config = gateway_config("nicepay", euc_kr);
    let answer = answer(data);
    let _ = crate::gateway::decode_text(&config, &answer);
}

/// The response accessors of the C API over an arbitrary answer.
pub fn response(data: &[u8]) {
    crate::ffi::response::fuzz_accessors(answer(data));
}

/// An HTTP answer from bytes: two bytes of status, then `name: value` lines up to an
/// empty line, then the body.
fn answer(data: &[u8]) -> HttpResponse {
    let status = match data {
        [a, b, ..] => 100 + u16::from_be_bytes([*a, *b]) % 500,
        _ => 200,
    };
    let rest = data.get(2..).unwrap_or_default();
    let split = rest.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (&rest[..0], rest),
    };
    let headers = String::from_utf8_lossy(head)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    HttpResponse {
        status,
        headers,
        body: body.to_vec(),
    }
}

fn gateway_config(gateway: &str, euc_kr: bool) -> Config {
    let json = match gateway {
        "nicepay" => serde_json::json!({
            "gateway": "nicepay", "clientKey": "S2_fuzz", "secretKey": "fuzz-secret",
            "returnCharSet": if euc_kr { "euc-kr" } else { "utf-8" },
        }),
        "portone-v1" => {
            serde_json::json!({"gateway": "portone-v1", "impKey": "k", "impSecret": "s"})
        }
        _ => serde_json::json!({"gateway": "portone-v2", "apiSecret": "fuzz-secret"}),
    };
    Config::parse(&json.to_string()).expect("fuzz configs are valid")
}
