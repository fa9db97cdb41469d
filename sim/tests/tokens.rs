//! Token semantics of the three gateways, over real HTTP, with the gateway clock moved
//! through `/__sim/config` instead of waiting.

#[allow(dead_code)]
mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use paytoken_sim::{SimConfig, Simulator};
use serde_json::Value;
use support::*;

fn sim() -> Simulator {
    transport_sim()
}

#[test]
fn nicepay_gives_the_same_token_until_it_expires_then_a_new_one() {
    let sim = sim();
    let first = nicepay_token(&sim);
    let second = nicepay_token(&sim);
    assert_eq!(first["accessToken"], second["accessToken"]);
    assert_eq!(
        first["expireAt"], second["expireAt"],
        "no renewal: same expiry"
    );
    let token = first["accessToken"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    assert!(first["expireAt"].as_str().unwrap().ends_with("+0900"));
    assert_eq!(stats(&sim, "tokenRequests", "nicepay"), 2);
    assert_eq!(stats(&sim, "tokensIssued", "nicepay"), 1);

    let bearer = format!("Bearer {token}");
    let paid = get(&sim, "/v1/payments/T123", &[("Authorization", &bearer)]);
    assert_eq!(paid.status, 200);
    assert_eq!(paid.json()["tid"], "T123");
    assert!(
        !paid.json()["echo"]["authorization"]
            .as_str()
            .unwrap()
            .contains(token),
        "fingerprint only"
    );

    // 31 minutes later in the gateway's clock: the old token is refused, a new one issued.
    admin(&sim, "/__sim/config", r#"{"clockOffsetSecs": 1860}"#);
    let refused = get(&sim, "/v1/payments/T123", &[("Authorization", &bearer)]);
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["resultCode"], "U305");
    let third = nicepay_token(&sim);
    assert_ne!(third["accessToken"], first["accessToken"]);
    assert_eq!(stats(&sim, "tokensIssued", "nicepay"), 2);
    assert_eq!(stats(&sim, "unauthorized", "nicepay"), 1);
    assert_eq!(stats(&sim, "apiRequests", "nicepay"), 2);
}

#[test]
fn nicepay_reports_each_credential_mistake_and_can_answer_in_euc_kr() {
    let sim = sim();
    let code = |authorization: &str| {
        let reply = post(
            &sim,
            "/v1/access-token",
            &[("Authorization", authorization)],
            "",
        );
        assert_eq!(reply.status, 401);
        reply.json()["resultCode"].as_str().unwrap().to_owned()
    };
    assert_eq!(code("Basic %%%"), "U101");
    assert_eq!(code("Bearer x"), "U304");
    assert_eq!(code("Basic bm9jb2xvbg=="), "U304"); // "nocolon"
    assert_eq!(code("Basic OnNlY3JldA=="), "U117"); // ":secret"
    assert_eq!(code("Basic b3RoZXI6c2VjcmV0"), "U116"); // "other:secret"
    assert_eq!(code("Basic UzJfc2ltX2NsaWVudF9rZXk6d3Jvbmc="), "U104"); // right key, wrong secret
    assert_eq!(stats(&sim, "unauthorized", "nicepay"), 6);

    let euc_kr = r#"{"returnCharSet":"euc-kr"}"#;
    let wrong = "Basic UzJfc2ltX2NsaWVudF9rZXk6d3Jvbmc=";
    let failed = post(
        &sim,
        "/v1/access-token",
        &[("Authorization", wrong)],
        euc_kr,
    );
    assert_eq!(failed.status, 401);
    assert_eq!(
        failed.header("content-type"),
        Some("application/json;charset=EUC-KR")
    );
    assert!(
        std::str::from_utf8(&failed.body).is_err(),
        "Korean in EUC-KR is not valid UTF-8"
    );
    let (text, _, errors) = encoding_rs::EUC_KR.decode(&failed.body);
    assert!(!errors);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["resultMsg"], "사용자 인증에 실패하였습니다.");

    let ok = post(
        &sim,
        "/v1/access-token",
        &[("Authorization", &nicepay_basic())],
        euc_kr,
    );
    let (text, _, _) = encoding_rs::EUC_KR.decode(&ok.body);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["resultMsg"], "정상 처리되었습니다.");
}

#[test]
fn nicepay_time_format_and_expiry_field_are_configurable() {
    let sim = sim();
    admin(
        &sim,
        "/__sim/config",
        r#"{"nicepayExpiryField":"expiredAt","nicepayTimeFormat":"nofrac"}"#,
    );
    let token = nicepay_token(&sim);
    assert!(token.get("expireAt").is_none());
    let expiry = token["expiredAt"].as_str().unwrap();
    assert_eq!(expiry.len(), "2026-11-20T13:23:17+0900".len(), "{expiry}");
    admin(&sim, "/__sim/config", r#"{"nicepayTimeFormat":"Z"}"#);
    assert!(nicepay_token(&sim)["now"].as_str().unwrap().ends_with('Z'));
    let refused = post(&sim, "/__sim/config", &[], r#"{"nicepayTimeFormat":"+9"}"#);
    assert_eq!(refused.status, 400);
}

#[test]
fn portone_v1_reuses_its_token_and_extends_it_in_the_last_minute() {
    let sim = sim();
    admin(&sim, "/__sim/config", r#"{"tokenTtlSecs": 100}"#);
    let first = v1_token(&sim);
    let expired_at = first["expired_at"].as_i64().unwrap();
    assert_eq!(expired_at - first["now"].as_i64().unwrap(), 100);

    // 70 s left: the same token, the same expiry.
    admin(&sim, "/__sim/config", r#"{"clockOffsetSecs": 30}"#);
    let early = v1_token(&sim);
    assert_eq!(early["access_token"], first["access_token"]);
    assert_eq!(early["expired_at"].as_i64().unwrap(), expired_at);

    // 50 s left: the same token, extended by 5 minutes.
    admin(&sim, "/__sim/config", r#"{"clockOffsetSecs": 50}"#);
    let late = v1_token(&sim);
    assert_eq!(late["access_token"], first["access_token"]);
    assert_eq!(late["expired_at"].as_i64().unwrap(), expired_at + 300);

    // Both the "Bearer" and the raw form are accepted.
    let token = first["access_token"].as_str().unwrap();
    for authorization in [format!("Bearer {token}"), token.to_owned()] {
        let reply = get(
            &sim,
            "/payments/imp_1",
            &[("Authorization", &authorization), ("Tier", "T1")],
        );
        assert_eq!(reply.status, 200);
        assert_eq!(reply.json()["response"]["imp_uid"], "imp_1");
        assert_eq!(reply.json()["echo"]["tier"], "T1");
    }

    // Past the extended expiry: a new token.
    admin(&sim, "/__sim/config", r#"{"clockOffsetSecs": 500}"#);
    assert_ne!(v1_token(&sim)["access_token"], first["access_token"]);
    assert_eq!(stats(&sim, "tokensIssued", "portone-v1"), 2);
    assert_eq!(stats(&sim, "tokenRequests", "portone-v1"), 4);

    let wrong = post(
        &sim,
        "/users/getToken",
        &[],
        "imp_key=sim_imp_key&imp_secret=nope",
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["code"], -1);
    let form = post(
        &sim,
        "/users/getToken",
        &[],
        "imp_key=sim_imp_key&imp_secret=sim_imp_secret",
    );
    assert_eq!(form.status, 200);
}

fn jwt_payload(jwt: &str) -> Value {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

#[test]
fn portone_v2_issues_a_new_jwt_per_login_dated_in_the_gateway_clock() {
    let sim = Simulator::start(SimConfig {
        implicit_payments: true,
        clock_offset_secs: 7200,
        ..SimConfig::default()
    })
    .unwrap();
    let login = || {
        post(
            &sim,
            "/login/api-secret",
            &[],
            r#"{"apiSecret":"sim_portone_v2_api_secret"}"#,
        )
    };
    let (first, second) = (login(), login());
    let (a, b) = (
        first.json()["accessToken"].clone(),
        second.json()["accessToken"].clone(),
    );
    assert_ne!(a, b);
    let payload = jwt_payload(a.as_str().unwrap());
    let (iat, exp) = (
        payload["iat"].as_i64().unwrap(),
        payload["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 1800);
    let date = parse_http_date(first.header("date").unwrap());
    assert!((date - iat).abs() <= 1, "Date {date} vs iat {iat}");
    assert!(
        (date - unix_now() - 7200).abs() <= 2,
        "Date is in the gateway clock"
    );
    assert_eq!(
        first.headers.iter().filter(|(n, _)| n == "date").count(),
        1,
        "only our Date header"
    );

    // Both JWTs stay valid; the API secret works directly; anything else is refused.
    for authorization in [
        format!("Bearer {}", a.as_str().unwrap()),
        format!("Bearer {}", b.as_str().unwrap()),
        "PortOne sim_portone_v2_api_secret".to_owned(),
    ] {
        let reply = get(
            &sim,
            "/payments/pay-1?storeId=store-1",
            &[("Authorization", &authorization)],
        );
        assert_eq!(reply.status, 200, "{authorization}");
        assert_eq!(reply.json()["storeId"], "store-1");
    }
    let refused = get(
        &sim,
        "/payments/pay-1",
        &[("Authorization", "PortOne wrong")],
    );
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["type"], "UNAUTHORIZED");
    assert_eq!(stats(&sim, "tokensIssued", "portone-v2"), 2);
    assert_eq!(stats(&sim, "apiRequests", "portone-v2"), 4);
    assert_eq!(stats(&sim, "unauthorized", "portone-v2"), 1);
    assert_eq!(stats(&sim, "apiRequests", "portone-v1"), 0);
}

#[test]
fn revoke_stops_the_current_token_and_the_next_request_gets_a_new_one() {
    let sim = sim();
    let old = nicepay_token(&sim)["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        admin(&sim, "/__sim/revoke", r#"{"gateway":"nicepay"}"#)["revoked"],
        1
    );
    let refused = post(
        &sim,
        "/v1/payments/T1",
        &[("Authorization", &format!("Bearer {old}"))],
        "{}",
    );
    assert_eq!(refused.status, 401);
    assert_ne!(nicepay_token(&sim)["accessToken"], old.as_str());
}
