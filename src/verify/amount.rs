//! Amounts as integers, read from whatever a gateway sends: a JSON integer (`1000`), a
//! string of digits (`"1000"`, PortOne V1 sometimes), or a decimal whose fraction is
//! zeros (`1000.0`, `"1000.00"`). Never through a float: `1000.5` or `"1e3"` is not an
//! amount, and 2^53+1 stays exact.

use serde_json::Value;

/// The integer a JSON value denotes, or `None` when it is not a whole amount.
pub fn read(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| parse(&n.to_string())),
        Value::String(s) => parse(s.trim()),
        _ => None,
    }
}

/// `-?digits(.0*)?` as an i64.
pub fn parse(text: &str) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b == b'0') {
            return None;
        }
    }
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_strings_and_zero_fractions() {
        assert_eq!(read(&json!(1000)), Some(1000));
        assert_eq!(read(&json!("1000")), Some(1000));
        assert_eq!(read(&json!(" 1000 ")), Some(1000));
        assert_eq!(read(&json!("1000.00")), Some(1000));
        assert_eq!(
            read(&serde_json::from_str::<Value>("1000.0").unwrap()),
            Some(1000)
        );
        assert_eq!(
            read(&json!(9_007_199_254_740_993_i64)),
            Some(9_007_199_254_740_993)
        );
        assert_eq!(
            read(&json!("9007199254740993")),
            Some(9_007_199_254_740_993)
        );
    }

    #[test]
    fn anything_else_is_not_an_amount() {
        for bad in [
            json!(1000.5),
            json!("1000.5"),
            json!("1e3"),
            json!("1,000"),
            json!(""),
            json!("abc"),
            json!(null),
            json!(true),
            json!([1000]),
            json!("."),
        ] {
            assert_eq!(read(&bad), None, "{bad}");
        }
    }
}
