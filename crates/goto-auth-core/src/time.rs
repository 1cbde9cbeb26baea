//! Instants as the env file stores them, and distances in time as people read them.
//!
//! humantime reads RFC 3339 only in UTC (`Z`), but an env file may have been edited by hand or by
//! another tool that writes an offset (`2026-12-01T12:12:00+05:00`); such an instant is read as
//! the same moment, not as unreadable.

use std::time::{Duration, SystemTime};

/// Reads an RFC 3339 instant: UTC (`Z`, or no zone at all, as humantime's weak parser allows) or
/// with a numeric offset (`+05:00`, `-0330`), which is normalised to UTC.
pub fn parse_instant(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    if let Ok(at) = humantime::parse_rfc3339_weak(text) {
        return Some(at);
    }
    // An offset is the last `+` or `-` after the time's `T` (or space): `±HH:MM` or `±HHMM`.
    let time_start = text.find(['T', 't', ' '])?;
    let sign_at = time_start + text[time_start..].rfind(['+', '-'])?;
    let (local, offset) = text.split_at(sign_at);
    let east = offset.starts_with('+');
    let digits: String = offset[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: u64 = digits[..2].parse().ok()?;
    let minutes: u64 = digits[2..].parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    let local = humantime::parse_rfc3339_weak(local).ok()?;
    let offset = Duration::from_secs(hours * 3600 + minutes * 60);
    // The local time is ahead of UTC by an eastern offset, so UTC is local minus it.
    if east {
        local.checked_sub(offset)
    } else {
        local.checked_add(offset)
    }
}

/// A distance in time in the unit a person would use: "42 s", "59 min", "2 h 5 min",
/// "3 days", "6 years". Never "60665 h 56 min".
pub fn human_duration(duration: Duration) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY + DAY / 4;
    let seconds = duration.as_secs();
    let plural = |count: u64, unit: &str| {
        if count == 1 {
            format!("1 {unit}")
        } else {
            format!("{count} {unit}s")
        }
    };
    match seconds {
        0..MINUTE => format!("{seconds} s"),
        MINUTE..=7199 => format!("{} min", seconds / MINUTE),
        7200..=172_799 => format!("{} h {} min", seconds / HOUR, seconds % HOUR / MINUTE),
        _ if seconds < 2 * YEAR => plural(seconds / DAY, "day"),
        _ => plural(seconds / YEAR, "year"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> SystemTime {
        humantime::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn ok_instants_with_offsets_are_the_same_moment_in_utc() {
        let moment = utc("2026-12-01T07:12:00Z");
        for text in [
            "2026-12-01T07:12:00Z",
            "2026-12-01T12:12:00+05:00",
            "2026-12-01T12:12:00+0500",
            "2026-12-01T03:42:00-03:30",
            "2026-12-01T07:12:00+00:00",
            "2026-12-01T07:12:00-00:00",
            " 2026-12-01T07:12:00Z ",
        ] {
            assert_eq!(parse_instant(text), Some(moment), "{text}");
        }
        assert_eq!(
            parse_instant("2026-12-02T01:00:00+05:00"),
            Some(utc("2026-12-01T20:00:00Z"))
        );
    }

    #[test]
    fn err_unreadable_instants() {
        for text in [
            "",
            "tomorrow",
            "2026-12-01",
            "2026-12-01T07:12:00+5",
            "2026-12-01T07:12:00+24:00",
            "2026-12-01T07:12:00+05:60",
            "2026-12-01T07:12:00+aa:bb",
        ] {
            assert_eq!(parse_instant(text), None, "{text}");
        }
    }

    #[test]
    fn ok_distances_read_as_people_say_them() {
        let cases = [
            (0, "0 s"),
            (59, "59 s"),
            (60, "1 min"),
            (59 * 60 + 59, "59 min"),
            (7199, "119 min"),
            (7200, "2 h 0 min"),
            (2 * 3600 + 5 * 60, "2 h 5 min"),
            (47 * 3600 + 59 * 60, "47 h 59 min"),
            (48 * 3600, "2 days"),
            (400 * 86_400, "400 days"),
            (730 * 86_400 + 43_200, "2 years"),
            // "60665 h 56 min", the distance from 2020 that `status` once printed.
            (60_665 * 3600 + 56 * 60, "6 years"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(
                human_duration(Duration::from_secs(seconds)),
                expected,
                "{seconds} s"
            );
        }
    }
}
