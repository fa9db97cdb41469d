//! The requests that make the simulator give each answer it can give on the PortOne
//! operations it serves: every status and error type of `served::SERVED`, every payment
//! status, and every optional field the admin API can set.

use paytoken_sim::{SimConfig, Simulator};
use serde_json::{json, Value};

use crate::support::{admin, create, encode, get, post, v1_token, Reply, V2};
use crate::Checker;

const NO_AUTH: (&str, &str) = ("Authorization", "PortOne wrong");

/// A PortOne V2 payment with every optional field the admin API passes through.
pub fn every_optional_field() -> Value {
    json!({
        "gateway": "portone-v2", "id": "v2-full", "amount": 11000, "taxFree": 1000,
        "orderName": "도서 외 1건",
        "customer": {"id": "c-1", "name": "홍길동", "email": "buyer@example.com",
                     "phoneNumber": "01012345678", "zipcode": "06236"},
        "customData": "{\"cart\":\"42\"}",
        "products": [{"id": "p-1", "name": "도서", "amount": 1000, "quantity": 1},
                     {"id": "p-2", "name": "티셔츠", "amount": 10000, "quantity": 1}],
        "productCount": 2,
        "receiptUrl": "https://receipt.example/v2-full",
        "escrow": {"status": "REGISTERED", "company": "CJ대한통운", "invoiceNumber": "1234"},
        "promotionId": "promo-1", "isCulturalExpense": true, "country": "KR",
        "pgResponse": "{}",
        "method": {"type": "PaymentMethodEasyPay", "provider": "KAKAOPAY"},
    })
}

fn v2_answers(sim: &Simulator, c: &mut Checker) {
    let login = |body: &str| post(sim, "/login/api-secret", &[], body);
    for body in [
        r#"{"apiSecret":"sim_portone_v2_api_secret"}"#,
        "{}",
        r#"{"apiSecret":"x"}"#,
    ] {
        c.check("portone-v2", "post", "/login/api-secret", &login(body));
    }
    create(sim, every_optional_field());
    for (id, status) in [
        ("v2-ready", "ready"),
        ("v2-failed", "failed"),
        ("v2-vbank", "virtual-account-issued"),
        ("v2-pending", "pay-pending"),
        ("v2-partial", "paid"),
        ("v2-cancelled", "paid"),
    ] {
        create(
            sim,
            json!({"gateway": "portone-v2", "id": id, "amount": 5000, "status": status}),
        );
    }
    let cancel = |id: &str, body: Value| -> Reply {
        post(
            sim,
            &format!("/payments/{id}/cancel"),
            &[V2],
            &body.to_string(),
        )
    };
    let path = "/payments/{paymentId}/cancel";
    c.check(
        "portone-v2",
        "post",
        path,
        &cancel("v2-partial", json!({"amount": 1000, "reason": "r"})),
    );
    c.check(
        "portone-v2",
        "post",
        path,
        &cancel("v2-cancelled", json!({"reason": "r"})),
    );
    c.check(
        "portone-v2",
        "post",
        path,
        &cancel(
            "v2-full",
            json!({"amount": 3000, "taxFreeAmount": 1000, "vatAmount": 182, "reason": "r"}),
        ),
    );
    for (id, body) in [
        ("v2-full", json!({"amount": 1000})),
        ("v2-full", json!({"amount": 0, "reason": "r"})),
        ("nope", json!({"reason": "r"})),
        ("v2-ready", json!({"reason": "r"})),
        ("v2-cancelled", json!({"reason": "r"})),
        (
            "v2-full",
            json!({"reason": "r", "currentCancellableAmount": 1}),
        ),
        ("v2-full", json!({"reason": "r", "amount": 999_999})),
        (
            "v2-full",
            json!({"reason": "r", "amount": 100, "taxFreeAmount": 200}),
        ),
        (
            "v2-full",
            json!({"reason": "r", "amount": 500, "taxFreeAmount": 500}),
        ),
        (
            "v2-partial",
            json!({"reason": "r", "amount": 500, "taxFreeAmount": 0, "vatAmount": 600}),
        ),
        ("v2-partial", json!({"reason": "r", "amount": 4001})),
    ] {
        c.check("portone-v2", "post", path, &cancel(id, body));
    }
    // A taxable part larger than what is left of it.
    create(
        sim,
        json!({"gateway": "portone-v2", "id": "v2-tax", "amount": 5000, "taxFree": 2000}),
    );
    c.check(
        "portone-v2",
        "post",
        path,
        &cancel("v2-tax", json!({"reason": "r", "amount": 4000})),
    );
    let unauthorized = post(
        sim,
        "/payments/v2-full/cancel",
        &[NO_AUTH],
        r#"{"reason":"r"}"#,
    );
    c.check("portone-v2", "post", path, &unauthorized);
    admin(
        sim,
        "/__sim/fault",
        r#"{"gateway":"portone-v2","endpoint":"api","kind":"pg-error","pgCode":"8031","pgMessage":"한도초과"}"#,
    );
    c.check(
        "portone-v2",
        "post",
        path,
        &cancel("v2-full", json!({"reason": "r"})),
    );

    let one = "/payments/{paymentId}";
    for id in [
        "v2-full",
        "v2-ready",
        "v2-failed",
        "v2-vbank",
        "v2-pending",
        "v2-partial",
        "v2-cancelled",
        "nope",
    ] {
        c.check(
            "portone-v2",
            "get",
            one,
            &get(sim, &format!("/payments/{id}"), &[V2]),
        );
    }
    c.check(
        "portone-v2",
        "get",
        one,
        &get(sim, "/payments/v2-full", &[NO_AUTH]),
    );

    let list = "/payments";
    let filter = json!({"page": {"number": 0, "size": 20},
        "filter": {"status": ["PAID", "PARTIAL_CANCELLED", "PENDING"], "sortOrder": "ASC", "storeId": "store-sim"}});
    let query = format!("/payments?requestBody={}", encode(&filter.to_string()));
    c.check("portone-v2", "get", list, &get(sim, &query, &[V2]));
    c.check("portone-v2", "get", list, &get(sim, "/payments", &[V2]));
    let too_far = json!({"page": {"number": 6000, "size": 10}});
    c.check(
        "portone-v2",
        "get",
        list,
        &get(
            sim,
            &format!("/payments?requestBody={}", encode(&too_far.to_string())),
            &[V2],
        ),
    );
    c.check(
        "portone-v2",
        "get",
        list,
        &get(sim, "/payments", &[NO_AUTH]),
    );
}

fn v1_answers(sim: &Simulator, c: &mut Checker) {
    c.check(
        "portone-v1",
        "post",
        "/users/getToken",
        &post(sim, "/users/getToken", &[], "imp_key=x&imp_secret=y"),
    );
    let token = format!("Bearer {}", v1_token(sim)["access_token"].as_str().unwrap());
    let auth = [("Authorization", token.as_str())];
    let bad = [("Authorization", "Bearer nope")];
    let getter = |path: &str| get(sim, path, &auth);
    let token_reply = post(
        sim,
        "/users/getToken",
        &[],
        "imp_key=sim_imp_key&imp_secret=sim_imp_secret",
    );
    c.check("portone-v1", "post", "/users/getToken", &token_reply);
    for (id, status) in [
        ("imp_ready", "ready"),
        ("imp_failed", "failed"),
        ("imp_vbank", "virtual-account-issued"),
        ("imp_paid", "paid"),
        ("imp_part", "paid"),
    ] {
        create(
            sim,
            json!({"gateway": "portone-v1", "id": id, "orderId": format!("m-{id}"), "amount": 3000, "status": status,
                           "customer": {"name": "홍길동", "email": "b@example.com"}, "customData": "x"}),
        );
    }
    let cancel = |body: &str| post(sim, "/payments/cancel", &auth, body);
    c.check(
        "portone-v1",
        "post",
        "/payments/cancel",
        &cancel("imp_uid=imp_part&amount=1000&tax_free=0"),
    );
    c.check(
        "portone-v1",
        "post",
        "/payments/cancel",
        &cancel("imp_uid=imp_paid&amount=0"),
    );
    c.check(
        "portone-v1",
        "post",
        "/payments/cancel",
        &cancel("imp_uid=imp_paid"),
    );
    c.check(
        "portone-v1",
        "post",
        "/payments/cancel",
        &post(sim, "/payments/cancel", &bad, "imp_uid=imp_paid"),
    );
    let one = "/payments/{imp_uid}";
    for id in [
        "imp_ready",
        "imp_failed",
        "imp_vbank",
        "imp_paid",
        "imp_part",
        "nope",
    ] {
        c.check(
            "portone-v1",
            "get",
            one,
            &getter(&format!("/payments/{id}")),
        );
    }
    c.check(
        "portone-v1",
        "get",
        one,
        &get(sim, "/payments/imp_paid", &bad),
    );
    let many = "/payments";
    for q in [
        "imp_uid[]=imp_paid&merchant_uid[]=m-imp_part",
        "imp_uid[]=imp_paid&imp_uid[]=nope",
        "imp_uid[]=nope",
    ] {
        c.check(
            "portone-v1",
            "get",
            many,
            &getter(&format!("/payments?{q}")),
        );
    }
    c.check(
        "portone-v1",
        "get",
        many,
        &get(sim, "/payments?imp_uid[]=imp_paid", &bad),
    );
    let find = "/payments/find/{merchant_uid}/{payment_status}";
    for p in [
        "/payments/find/m-imp_part",
        "/payments/find/m-imp_part/paid",
        "/payments/find/nope",
    ] {
        c.check("portone-v1", "get", find, &getter(p));
    }
    c.check(
        "portone-v1",
        "get",
        find,
        &get(sim, "/payments/find/m-imp_part", &bad),
    );
    let status = "/payments/status/{payment_status}";
    for p in [
        "/payments/status/all?limit=2&page=2",
        "/payments/status/paid",
        "/payments/status/bogus",
        "/payments/status/all?page=9",
    ] {
        c.check("portone-v1", "get", status, &getter(p));
    }
    c.check(
        "portone-v1",
        "get",
        status,
        &get(sim, "/payments/status/all", &bad),
    );
}

pub fn portone_v2(c: &mut Checker) {
    let sim = Simulator::start(SimConfig::default()).expect("simulator starts");
    v2_answers(&sim, c);
}

pub fn portone_v1(c: &mut Checker) {
    let sim = Simulator::start(SimConfig::default()).expect("simulator starts");
    v1_answers(&sim, c);
}
