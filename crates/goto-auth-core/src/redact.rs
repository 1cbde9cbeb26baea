//! Keeping the secrets we know out of every text we build from a server's answer.
//!
//! A server may echo what it was sent: an OAuth error that quotes the PAT, a gateway page that
//! shows the `Authorization` header, a JSON body that repeats the token. A [`Redactor`] is built
//! from the secrets of the request (the client secret, the PAT, the access token) and handed to
//! the parsers, so that each error message is built already free of them; nothing is cleaned up
//! after the fact.
//!
//! It redacts only what it knows, in every form a secret travels or may be echoed: as it is and
//! as its base64 (the Basic credential, the base64 of `client_id:client_secret`, is one of the
//! secrets it is given), each form-encoded (as in the token request's body), form-decoded (a `+`
//! read as a space, as a server reading the form sees it) and percent-encoded in upper- or
//! lower-case hex, and any run of [`MIN_FRAGMENT`] or more consecutive characters of one of those
//! (a secret cut short is still a leak). The one shape it redacts without knowing it is a JWT
//! (`eyJ…`, the base64 of `{"`), which only ever is a token. Everything else stays readable:
//! GoTo's "The access token does not have the required scope: call-events-report.v1.read" keeps
//! the scope name, which is the one word the user needs.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use base64::Engine as _;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::inert::inert;

/// The shortest run of a secret's characters that counts as a leak of it.
pub const MIN_FRAGMENT: usize = 16;

/// What a redacted secret is replaced with.
const REDACTED: &str = "[redacted]";

/// The secrets of one exchange or call, ready to be removed from any text. Its `Debug` shows
/// only how many it holds.
///
/// Building it only records the secrets: their forms and windows are worked out on the first
/// [`Redactor::redact`]. A successful exchange or call never redacts anything, and in a debug
/// build (which `cargo xtask` is) form-encoding a 1,000-character access token and building its
/// 3,000 windows cost more than the exchange's own request.
#[derive(Clone, Default)]
pub struct Redactor {
    /// The secrets as given, each once, in the order they were added.
    secrets: Vec<String>,
    /// Their forms and windows, built on the first redaction.
    prepared: OnceLock<Prepared>,
}

/// What [`Redactor::redact`] looks for, built from the secrets.
#[derive(Clone)]
struct Prepared {
    /// Every form of every secret, longest first, replaced wherever it occurs.
    forms: Vec<Vec<char>>,
    /// Every [`MIN_FRAGMENT`]-character window of every form.
    fragments: HashSet<Vec<char>>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor([{} secrets redacted])", self.secrets.len())
    }
}

impl Redactor {
    /// A redactor for `secrets`; empty ones are ignored.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> Redactor {
        let mut redactor = Redactor::default();
        for secret in secrets {
            redactor.add(secret);
        }
        redactor
    }

    /// The same redactor, knowing one more secret (a token found in an answer, say).
    pub fn with(&self, secret: &str) -> Redactor {
        let mut redactor = Redactor {
            secrets: self.secrets.clone(),
            prepared: OnceLock::new(),
        };
        redactor.add(secret);
        redactor
    }

    fn add(&mut self, secret: &str) {
        if secret.is_empty() || self.secrets.iter().any(|known| known == secret) {
            return;
        }
        self.secrets.push(secret.to_owned());
        self.prepared = OnceLock::new();
    }

    /// The forms and windows of the secrets, built on first use.
    fn prepared(&self) -> &Prepared {
        self.prepared.get_or_init(|| {
            let mut forms: Vec<Vec<char>> = Vec::new();
            for secret in &self.secrets {
                for form in forms_of(secret) {
                    let chars: Vec<char> = form.chars().collect();
                    if chars.is_empty() || forms.contains(&chars) {
                        continue;
                    }
                    forms.push(chars);
                }
            }
            forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
            let fragments = forms
                .iter()
                .flat_map(|form| form.windows(MIN_FRAGMENT))
                .map(<[char]>::to_vec)
                .collect();
            Prepared { forms, fragments }
        })
    }

    /// `text` with every known secret, every fragment of one and every JWT replaced by
    /// `[redacted]`, and then made [`inert`]: a server's text, ready for a message.
    pub fn redact(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut hidden = vec![false; chars.len()];
        let Prepared { forms, fragments } = self.prepared();
        for form in forms {
            if form.len() > chars.len() {
                continue;
            }
            for start in 0..=chars.len() - form.len() {
                if chars[start..start + form.len()] == form[..] {
                    hidden[start..start + form.len()].fill(true);
                }
            }
        }
        if !fragments.is_empty() {
            for (start, window) in chars.windows(MIN_FRAGMENT).enumerate() {
                if fragments.contains(window) {
                    hidden[start..start + MIN_FRAGMENT].fill(true);
                }
            }
        }
        hide_jwts(&chars, &mut hidden);
        let mut out = String::with_capacity(text.len());
        let mut previous_hidden = false;
        for (c, hide) in chars.iter().zip(&hidden) {
            if *hide {
                if !previous_hidden {
                    out.push_str(REDACTED);
                }
            } else {
                out.push(*c);
            }
            previous_hidden = *hide;
        }
        match inert(&out) {
            Cow::Borrowed(_) => out,
            Cow::Owned(shown) => shown,
        }
    }

    /// A short, single-line, secret-free excerpt of a body for an error message: markup is
    /// stripped, whitespace folded, secrets replaced, and the rest cut at 160 characters.
    pub fn excerpt(&self, body: &[u8]) -> String {
        // Enough for any excerpt: a secret that starts before the cut is still seen whole.
        let text = String::from_utf8_lossy(&body[..body.len().min(16 * 1024)]);
        let mut plain = String::new();
        let mut in_tag = false;
        for c in text.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    plain.push(' ');
                }
                _ if in_tag => {}
                c if c.is_control() || c.is_whitespace() => plain.push(' '),
                c => plain.push(c),
            }
        }
        let folded = plain.split_whitespace().collect::<Vec<_>>().join(" ");
        let redacted = self.redact(&folded);
        if redacted.is_empty() {
            return "(empty body)".to_owned();
        }
        let mut cut: String = redacted.chars().take(160).collect();
        if cut.len() < redacted.len() {
            cut.push('…');
        }
        cut
    }
}

/// Every form in which `secret` leaves this program, or may come back: as it is and as the
/// base64 of it (a server may decode nothing and echo an `Authorization` header), and each of
/// those form-encoded (as in the token request's body), form-decoded (a `+` read as a space, as
/// a server reading the form sees it) and percent-encoded, with upper- and lower-case hex
/// digits alike (`%2B` and `%2b` mean the same byte).
fn forms_of(secret: &str) -> Vec<String> {
    let base64 = base64::engine::general_purpose::STANDARD.encode(secret);
    let mut forms = Vec::new();
    for base in [secret.to_owned(), base64] {
        let form_encoded: String = form_urlencoded::byte_serialize(base.as_bytes()).collect();
        let form_decoded: String = form_urlencoded::parse(format!("x={base}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        let percent_encoded = utf8_percent_encode(&base, NON_ALPHANUMERIC).to_string();
        forms.push(lower_hex(&form_encoded));
        forms.push(lower_hex(&percent_encoded));
        forms.extend([base, form_encoded, form_decoded, percent_encoded]);
    }
    forms
}

/// `text` with the two hex digits after every `%` in lower case.
fn lower_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits_left = 0;
    for c in text.chars() {
        if digits_left > 0 {
            out.push(c.to_ascii_lowercase());
            digits_left -= 1;
        } else {
            out.push(c);
            if c == '%' {
                digits_left = 2;
            }
        }
    }
    out
}

/// Marks every JWT: a run of base64url characters and dots that starts with `eyJ` (the base64
/// of `{"`, how every JWT header begins) and is at least [`MIN_FRAGMENT`] long. No word of
/// prose, scope or path starts that way.
fn hide_jwts(chars: &[char], hidden: &mut [bool]) {
    let is_jwt_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=');
    let mut start = 0;
    while start < chars.len() {
        if !is_jwt_char(chars[start]) {
            start += 1;
            continue;
        }
        let end = chars[start..]
            .iter()
            .position(|&c| !is_jwt_char(c))
            .map_or(chars.len(), |offset| start + offset);
        let run = &chars[start..end];
        if run.len() >= MIN_FRAGMENT && run.starts_with(&['e', 'y', 'J']) {
            hidden[start..end].fill(true);
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_are_redacted_in_every_form() {
        let redactor = Redactor::new(["1Ae6pWzpF1qH6Yyt+w=", ""]);
        assert_eq!(
            redactor.redact("client 1Ae6pWzpF1qH6Yyt+w= unknown"),
            "client [redacted] unknown"
        );
        assert_eq!(
            redactor.redact("pat=1Ae6pWzpF1qH6Yyt%2Bw%3D was sent"),
            "pat=[redacted] was sent"
        );
        // A server that read the form body sees `+` as a space.
        assert_eq!(
            redactor.redact("no such client '1Ae6pWzpF1qH6Yyt w='"),
            "no such client '[redacted]'"
        );
    }

    /// A server that echoes what it was sent, in any form we sent it: the Basic credential
    /// (the base64 of `id:secret`), the base64 of the secret alone, and percent-encoding with
    /// lower-case hex digits, which servers written in some languages produce.
    #[test]
    fn echoed_credentials_are_redacted_in_every_form_we_send_them() {
        let secret = "pU3KGCUwux1t+Eyze1/eP3IfyxlxF0SU1kk8A=";
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("my-client:{secret}"));
        let alone = base64::engine::general_purpose::STANDARD.encode(secret);
        let redactor = Redactor::new([secret, basic.as_str()]);
        for echoed in [
            format!("Basic {basic}"),
            format!("credential {alone} refused"),
            "pat=pU3KGCUwux1t%2bEyze1%2feP3IfyxlxF0SU1kk8A%3d".to_owned(),
            "pat=pU3KGCUwux1t%2BEyze1%2FeP3IfyxlxF0SU1kk8A%3D".to_owned(),
            format!(
                "header {}",
                basic
                    .replace('+', "%2b")
                    .replace('/', "%2f")
                    .replace('=', "%3d")
            ),
        ] {
            let shown = redactor.redact(&echoed);
            assert!(shown.contains("[redacted]"), "{echoed} → {shown}");
            for piece in [
                &secret[..16],
                &basic[..16],
                &basic[basic.len() - 16..],
                &alone[4..20],
            ] {
                assert!(!shown.contains(piece), "{echoed} → {shown}");
            }
        }
    }

    #[test]
    fn redacted_text_is_inert() {
        let redactor = Redactor::new(["k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U"]);
        assert_eq!(
            redactor.redact("bad\n::warning::x\x1b[31m k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U"),
            r"bad\n::warning::x\x1b[31m [redacted]"
        );
    }

    #[test]
    fn a_secret_cut_short_is_still_redacted() {
        let secret = "pU3KGCUwux1t+Eyze1/eP3IfyxlxF0SU1kk8A=";
        let redactor = Redactor::new([secret]);
        let cut = &secret[4..24];
        assert_eq!(
            redactor.redact(&format!("token_type is \"{cut}\"")),
            "token_type is \"[redacted]\""
        );
        // Fewer than 16 characters of it are not a leak, and prose stays.
        assert_eq!(redactor.redact("pU3KGCUwux1t"), "pU3KGCUwux1t");
    }

    #[test]
    fn jwts_are_redacted_without_being_known() {
        assert_eq!(
            Redactor::default()
                .redact("bad token eyJraWQiOiJvYXV0aHYyLmxtaS5jb20uMDIxOSJ9.e30.sig here"),
            "bad token [redacted] here"
        );
    }

    #[test]
    fn words_that_are_not_secrets_stay() {
        let redactor = Redactor::new(["a-client-secret-of-some-length"]);
        for text in [
            "client not found",
            "see https://developer.goto.com/guides/Authentication/x",
            "GET /call-events-report/v1/report-summaries failed",
            "The access token does not have the required scope: call-events-report.v1.read",
            "AUTHZ_INSUFFICIENT_SCOPE: notification-channel.v1.read voice-admin.v1.read",
            "see https://auth.example.test/k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U now",
        ] {
            assert_eq!(redactor.redact(text), text);
        }
    }

    /// The cases of the former token-shape scrubber: a JWT is still caught by its shape, the
    /// other credentials because the redactor knows them, and readable text stays as it was.
    #[test]
    fn former_scrub_cases() {
        let redactor = Redactor::new([
            "k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U",
            "pU3KGCUwux1t+Eyze1/eP3IfyxlxF0SU1kk8A=",
        ]);
        assert_eq!(
            redactor.redact("bad token eyJraWQiOiJvYXV0aHYyLmxtaS5jb20uMDIxOSJ9.e30.sig here"),
            "bad token [redacted] here"
        );
        assert_eq!(redactor.redact("client not found"), "client not found");
        assert_eq!(
            redactor.redact("see https://developer.goto.com/guides/Authentication/x"),
            "see https://developer.goto.com/guides/Authentication/x"
        );
        assert_eq!(
            redactor.redact("GET /call-events-report/v1/report-summaries failed"),
            "GET /call-events-report/v1/report-summaries failed"
        );
        assert_eq!(
            redactor.redact("see https://auth.example.test/k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U now"),
            "see https://auth.example.test/[redacted] now"
        );
        assert_eq!(
            redactor.redact("pat pU3KGCUwux1t+Eyze1/eP3IfyxlxF0SU1kk8A= revoked"),
            "pat [redacted] revoked"
        );
    }

    /// The forms are built on the first redaction; a secret learned afterwards must still be
    /// redacted, by the new redactor and not the old one.
    #[test]
    fn a_secret_added_after_a_redaction_is_redacted() {
        let first = Redactor::new(["k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U"]);
        assert_eq!(
            first.redact(
                "k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U and pU3KGCUwux1t+Eyze1/eP3IfyxlxF0SU1kk8A="
            ),
            "[redacted] and pU3KGCUwux1t+Eyze1/eP3IfyxlxF0SU1kk8A="
        );
        let second = first.with("pU3KGCUwux1t+Eyze1/eP3IfyxlxF0SU1kk8A=");
        assert_eq!(
            second.redact(
                "k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U and pU3KGCUwux1t%2BEyze1%2FeP3IfyxlxF0SU1kk8A%3D"
            ),
            "[redacted] and [redacted]"
        );
        assert_eq!(second.redact("cut: t+Eyze1/eP3IfyxlxF0"), "cut: [redacted]");
        // Adding a secret twice, or an empty one, changes nothing.
        let again = second.with("k9Zt4TqW8bNf2LxVc7Hs3JdRm6YpKa1U").with("");
        assert_eq!(format!("{again:?}"), format!("{second:?}"));
    }

    #[test]
    fn debug_shows_no_secret() {
        let shown = format!("{:?}", Redactor::new(["a-client-secret-of-some-length"]));
        assert!(!shown.contains("secret-of"), "{shown}");
    }

    #[test]
    fn excerpts_are_single_line_and_short() {
        let redactor = Redactor::default();
        assert_eq!(
            redactor.excerpt(b"<html><title>502 Bad Gateway</title>\n<body>nginx</body></html>"),
            "502 Bad Gateway nginx"
        );
        assert_eq!(redactor.excerpt(b"  "), "(empty body)");
        assert!(redactor.excerpt(&[b'a'; 400]).ends_with('…'));
    }
}
