//! What the simulator serves, per gateway operation of the published PortOne schemas:
//! every HTTP status and (V2) error `type` it can answer there. The conformance test
//! (`sim/tests/conformance`) makes the simulator give each of these answers and checks
//! it against PortOne's OpenAPI documents, so an endpoint or error added here without a
//! conformant answer fails `make test`. Keep it in step with the gateway modules.

/// One operation as the OpenAPI document names it.
pub struct Served {
    /// `portone-v1` or `portone-v2`.
    pub gateway: &'static str,
    pub method: &'static str,
    /// The path template of the OpenAPI document.
    pub path: &'static str,
    /// Every status the simulator answers there (faults aside).
    pub statuses: &'static [u16],
    /// PortOne V2: every error `type` it answers there.
    pub error_types: &'static [&'static str],
}

const V2_CANCEL_ERRORS: &[&str] = &[
    "INVALID_REQUEST",
    "UNAUTHORIZED",
    "PAYMENT_NOT_FOUND",
    "PAYMENT_NOT_PAID",
    "PAYMENT_ALREADY_CANCELLED",
    "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN",
    "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT",
    "SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT",
    "CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT",
    "CANCEL_TAX_AMOUNT_EXCEEDS_CANCELLABLE_TAX_AMOUNT",
    "PG_PROVIDER",
];

pub const SERVED: &[Served] = &[
    Served {
        gateway: "portone-v2",
        method: "post",
        path: "/login/api-secret",
        statuses: &[200, 400, 401],
        error_types: &["INVALID_REQUEST", "UNAUTHORIZED"],
    },
    Served {
        gateway: "portone-v2",
        method: "get",
        path: "/payments/{paymentId}",
        statuses: &[200, 401, 404],
        error_types: &["UNAUTHORIZED", "PAYMENT_NOT_FOUND"],
    },
    Served {
        gateway: "portone-v2",
        method: "get",
        path: "/payments",
        statuses: &[200, 400, 401],
        error_types: &["INVALID_REQUEST", "UNAUTHORIZED"],
    },
    Served {
        gateway: "portone-v2",
        method: "post",
        path: "/payments/{paymentId}/cancel",
        statuses: &[200, 400, 401, 404, 409, 502],
        error_types: V2_CANCEL_ERRORS,
    },
    Served {
        gateway: "portone-v1",
        method: "post",
        path: "/users/getToken",
        statuses: &[200, 401],
        error_types: &[],
    },
    Served {
        gateway: "portone-v1",
        method: "get",
        path: "/payments/{imp_uid}",
        statuses: &[200, 401, 404],
        error_types: &[],
    },
    Served {
        gateway: "portone-v1",
        method: "get",
        path: "/payments",
        statuses: &[200, 207, 401, 404],
        error_types: &[],
    },
    Served {
        gateway: "portone-v1",
        method: "get",
        path: "/payments/find/{merchant_uid}/{payment_status}",
        statuses: &[200, 401, 404],
        error_types: &[],
    },
    Served {
        gateway: "portone-v1",
        method: "get",
        path: "/payments/status/{payment_status}",
        statuses: &[200, 400, 401],
        error_types: &[],
    },
    Served {
        gateway: "portone-v1",
        method: "post",
        path: "/payments/cancel",
        statuses: &[200, 401],
        error_types: &[],
    },
];

/// Answers the simulator gives that PortOne's schema does not describe, and why.
pub const OUTSIDE_SCHEMA: &[(&str, &str)] = &[(
    "IDEMPOTENCY_OUTSTANDING_REQUEST",
    "409 on a V2 write while a request with the same Idempotency-Key is still running: \
     PortOne documents Idempotency-Key outside its OpenAPI document",
)];

/// Every NICEPAY `(resultCode, resultMsg)` the simulator answers.
pub fn nicepay_result_codes() -> &'static [(&'static str, &'static str)] {
    &crate::nicepay_payments::codes::ALL
}
