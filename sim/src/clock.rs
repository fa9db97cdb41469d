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
}
