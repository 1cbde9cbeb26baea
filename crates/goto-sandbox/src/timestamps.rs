//! RFC 3339 instants as GoTo's APIs write and read them, in whole Unix seconds or milliseconds.
//!
//! jiff does the calendar. The parser is as strict as a Java backend: an instant needs an offset
//! (`Z` or `±HH:MM`), and a `+00:00` whose `+` arrived unencoded in a query string has become a
//! space, which is an error, not a guess.

use std::time::{SystemTime, UNIX_EPOCH};

use jiff::Timestamp;

/// Milliseconds since the Unix epoch of `instant` (negative before 1970, which never happens here).
pub(crate) fn unix_millis(instant: SystemTime) -> i64 {
    match instant.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Parses `2024-05-01T10:00:00Z`, `2024-05-01T10:00:00.250Z` or `2024-05-01T12:00:00+02:00`
/// into Unix seconds. Fractions of a second are accepted and dropped.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    // jiff also reads a space or lower-case `t` between date and time; GoTo's servers want `T`.
    if text.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    text.parse::<Timestamp>().ok().map(|at| at.as_second())
}

/// `2024-05-01T10:00:00Z`: the form GoToWebinar and GoToMeeting answers use.
pub(crate) fn format_seconds(unix_seconds: i64) -> String {
    format(unix_seconds, "%Y-%m-%dT%H:%M:%SZ")
}

/// `2024-05-01T10:00:00.000Z`: the form GoTo Connect answers use.
pub(crate) fn format_millis(unix_seconds: i64) -> String {
    format(unix_seconds, "%Y-%m-%dT%H:%M:%S.000Z")
}

fn format(unix_seconds: i64, pattern: &str) -> String {
    Timestamp::from_second(unix_seconds)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime(pattern)
        .to_string()
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
