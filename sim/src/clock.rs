//! The gateway's clock and the two date formats the gateways write: NICEPAY's ISO 8601
//! in KST and the HTTP `Date` header (IMF-fixdate). Written by hand (civil-from-days) so
//! the simulator needs no date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Real wall-clock time in milliseconds since the Unix epoch (negative before it).
pub fn real_now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as i64,
        Err(before) => -(before.duration().as_millis() as i64),
    }
}

/// How NICEPAY timestamps are written (`nicepayTimeFormat` in `/__sim/config`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NicepayTimeFormat {
    /// `2026-11-20T13:23:17.655+0900`, what the real gateway sends.
    Compact,
    /// `2026-11-20T13:23:17.655+09:00`
    Colon,
    /// `2026-11-20T04:23:17.655Z`
    Utc,
    /// `2026-11-20T13:23:17+0900`
    NoFrac,
}

impl NicepayTimeFormat {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "+0900" => Self::Compact,
            "+09:00" => Self::Colon,
            "Z" => Self::Utc,
            "nofrac" => Self::NoFrac,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Compact => "+0900",
            Self::Colon => "+09:00",
            Self::Utc => "Z",
            Self::NoFrac => "nofrac",
        }
    }
}

/// A broken-down UTC (or offset-shifted) instant.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
    /// 0 = Sunday.
    weekday: usize,
}

/// (year, month, day) of a day count since 1970-01-01: Howard Hinnant's civil_from_days.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn civil(ms: i64) -> Civil {
    const DAY_MS: i64 = 86_400_000;
    let days = ms.div_euclid(DAY_MS);
    let in_day = ms.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
        millis: in_day % 1000,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7) as usize,
    }
}

/// A NICEPAY timestamp (KST unless `Utc`) of the instant `ms`.
pub fn nicepay_time(ms: i64, format: NicepayTimeFormat) -> String {
    const KST_MS: i64 = 9 * 3_600_000;
    let shifted = if format == NicepayTimeFormat::Utc {
        ms
    } else {
        ms + KST_MS
    };
    let c = civil(shifted);
    let fraction = match format {
        NicepayTimeFormat::NoFrac => String::new(),
        _ => format!(".{:03}", c.millis),
    };
    let zone = match format {
        NicepayTimeFormat::Utc => "Z",
        NicepayTimeFormat::Colon => "+09:00",
        NicepayTimeFormat::Compact | NicepayTimeFormat::NoFrac => "+0900",
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{fraction}{zone}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Days since 1970-01-01 of a civil date: Howard Hinnant's days_from_civil.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Milliseconds since the epoch of an RFC 3339 `date-time`
/// (`2026-11-29T10:00:00Z`, `...T10:00:00.123+09:00`); `None` if it is not one.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let s = text.get(from..from + len)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = text.get(start..i)?;
        if digits.is_empty() {
            return None;
        }
        let padded = format!("{digits:0<3}");
        millis = padded[..3].parse::<i64>().ok()?;
    }
    let offset_min = match text.get(i..)? {
        "Z" | "z" => 0,
        zone if zone.len() == 6 && matches!(&zone[3..4], ":") => {
            let sign = match &zone[..1] {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
            sign * (h * 60 + m)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    Some(seconds * 1000 + millis)
}

/// `YYYYMMDD` of the instant in KST (NICEPAY's `orderDate`).
pub fn kst_date(ms: i64) -> String {
    let c = civil(ms + 9 * 3_600_000);
    format!("{:04}{:02}{:02}", c.year, c.month, c.day)
}

/// An HTTP `Date` header value: `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil(ms);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[c.weekday],
        c.day,
        MONTHS[(c.month - 1) as usize],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_matches_the_rfc_example() {
        assert_eq!(http_date(784_111_777_000), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn civil_dates_around_leap_years_and_the_epoch() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_412), (2025, 11, 20));
    }

    #[test]
    fn nicepay_formats() {
        // 2026-11-20T04:23:17.655Z
        let ms = 1_795_148_597_655;
        assert_eq!(
            nicepay_time(ms, NicepayTimeFormat::Compact),
            "2026-11-20T13:23:17.655+0900"
        );
        assert_eq!(
            nicepay_time(ms, NicepayTimeFormat::Colon),
            "2026-11-20T13:23:17.655+09:00"
        );
        assert_eq!(
            nicepay_time(ms, NicepayTimeFormat::Utc),
            "2026-11-20T04:23:17.655Z"
        );
        assert_eq!(
            nicepay_time(ms, NicepayTimeFormat::NoFrac),
            "2026-11-20T13:23:17+0900"
        );
    }

    #[test]
    fn rfc3339_round_trips_and_refuses_other_text() {
        let ms = parse_rfc3339("2026-11-29T04:40:36.123Z").unwrap();
        assert_eq!(
            nicepay_time(ms, NicepayTimeFormat::Utc),
            "2026-11-29T04:40:36.123Z"
        );
        assert_eq!(parse_rfc3339("2026-11-29T13:40:36.123+09:00"), Some(ms));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(kst_date(ms), "20261129");
        for bad in [
            "2026-11-29",
            "2026-13-01T00:00:00Z",
            "2026-11-29T04:40:36",
            "x026-11-29T04:40:36Z",
            "2026-11-29T04:40:36+0900",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
