//! RFC 3339 instants as GoTo's APIs write and read them, in whole Unix seconds or milliseconds.
//!
//! Written by hand rather than with a date crate because the sandbox needs only this one format,
//! and because the parser must be exactly as strict as a Java backend: a `+00:00` offset whose `+`
//! arrived unencoded in a query string has become a space, and that is an error, not a guess.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch of `instant` (negative before 1970, which never happens here).
pub(crate) fn unix_millis(instant: SystemTime) -> i64 {
    match instant.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Parses `2024-05-01T10:00:00Z`, `2024-05-01T10:00:00.250Z` or `2024-05-01T12:00:00+02:00`
/// (also `+0200`) into Unix seconds. Fractions of a second are accepted and dropped.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    // Checked first so that slicing by byte index below can never split a character.
    if !text.is_ascii() {
        return None;
    }
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' {
        return None;
    }
    if !matches!(bytes[10], b'T' | b't') || bytes[16] != b':' {
        return None;
    }
    let year = digits(&text[0..4])?;
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    let hour = digits(&text[11..13])?;
    let minute = digits(&text[14..16])?;
    let second = digits(&text[17..19])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let fraction_length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if fraction_length == 0 {
            return None;
        }
        rest = &fraction[fraction_length..];
    }
    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (hours, minutes) = match rest.len() {
                6 if rest.as_bytes()[3] == b':' => (&rest[1..3], &rest[4..6]),
                5 => (&rest[1..3], &rest[3..5]),
                _ => return None,
            };
            let (hours, minutes) = (digits(hours)?, digits(minutes)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds)
}

/// `2024-05-01T10:00:00Z`: the form GoToWebinar and GoToMeeting answers use.
pub(crate) fn format_seconds(unix_seconds: i64) -> String {
    let (date, time) = split(unix_seconds);
    format!("{date}T{time}Z")
}

/// `2024-05-01T10:00:00.000Z`: the form GoTo Connect answers use.
pub(crate) fn format_millis(unix_seconds: i64) -> String {
    let (date, time) = split(unix_seconds);
    format!("{date}T{time}.000Z")
}

fn split(unix_seconds: i64) -> (String, String) {
    let days = unix_seconds.div_euclid(86_400);
    let second_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day % 3600 / 60,
            second_of_day % 60
        ),
    )
}

fn digits(text: &str) -> Option<i64> {
    if text.bytes().all(|byte| byte.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_formatting() {
        for instant in [0, 951_782_400, 1_714_557_600, 4_102_444_799] {
            assert_eq!(parse_rfc3339(&format_seconds(instant)), Some(instant));
            assert_eq!(parse_rfc3339(&format_millis(instant)), Some(instant));
        }
    }

    #[test]
    fn applies_offsets() {
        assert_eq!(
            parse_rfc3339("2024-05-01T12:00:00+02:00"),
            parse_rfc3339("2024-05-01T10:00:00Z")
        );
        assert_eq!(
            parse_rfc3339("2024-05-01T05:30:00-0430"),
            parse_rfc3339("2024-05-01T10:00:00Z")
        );
        assert_eq!(format_seconds(1_714_557_600), "2024-05-01T10:00:00Z");
    }

    #[test]
    fn rejects_what_a_strict_server_rejects() {
        for text in [
            "2024-05-01",
            "2024-05-01T10:00:00",
            "2024-05-01T10:00:00 02:00",
            "2024-02-30T10:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T10:00:00.Z",
            "yesterday",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }
}
