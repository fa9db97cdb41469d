//! `paytoken_response`: a gateway's answer (any HTTP status), owned by the caller until
//! `paytoken_response_free`.

use std::borrow::Cow;
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
    /// The body decoded to UTF-8 followed by one NUL, made on first use; `None` when
    /// that text is the body itself (valid UTF-8, no BOM): no copy is made then.
    text_with_nul: OnceLock<Option<Vec<u8>>>,
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
            .map(|(mut n, v)| {
                let v = CString::new(v).unwrap_or_else(|e| {
                    let mut bytes = e.into_vec();
                    bytes.retain(|b| *b != 0);
                    CString::new(bytes).expect("NULs removed")
                });
                n.make_ascii_lowercase(); // in place: HTTP/1 names are usually lower-case already
                (n, v)
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

    /// The text followed by one NUL (the body's own bytes when they are the text), and
    /// whether it is the body.
    fn text_with_nul(&self) -> (&[u8], bool) {
        let decoded = self.text_with_nul.get_or_init(|| {
            let body = &self.body_with_nul[..self.body_with_nul.len() - 1];
            let content_type = self
                .headers
                .iter()
                .find(|(n, _)| n == "content-type")
                .and_then(|(_, v)| v.to_str().ok());
            match crate::text::decode(body, content_type, self.expect_euc_kr) {
                // Borrowed and as long: the body as is (not a BOM-less tail of it).
                std::borrow::Cow::Borrowed(text) if text.len() == body.len() => None,
                text => {
                    let mut bytes = Vec::with_capacity(text.len() + 1);
                    bytes.extend_from_slice(text.as_bytes());
                    bytes.push(0);
                    Some(bytes)
                }
            }
        });
        match decoded {
            Some(text) => (text, false),
            None => (&self.body_with_nul, true),
        }
    }

    fn headers_json(&self) -> &CString {
        self.headers_json.get_or_init(|| {
            // What a serde_json map of name => joined value prints (sorted by name,
            // repeated names joined with ", " in the order received), written straight
            // out: no map, no JSON value tree, one buffer.
            let mut order: Vec<&(String, CString)> = self.headers.iter().collect();
            order.sort_by(|a, b| a.0.cmp(&b.0)); // stable: repeats keep their order
            let size: usize = order
                .iter()
                .map(|(n, v)| n.len() + v.as_bytes().len() + 8)
                .sum();
            let mut out = Vec::with_capacity(size + 3);
            out.push(b'{');
            let mut at = 0;
            while at < order.len() {
                let name = &order[at].0;
                let same = order[at..].iter().take_while(|(n, _)| n == name).count();
                let value: Cow<'_, str> = match &order[at..at + same] {
                    [(_, only)] => text_of(only),
                    repeated => Cow::Owned(
                        repeated
                            .iter()
                            .map(|(_, v)| text_of(v))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                };
                if at > 0 {
                    out.push(b',');
                }
                // Writing a str into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut out, name.as_str());
                out.push(b':');
                let _ = serde_json::to_writer(&mut out, &*value);
                at += same;
            }
            out.push(b'}');
            // JSON escapes NUL as \u0000: there is none to refuse.
            CString::new(out).unwrap_or_default()
        })
    }

    /// Everything `paytoken_response_read` hands over, for `response_view.rs`.
    pub(crate) fn view(&self) -> super::response_view::paytoken_response_view {
        let (text, text_is_body) = self.text_with_nul();
        let headers_json = self.headers_json();
        super::response_view::paytoken_response_view {
            status: i32::from(self.status),
            text_is_body: i32::from(text_is_body),
            body: self.body_with_nul.as_ptr(),
            body_len: self.body_with_nul.len() - 1,
            text: text.as_ptr(),
            text_len: text.len() - 1,
            headers_json: headers_json.as_ptr(),
            headers_json_len: headers_json.as_bytes().len(),
            idempotency_key: self
                .idempotency_key
                .as_ref()
                .map_or(std::ptr::null(), |k| k.as_ptr()),
        }
    }
}

/// A header value as text: values were made from UTF-8 text, so the plain check is
/// enough (cheaper than the lossy scan, which stays for anything else).
fn text_of(value: &CString) -> Cow<'_, str> {
    match value.to_str() {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => value.to_string_lossy(),
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
                let (text, _) = r.text_with_nul();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `headers_json` printed when it built a serde_json map (sorted names, repeats
    /// joined with ", "): the one-pass writer must print the same text.
    fn through_a_json_map(headers: &[(&str, &str)]) -> String {
        let mut map = serde_json::Map::new();
        for (name, value) in headers {
            let name = name.to_ascii_lowercase();
            match map.get_mut(&name) {
                Some(serde_json::Value::String(existing)) => {
                    existing.push_str(", ");
                    existing.push_str(value);
                }
                _ => {
                    map.insert(name, serde_json::Value::String((*value).into()));
                }
            }
        }
        serde_json::Value::Object(map).to_string()
    }

    #[test]
    fn headers_json_is_what_a_json_map_prints() {
        let cases: [&[(&str, &str)]; 4] = [
            &[],
            &[("Content-Type", "application/json")],
            &[
                ("set-cookie", "a=1"),
                ("X-Z", "last"),
                ("Set-Cookie", "b=\"2\""),
                ("date", "Wed"),
                ("set-cookie", "c=\\3\t"),
                ("x-a", "주문 \u{1} \u{7f}"),
            ],
            &[("b", ""), ("a", "1"), ("b", "2")],
        ];
        for headers in cases {
            let response = paytoken_response::from_http(HttpResponse {
                status: 200,
                headers: headers
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                    .collect(),
                body: Vec::new(),
            });
            assert_eq!(
                response.headers_json().to_str().unwrap(),
                through_a_json_map(headers),
                "{headers:?}"
            );
        }
    }
}
