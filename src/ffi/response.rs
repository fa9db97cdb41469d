//! `paytoken_response`: a gateway's answer (any HTTP status), owned by the caller until
//! `paytoken_response_free`.

use std::ffi::CString;
use std::os::raw::c_char;
use std::sync::OnceLock;

use crate::call::Sent;
use crate::config::Charset;
use crate::ffi::{self, ffi_infallible};
use crate::transport::http::HttpResponse;

/// A gateway's answer: status, headers and body bytes as received.
#[allow(non_camel_case_types)]
pub struct paytoken_response {
    status: u16,
    /// The body followed by one NUL byte (not counted in its length).
    body_with_nul: Vec<u8>,
    /// Lower-case names with their values, in the order received.
    headers: Vec<(String, CString)>,
    headers_json: OnceLock<CString>,
    /// Read undeclared non-UTF-8 bodies as EUC-KR (the client asked NICEPAY for it).
    expect_euc_kr: bool,
    /// The body decoded to UTF-8 followed by one NUL, made on first use.
    text_with_nul: OnceLock<Vec<u8>>,
    /// The `Idempotency-Key` the request carried, unquoted (see `idempotency.rs`).
    idempotency_key: Option<CString>,
}

impl paytoken_response {
    pub(crate) fn from_http(answer: HttpResponse) -> paytoken_response {
        let mut body_with_nul = answer.body;
        body_with_nul.push(0);
        let headers = answer
            .headers
            .into_iter()
            .map(|(n, v)| {
                let v = CString::new(v).unwrap_or_else(|e| {
                    let mut bytes = e.into_vec();
                    bytes.retain(|b| *b != 0);
                    CString::new(bytes).expect("NULs removed")
                });
                (n.to_ascii_lowercase(), v)
            })
            .collect();
        paytoken_response {
            status: answer.status,
            body_with_nul,
            headers,
            headers_json: OnceLock::new(),
            expect_euc_kr: false,
            text_with_nul: OnceLock::new(),
            idempotency_key: None,
        }
    }

    /// The response to a sent call: its answer, read with the client's charset, and the
    /// idempotency key its request carried.
    pub(crate) fn from_sent(sent: Sent, charset: Charset) -> paytoken_response {
        paytoken_response::from_http(sent.answer)
            .expecting(charset)
            .with_idempotency_key(sent.idempotency_key.as_deref())
    }

    /// Records the idempotency key the request carried.
    pub(crate) fn with_idempotency_key(mut self, key: Option<&str>) -> paytoken_response {
        self.idempotency_key = key.and_then(|k| CString::new(k).ok());
        self
    }

    /// Sets how a body with no declared charset that is not UTF-8 is read: as EUC-KR when
    /// the client's config has `returnCharSet: "euc-kr"`.
    pub(crate) fn expecting(mut self, charset: Charset) -> paytoken_response {
        self.expect_euc_kr = charset == Charset::EucKr;
        self
    }

    fn text_with_nul(&self) -> &[u8] {
        self.text_with_nul.get_or_init(|| {
            let body = &self.body_with_nul[..self.body_with_nul.len() - 1];
            let content_type = self
                .headers
                .iter()
                .find(|(n, _)| n == "content-type")
                .and_then(|(_, v)| v.to_str().ok());
            let text = crate::text::decode(body, content_type, self.expect_euc_kr);
            let mut bytes = Vec::with_capacity(text.len() + 1);
            bytes.extend_from_slice(text.as_bytes());
            bytes.push(0);
            bytes
        })
    }

    fn headers_json(&self) -> &CString {
        self.headers_json.get_or_init(|| {
            let mut map = serde_json::Map::new();
            for (name, value) in &self.headers {
                let value = value.to_string_lossy();
                match map.get_mut(name) {
                    Some(serde_json::Value::String(existing)) => {
                        existing.push_str(", ");
                        existing.push_str(&value);
                    }
                    _ => {
                        map.insert(name.clone(), serde_json::Value::String(value.into_owned()));
                    }
                }
            }
            CString::new(serde_json::Value::Object(map).to_string()).unwrap_or_default()
        })
    }
}

/// The HTTP status of the answer (200, 404, 500, ...), or -1 for a NULL response.
#[no_mangle]
pub extern "C" fn paytoken_response_status(response: *const paytoken_response) -> i32 {
    ffi_infallible!(-1, {
        // SAFETY: NULL or a response from paytoken_request.
        match unsafe { response.as_ref() } {
            Some(r) => i32::from(r.status),
            None => -1,
        }
    })
}

/// The body bytes as received (not re-encoded), valid until the response is freed. One
/// NUL byte follows them, not counted in `*len_out`. `len_out` may be NULL. Returns NULL
/// (and 0 in `*len_out`) for a NULL response.
#[no_mangle]
pub extern "C" fn paytoken_response_body(
    response: *const paytoken_response,
    len_out: *mut usize,
) -> *const u8 {
    ffi_infallible!(std::ptr::null(), {
        // SAFETY: NULL or a response from paytoken_request.
        let (ptr, len) = match unsafe { response.as_ref() } {
            Some(r) => (r.body_with_nul.as_ptr(), r.body_with_nul.len() - 1),
            None => (std::ptr::null(), 0),
        };
        if !len_out.is_null() {
            // SAFETY: the caller's writable size_t.
            unsafe { *len_out = len };
        }
        ptr
    })
}

/// The body as UTF-8 text, decoded once by the library's one text decoder, valid until
/// the response is freed (do not free it). One NUL byte follows it, not counted in
/// `*len_out`; the text itself may contain NUL if the body did. `len_out` may be NULL.
///
/// The charset is the one `Content-Type` declares (WHATWG labels: `euc-kr`, `cp949`,
/// `ks_c_5601-1987` are all read as CP949, a superset of EUC-KR). With no declared
/// charset the body is UTF-8 if it is valid UTF-8, else EUC-KR when the client's config
/// has `returnCharSet: "euc-kr"`, else UTF-8. Invalid bytes become U+FFFD and a UTF-8 BOM
/// is dropped: this never fails. Every binding's `text()` and `json()` use this, so all
/// languages read a body the same way. Thread-safe: concurrent first calls on one
/// response are fine. Returns NULL (and 0 in `*len_out`) for a NULL response.
#[no_mangle]
pub extern "C" fn paytoken_response_text(
    response: *const paytoken_response,
    len_out: *mut usize,
) -> *const c_char {
    ffi_infallible!(std::ptr::null(), {
        // SAFETY: NULL or a response from paytoken_request.
        let (ptr, len) = match unsafe { response.as_ref() } {
            Some(r) => {
                let text = r.text_with_nul();
                (text.as_ptr().cast::<c_char>(), text.len() - 1)
            }
            None => (std::ptr::null(), 0),
        };
        if !len_out.is_null() {
            // SAFETY: the caller's writable size_t.
            unsafe { *len_out = len };
        }
        ptr
    })
}

/// The first value of header `name` (case-insensitive), or NULL if absent (or if
/// either argument is NULL or `name` is not UTF-8). Lives as long as the response.
#[no_mangle]
pub extern "C" fn paytoken_response_header(
    response: *const paytoken_response,
    name: *const c_char,
) -> *const c_char {
    ffi_infallible!(std::ptr::null(), {
        // SAFETY: NULL or a response from paytoken_request.
        let Some(r) = (unsafe { response.as_ref() }) else {
            return std::ptr::null();
        };
        // SAFETY: NULL or the caller's NUL-terminated string.
        let Ok(name) = (unsafe { ffi::str_arg(name, "name") }) else {
            return std::ptr::null();
        };
        r.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ptr())
            .unwrap_or(std::ptr::null())
    })
}

/// All headers as a JSON object `{"lower-case-name":"value",...}`, repeated headers
/// joined with ", ". Lives as long as the response; NULL for a NULL response.
#[no_mangle]
pub extern "C" fn paytoken_response_headers_json(
    response: *const paytoken_response,
) -> *const c_char {
    ffi_infallible!(std::ptr::null(), {
        // SAFETY: NULL or a response from paytoken_request.
        match unsafe { response.as_ref() } {
            Some(r) => r.headers_json().as_ptr(),
            None => std::ptr::null(),
        }
    })
}

/// The `Idempotency-Key` the request carried, unquoted (the library's own random key,
/// the per-call option `idempotencyKey`, or the caller's `Idempotency-Key` header with
/// its RFC 8941 quotes removed), or NULL when it carried none (or for a NULL response).
/// Lives as long as the response; do not free it. Store it with the order: resending the
/// same request with this key within 3 hours returns PortOne V2's first answer.
#[no_mangle]
pub extern "C" fn paytoken_response_idempotency_key(
    response: *const paytoken_response,
) -> *const c_char {
    ffi_infallible!(std::ptr::null(), {
        // SAFETY: NULL or a response from paytoken_request.
        match unsafe { response.as_ref() } {
            Some(r) => r
                .idempotency_key
                .as_ref()
                .map_or(std::ptr::null(), |k| k.as_ptr()),
            None => std::ptr::null(),
        }
    })
}

/// Releases a response. NULL is accepted and ignored.
#[no_mangle]
pub extern "C" fn paytoken_response_free(response: *mut paytoken_response) {
    ffi_infallible!((), {
        if !response.is_null() {
            // SAFETY: a pointer from paytoken_request, freed once.
            drop(unsafe { Box::from_raw(response) });
        }
    })
}
/// The fuzz target `response` (`crate::fuzzing`): every accessor over an arbitrary answer
/// agrees with it.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_accessors(answer: HttpResponse) {
    let (status, body, names) = (
        answer.status,
        answer.body.clone(),
        answer
            .headers
            .iter()
            .map(|(n, _)| n.clone())
            .collect::<Vec<_>>(),
    );
    let response = paytoken_response::from_http(answer);
    let r: *const paytoken_response = &response;
    assert_eq!(paytoken_response_status(r), i32::from(status));
    let mut len = usize::MAX;
    let ptr = paytoken_response_body(r, &mut len);
    assert_eq!(len, body.len());
    // SAFETY: the accessor promises len bytes and a NUL after them.
    let got = unsafe { std::slice::from_raw_parts(ptr, len + 1) };
    assert_eq!(&got[..len], &body[..]);
    assert_eq!(got[len], 0);
    // SAFETY: a NUL-terminated string owned by the response.
    let json = unsafe { std::ffi::CStr::from_ptr(paytoken_response_headers_json(r)) };
    let json: serde_json::Value =
        serde_json::from_slice(json.to_bytes()).expect("headers_json is JSON");
    let object = json.as_object().expect("headers_json is an object");
    for name in names {
        let Ok(c_name) = std::ffi::CString::new(name.clone()) else {
            continue;
        };
        assert!(!paytoken_response_header(r, c_name.as_ptr()).is_null());
        assert!(object.contains_key(&name.to_ascii_lowercase()));
    }
}
