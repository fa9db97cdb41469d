//! Parsing of the gateways' timestamps into milliseconds since the Unix epoch. Only
//! differences between two timestamps of one answer are ever used (expiry − now), so the
//! local wall clock never decides expiry.

/// ISO 8601 as NICEPAY sends it, liberally: `2023-02-28T13:23:17.655+0900`, `+09:00`,
/// `Z`, with or without fractional seconds (any number of digits), `T` or a space.
pub fn parse_iso8601_ms(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    if b.len() < 19 {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let min = digits(&b[14..16])?;
    let sec = digits(&b[17..19])?;
    if b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0i64;
    if let Some((&b'.', frac)) = rest.split_first() {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        // Keep milliseconds; further digits only refine below a millisecond.
        let mut scale = 100;
        for &c in &frac[..n.min(3)] {
            millis += i64::from(c - b'0') * scale;
            scale /= 10;
        }
        rest = &frac[n..];
    }
    let offset_secs = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), tail @ ..] => {
            let (h, m) = match tail {
                [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                    (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
                }
                [h1, h2] => (digits(&[*h1, *h2])?, 0),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let secs = h * 3600 + m * 60;
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let local = days * 86_400 + hour * 3600 + min * 60 + sec;
    Some((local - offset_secs) * 1000 + millis)
}

/// The HTTP `Date` header (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`) in seconds.
pub fn parse_http_date_secs(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, mon, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == mon)? as i64 + 1;
    let t = time.as_bytes();
    if t.len() != 8 || t[2] != b':' || t[5] != b':' {
        return None;
    }
    let (h, mi, se) = (digits(&t[0..2])?, digits(&t[3..5])?, digits(&t[6..8])?);
    let days = days_from_civil(digits(year.as_bytes())?, month, digits(day.as_bytes())?);
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0')))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `unix_secs` as ISO 8601 in Korea's time zone, e.g. `2026-11-29T14:50:07+09:00`
/// (NICEPAY's `ediDate`).
pub fn format_kst(unix_secs: i64) -> String {
    let local = unix_secs + 9 * 3600;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+09:00",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's inverse).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kst_formatting_round_trips() {
        assert_eq!(format_kst(0), "1970-01-01T09:00:00+09:00");
        assert_eq!(format_kst(951_782_399), "2000-02-29T08:59:59+09:00");
        for secs in [0, 59, 86_399, 951_782_400, 1_795_000_000, 4_102_444_800] {
            let text = format_kst(secs);
            assert_eq!(parse_iso8601_ms(&text), Some(secs * 1000), "{text}");
        }
    }

    #[test]
    fn nicepay_formats_agree() {
        let a = parse_iso8601_ms("2023-02-28T13:23:17.655+0900").unwrap();
        let b = parse_iso8601_ms("2023-02-28T13:23:17.655+09:00").unwrap();
        let c = parse_iso8601_ms("2023-02-28T04:23:17.655Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, 1_677_558_197_655);
        let no_frac = parse_iso8601_ms("2023-02-28T13:23:17+0900").unwrap();
        assert_eq!(a - no_frac, 655);
        assert_eq!(
            parse_iso8601_ms("2023-02-28T13:23:17.6554321+0900").unwrap(),
            a
        );
    }

    #[test]
    fn garbage_is_refused() {
        for s in [
            "",
            "2023-02-28",
            "2023-13-28T13:23:17Z",
            "2023-02-28T13:23:17+9",
            "2023-02-28T13:23:17.+0900",
            "abcd-ef-ghTij:kl:mn",
        ] {
            assert_eq!(parse_iso8601_ms(s), None, "{s}");
        }
    }

    #[test]
    fn http_date() {
        assert_eq!(
            parse_http_date_secs("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date_secs("yesterday"), None);
    }
}
