//! The checks on a request's arguments that do not depend on the client: method, path,
//! extra headers. What the caller may not set (`Authorization`, `Host`...) is refused
//! here, before anything is sent.

use serde_json::Value;

use crate::error::Error;

/// A body larger than this is refused (checked at the boundary, before any copy).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
const MAX_PATH_BYTES: usize = 8 * 1024;
const MAX_HEADERS: usize = 64;
/// Headers the library owns: the caller may not set them.
const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "trailer",
];

pub(crate) fn check_method(method: &str) -> Result<&'static str, Error> {
    ["GET", "POST", "PUT", "PATCH", "DELETE"]
        .into_iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .ok_or_else(|| {
            let shown: String = method
                .chars()
                .take(20)
                .flat_map(char::escape_debug)
                .collect();
            Error::invalid(format!(
                "method \"{shown}\" is not one of GET, POST, PUT, PATCH, DELETE"
            ))
        })
}

pub(crate) fn check_path(path: &str) -> Result<(), Error> {
    if !path.starts_with('/') {
        let why = if path.contains("://") {
            "an absolute URL is refused: the token only goes to the configured origin (baseUrl); pass the path, e.g. /v1/payments/..."
        } else {
            "it must start with \"/\""
        };
        return Err(Error::invalid(format!("path is not a path: {why}")));
    }
    if path.starts_with("//") {
        return Err(Error::invalid(
            "path must not start with \"//\" (that names another host)",
        ));
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(Error::invalid(format!(
            "path is longer than {MAX_PATH_BYTES} bytes"
        )));
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_control() || c.is_whitespace() || *c == '#' || *c == '\\')
    {
        return Err(Error::invalid(format!(
            "path contains {:?}, which is not allowed (percent-encode it)",
            c
        )));
    }
    Ok(())
}

pub(crate) fn parse_headers(json: Option<&str>) -> Result<Vec<(String, String)>, Error> {
    let Some(json) = json else {
        return Ok(Vec::new());
    };
    let value: Value = serde_json::from_str(json)
        .map_err(|e| Error::invalid(format!("headers_json is not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(Error::invalid(
            "headers_json must be a JSON object of header names to string values",
        ));
    };
    if map.len() > MAX_HEADERS {
        return Err(Error::invalid(format!(
            "headers_json has {} headers; at most {MAX_HEADERS}",
            map.len()
        )));
    }
    let mut out = Vec::with_capacity(map.len());
    for (name, value) in map {
        let valid_name = !name.is_empty()
            && name.len() <= 256
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !valid_name {
            let shown: String = name.chars().take(40).flat_map(char::escape_debug).collect();
            return Err(Error::invalid(format!(
                "headers_json: \"{shown}\" is not a valid header name"
            )));
        }
        if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(Error::invalid(format!(
                "headers_json: \"{name}\" is set by paytoken and cannot be given"
            )));
        }
        let Value::String(value) = value else {
            return Err(Error::invalid(format!(
                "headers_json: the value of \"{name}\" must be a string"
            )));
        };
        if value.len() > 8192 || value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::invalid(format!(
                "headers_json: the value of \"{name}\" has control characters or is longer than 8192 bytes"
            )));
        }
        out.push((name, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(check_path("/v1/payments/T1?orderDate=20260101").is_ok());
        for bad in [
            "v1/x",
            "https://evil.example/x",
            "//evil.example/x",
            "/a b",
            "/a\r\nb",
            "/a#b",
            "",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_path("https://evil/x")
            .unwrap_err()
            .message
            .contains("absolute URL"));
    }

    #[test]
    fn headers() {
        assert_eq!(
            parse_headers(Some(r#"{"Idempotency-Key":"k1"}"#)).unwrap(),
            vec![("Idempotency-Key".into(), "k1".into())]
        );
        for bad in [
            r#"[1]"#,
            r#"{"a":1}"#,
            r#"{"Authorization":"x"}"#,
            r#"{"bad name":"x"}"#,
            r#"{"a":"x\ny"}"#,
            "{",
        ] {
            assert!(parse_headers(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn methods() {
        assert_eq!(check_method("post").unwrap(), "POST");
        assert!(check_method("TRACE").is_err());
    }
}
