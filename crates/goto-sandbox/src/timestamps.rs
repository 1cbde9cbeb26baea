//! RFC 3339 instants as GoTo's APIs write and read them, in whole Unix seconds or milliseconds.
//!
//! humantime (already in the workspace's tree, through goto-auth) does the calendar for the UTC
//! form; an offset (`±HH:MM` or `±HHMM`) is split off here and applied to its result, which is
//! plain arithmetic. The parser is as strict as a Java backend: an instant needs an offset (`Z`
//! or `±HH:MM`), and a `+00:00` whose `+` arrived unencoded in a query string has become a space,
//! which is an error, not a guess.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    // GoTo's servers want an upper-case `T` between date and time, never a space.
    if text.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    let (utc, east_of_utc) = split_offset(text)?;
    // humantime takes `10:00:00.Z`; a fraction needs a digit.
    if utc.contains(".Z") {
        return None;
    }
    let at = humantime::parse_rfc3339(&utc).ok()?;
    let seconds = i64::try_from(at.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()?;
    Some(seconds - east_of_utc)
}

/// The instant with `Z` in place of its offset, and the offset in seconds east of UTC: `Z` is 0,
/// `+HH:MM`, `-HH:MM`, `+HHMM` and `-HHMM` are that far east (or west). `None` without one.
fn split_offset(text: &str) -> Option<(String, i64)> {
    if text.ends_with('Z') {
        return Some((text.to_owned(), 0));
    }
    // The offset follows `YYYY-MM-DDTHH:MM:SS` and any fraction.
    let at = 19 + text.get(19..)?.find(['+', '-'])?;
    let (instant, offset) = text.split_at(at);
    let (hours, minutes) = match offset.len() {
        6 if offset.as_bytes()[3] == b':' => (offset.get(1..3)?, offset.get(4..)?),
        5 => (offset.get(1..3)?, offset.get(3..)?),
        _ => return None,
    };
    if !(hours.bytes().chain(minutes.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let east = (hours * 60 + minutes) * 60;
    Some((
        format!("{instant}Z"),
        if offset.starts_with('-') { -east } else { east },
    ))
}

/// `2024-05-01T10:00:00Z`: the form GoToWebinar and GoToMeeting answers use.
pub(crate) fn format_seconds(unix_seconds: i64) -> String {
    humantime::format_rfc3339_seconds(at(unix_seconds)).to_string()
}

/// `2024-05-01T10:00:00.000Z`: the form GoTo Connect answers use.
pub(crate) fn format_millis(unix_seconds: i64) -> String {
    humantime::format_rfc3339_millis(at(unix_seconds)).to_string()
}

/// The instant `unix_seconds` after the epoch (the epoch itself for anything before it).
fn at(unix_seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(unix_seconds).unwrap_or(0))
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
