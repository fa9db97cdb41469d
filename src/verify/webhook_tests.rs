use super::*;
use serde_json::json;

#[test]
fn the_request_is_strict_and_never_echoes_the_secret() {
    assert!(WebhookRequest::parse(r#"{"gateway":"portone-v2","sekret":"x"}"#).is_err());
    let Err(Problem::Invalid(m)) = WebhookRequest::parse(r#"{"secret":12345678}"#) else {
        panic!()
    };
    assert!(!m.contains("12345678"));
    let r = WebhookRequest::parse(
        r#"{"headers":{"Webhook-Id":"a","webhook-timestamp":["1"],"x":["1","2"],"y":"1","Y":"2"},"toleranceSecs":10}"#,
    )
    .unwrap();
    assert_eq!(r.header("webhook-id"), Some("a"));
    assert_eq!(r.header("WEBHOOK-TIMESTAMP"), Some("1"));
    // A repeated header is no header (PortOne's SDK refuses it too): which copy was signed?
    assert_eq!(r.header("x"), None);
    assert_eq!(r.header("y"), None);
    assert_eq!(r.tolerance_secs, 10);
    assert!(WebhookRequest::parse(r#"{"toleranceSecs":-1}"#).is_err());
}

#[test]
fn a_v2_event_is_parsed_after_its_signature() {
    let secret = "whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE=";
    let body = br#"{"type":"Transaction.Paid","timestamp":"2026-12-02T01:00:00.000Z","data":{"paymentId":"order-1","storeId":"s","transactionId":"t"}}"#;
    let key = standard_webhooks::secret_key(secret).unwrap();
    let mut signed = b"msg_1.1700000000.".to_vec();
    signed.extend_from_slice(body);
    let tag = ring::hmac::sign(&key, &signed);
    use base64::Engine as _;
    let sig = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
    );
    let request = WebhookRequest::parse(
        &json!({"secret": secret, "headers": {"webhook-id":"msg_1","webhook-timestamp":"1700000000","webhook-signature":sig}}).to_string(),
    )
    .unwrap();
    let event = verify_portone_v2(&request, body, 1_700_000_010)
        .unwrap()
        .unwrap();
    assert_eq!(event["type"], "Transaction.Paid");
    assert_eq!(event["paymentId"], "order-1");
    assert_eq!(event["webhookId"], "msg_1");
    assert_eq!(event["webhookTimestamp"], 1_700_000_000);
    // Signed but not JSON: malformed, not accepted.
    let mut signed = b"msg_1.1700000000.".to_vec();
    signed.extend_from_slice(b"not json");
    let tag = ring::hmac::sign(&key, &signed);
    let sig = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
    );
    let request = WebhookRequest::parse(
        &json!({"secret": secret, "headers": {"webhook-id":"msg_1","webhook-timestamp":"1700000000","webhook-signature":sig}}).to_string(),
    )
    .unwrap();
    let refusal = verify_portone_v2(&request, b"not json", 1_700_000_000)
        .unwrap()
        .unwrap_err();
    assert_eq!(refusal.code, "malformed");
    let no_secret = WebhookRequest::parse("{}").unwrap();
    assert!(verify_portone_v2(&no_secret, body, 0).is_err());
}

#[test]
fn a_v1_notice_is_json_or_a_form() {
    assert_eq!(
        portone_v1_notice(br#"{"imp_uid":"imp_1","merchant_uid":"o-1","status":"paid"}"#),
        Ok(("imp_1".to_owned(), Some("o-1".to_owned())))
    );
    assert_eq!(
        portone_v1_notice(b"imp_uid=imp_2&merchant_uid=o%2D2+x&status=paid"),
        Ok(("imp_2".to_owned(), Some("o-2 x".to_owned())))
    );
    assert_eq!(
        portone_v1_notice(b"status=paid").unwrap_err().code,
        "malformed"
    );
    assert_eq!(portone_v1_notice(b"%E").unwrap_err().code, "malformed");
}
