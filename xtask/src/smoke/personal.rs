//! The personal values a server may echo in its messages, found and masked before a report
//! (JUnit, JSON, GitHub's annotations and job summary) carries them off the machine.
//!
//! Three kinds are masked, each by its shape, since a message is free text: email addresses in
//! any encoding a server or proxy may apply (`@` as `%40`, `%2540`, `&#64;`, `\u0040`, …),
//! phone numbers (an international `+` number, or a number of 10 to 15 digits grouped by spaces,
//! dashes or parentheses), and runs of 15 or more digits, the length of GoTo's account, user and
//! organizer keys (19 digits). Dates, times, versions, addresses and UUIDs are left alone.

/// `text` with every email address replaced by `[email]`, every phone number by `[phone]` and
/// every run of 15 or more digits by `[number]`.
pub fn mask(text: &str) -> String {
    mask_phones(&mask_digit_runs(&mask_emails(text)))
}

/// The spellings of `@`, lower case: escaped in URLs once or more (`%40`, `%2540`, …), in HTML,
/// in JSON or JavaScript strings, and the full-width sign.
fn at_sign_length(rest: &str) -> Option<usize> {
    let lower: String = rest
        .chars()
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower.starts_with('@') {
        return Some(1);
    }
    if lower.starts_with('\u{FF20}') {
        return Some('\u{FF20}'.len_utf8());
    }
    if let Some(after) = lower.strip_prefix('%') {
        let escapes = after.len() - after.trim_start_matches("25").len();
        if after[escapes..].starts_with("40") {
            return Some(1 + escapes + 2);
        }
    }
    ["&#64;", "&#x40;", "&commat;", "\\u0040", "\\x40", "\\u{40}"]
        .into_iter()
        .find(|spelling| lower.starts_with(spelling))
        .map(str::len)
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '-' | '%')
}

/// Whether a domain, once its escapes are undone, has a dot between two labels.
fn is_domain(domain: &str) -> bool {
    let mut decoded = domain.to_ascii_lowercase();
    while decoded.contains("%25") {
        decoded = decoded.replace("%25", "%");
    }
    let decoded = decoded.replace("%2e", ".");
    decoded
        .split_once('.')
        .is_some_and(|(host, rest)| !host.is_empty() && !rest.trim_matches('.').is_empty())
}

fn mask_emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The part of `text` already copied to `out`.
    let mut copied = 0;
    let mut index = 0;
    while index < text.len() {
        let Some(at_length) = at_sign_length(&text[index..]) else {
            index += text[index..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let local_start = text[copied..index]
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_local_char(*c))
            .last()
            .map_or(index, |(offset, _)| copied + offset);
        let domain_start = index + at_length;
        let domain_end = text[domain_start..]
            .char_indices()
            .find(|(_, c)| !is_domain_char(*c))
            .map_or(text.len(), |(offset, _)| domain_start + offset);
        let domain = text[domain_start..domain_end].trim_end_matches('.');
        let local = &text[local_start..index];
        if local.chars().any(char::is_alphanumeric) && is_domain(domain) {
            out.push_str(&text[copied..local_start]);
            out.push_str("[email]");
            copied = domain_start + domain.len();
            index = copied;
        } else {
            index = domain_start;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Runs of 15 or more ASCII digits, wherever they stand.
fn mask_digit_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        out.push_str(if run.len() >= 15 { "[number]" } else { run });
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Phone numbers: a stretch of digits, spaces, dashes and parentheses that stands alone (no
/// letter, digit, `.`, `-`, `_` or `/` right before or after it, nor a `:` after it) and is no
/// date, with 8 to 15 digits after a leading `+`, or 10 to 15 digits split into groups by at
/// least one separator.
fn mask_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '/');
    let is_phone_char = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')');
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let starts = (c == '+' || c == '(' || c.is_ascii_digit())
            && (index == 0 || !is_word(chars[index - 1]));
        if !starts {
            out.push(c);
            index += 1;
            continue;
        }
        let mut end = index + 1;
        while end < chars.len() && is_phone_char(chars[end]) {
            end += 1;
        }
        // Separators at the end belong to the text around the number.
        while end > index + 1 && !matches!(chars[end - 1], '0'..='9' | ')') {
            end -= 1;
        }
        let stretch = &chars[index..end];
        let digits = stretch.iter().filter(|c| c.is_ascii_digit()).count();
        // A number ends a sentence with `.`, but a time goes on with `:` and a version or an
        // address with `.` and a digit.
        let alone = match chars.get(end) {
            None => true,
            Some('.') => chars.get(end + 1).is_none_or(|c| !c.is_alphanumeric()),
            Some(&next) => !is_word(next) && next != ':',
        };
        let date: String = stretch.iter().take(10).collect();
        let is_date = date.len() == 10
            && date.char_indices().all(|(i, c)| match i {
                4 | 7 => c == '-',
                _ => c.is_ascii_digit(),
            });
        let grouped = stretch
            .iter()
            .skip(1)
            .any(|c| matches!(c, ' ' | '-' | '(' | ')'));
        let phone = alone
            && !is_date
            && if c == '+' {
                (8..=15).contains(&digits)
            } else {
                grouped && (10..=15).contains(&digits)
            };
        if phone {
            out.push_str("[phone]");
            index = end;
        } else {
            // Only the first character: a number may start further on (after a space).
            out.push(c);
            index += 1;
            while index < end && chars[index].is_ascii_digit() {
                out.push(chars[index]);
                index += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_in_every_encoding() {
        for (text, masked) in [
            ("to dana@example.test.", "to [email]."),
            ("q=user%40example.com&x=1", "q=[email]&x=1"),
            ("user%2540example.com", "[email]"),
            ("USER%252540EXAMPLE%2ECOM!", "[email]!"),
            ("dana.admin&#64;example.test", "[email]"),
            ("a&#x40;b.c and a&commat;b.c", "[email] and [email]"),
            ("\"DANA\\u0040EXAMPLE.TEST\"", "\"[email]\""),
            ("o'hara\u{FF20}example.com", "[email]"),
            (
                "a@b, @handle, x@localhost, 100%40 off",
                "a@b, @handle, x@localhost, 100%40 off",
            ),
        ] {
            assert_eq!(mask(text), masked, "{text}");
        }
    }

    #[test]
    fn phone_numbers_and_long_digit_runs() {
        for (text, masked) in [
            ("call +1 (555) 010-0199 now", "call [phone] now"),
            ("+44 20 7946 0958.", "[phone]."),
            ("+15550100199", "[phone]"),
            ("(555) 010-0199, 555-010-0199", "[phone], [phone]"),
            ("key 6408928184882201760", "key [number]"),
            ("acct6408928184882201760x", "acct[number]x"),
        ] {
            assert_eq!(mask(text), masked, "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_personal_stay() {
        for text in [
            "expired at 2026-12-01T07:12:00Z (in 59 min)",
            "2026-12-01 07:12",
            "answered 404 after 4 attempts in 12.50 s",
            "127.0.0.1:8080 and 192.168.100.200",
            "id 1d87cec3-1f72-46ab-b961-fd925d39d0a8",
            "12345678-1234-1234-1234-1234567890ab",
            "v1.2.3, 100% done, 5550100 and 12345678901234",
            "/users/v1/users?accountKey={account_key}",
        ] {
            assert_eq!(mask(text), text);
        }
    }
}
