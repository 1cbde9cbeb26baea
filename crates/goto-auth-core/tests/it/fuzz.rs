//! Fuzzing, as long proptest runs: arbitrary bytes and strings fed to the parsers that see input
//! from outside (a server's token answer, a `Retry-After` header, an env file, a value to write).
//!
//! cargo-fuzz needs a nightly toolchain, which this workspace does not use, so the fuzz targets
//! are proptest properties instead. Each checks two things for any input: the function never
//! panics, and nothing it says about a bad input quotes a secret-looking part of that input.
//! Where a function succeeds, the result must also be right: a token answer's token stays
//! redacted, and whatever the editor writes reads back exactly with dotenvy.
//!
//! CI runs 512 cases per property (`PROPTEST_CASES` overrides it). The long run:
//!
//! ```console
//! $ PROPTEST_CASES=200000 cargo test -p goto-auth --test it fuzz --release
//! ```

use std::time::{Duration, SystemTime};

use goto_auth_core::HttpResponse;
use goto_auth_core::retry::{self, Attempt, Next, parse_retry_after};
use goto_auth_core::{EditError, edit, render_value};
use goto_auth_core::{Redactor, parse_token_response};
use proptest::prelude::*;

/// Cases per property: 512 unless `PROPTEST_CASES` says otherwise.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        // A failure is kept as a plain test, not in a `proptest-regressions/` file.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A credential as a server might echo it: 31 to 61 characters of the alphabets JWTs, base64
/// and PATs use, starting with an upper-case letter, a lower-case one and a digit, as real ones
/// mix them. The parser is handed it as a credential it sent: redaction removes the secrets it
/// knows, in any form and any fragment of 16 characters or more, and no word merely because it
/// looks like a token (a scope name like `call-events-report.v1.read` must stay readable).
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~+/=-]{28,58}".prop_map(|tail| format!("Kq9{tail}"))
}

/// What may stand right before or after a secret in a body: nothing, markup, JSON or prose
/// punctuation, or arbitrary characters that are not part of a token.
fn context() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_owned()),
        Just("\"".to_owned()),
        Just("<b>".to_owned()),
        Just("Bearer ".to_owned()),
        Just("token: ".to_owned()),
        Just("?access_token=".to_owned()),
        Just("https://auth.example.test/".to_owned()),
        "[^A-Za-z0-9._~+/=-]{1,4}",
    ]
}

/// `text` with the secret in it, framed by contexts.
fn around(secret: &str, before: &str, after: &str) -> String {
    format!("{before}{secret}{after}")
}

/// A JSON value of any type, to put where a token answer expects a string or a number.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::String),
        Just(serde_json::Value::String("Bearer".into())),
        Just(serde_json::Value::from(3600)),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z_]{1,6}", inner, 0..4)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

/// The fields a token endpoint's answer may carry, in both its success and error forms.
const FIELDS: [&str; 8] = [
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "principal",
    "error",
    "error_description",
    "message",
];

/// A token endpoint's body: arbitrary bytes with the secret inside, or a JSON object whose fields
/// have arbitrary types, one of them a string holding the secret. Returns the body and the field
/// that holds the secret (`None` for the raw bytes).
fn token_body(secret: String) -> impl Strategy<Value = (Vec<u8>, Option<&'static str>)> {
    let raw = (
        prop::collection::vec(any::<u8>(), 0..48),
        context(),
        context(),
        prop::collection::vec(any::<u8>(), 0..48),
    )
        .prop_map({
            let secret = secret.clone();
            move |(head, before, after, tail)| {
                let mut body = head;
                body.extend_from_slice(around(&secret, &before, &after).as_bytes());
                body.extend_from_slice(&tail);
                (body, None)
            }
        });
    let json = (
        prop::collection::vec(prop::option::of(json_value()), FIELDS.len()),
        0..FIELDS.len(),
        context(),
        context(),
    )
        .prop_map({
            let secret = secret.clone();
            move |(values, holder, before, after)| {
                let mut object = serde_json::Map::new();
                for (field, value) in FIELDS.iter().zip(values) {
                    if let Some(value) = value {
                        object.insert((*field).to_owned(), value);
                    }
                }
                let text = if FIELDS[holder] == "access_token" {
                    secret.clone()
                } else {
                    around(&secret, &before, &after)
                };
                object.insert(FIELDS[holder].to_owned(), serde_json::Value::String(text));
                let body = serde_json::to_vec(&serde_json::Value::Object(object)).unwrap();
                (body, Some(FIELDS[holder]))
            }
        });
    // A valid token answer with the secret as its token, each field kept, dropped or replaced by
    // a value of any type: the near misses a parser is most likely to get wrong.
    let near_miss = prop::collection::vec(
        prop_oneof![
            4 => Just(Mutation::Keep),
            1 => Just(Mutation::Drop),
            1 => json_value().prop_map(Mutation::Replace),
        ],
        5,
    )
    .prop_map(move |mutations| {
        let valid = [
            ("access_token", serde_json::Value::String(secret.clone())),
            ("token_type", serde_json::Value::String("Bearer".into())),
            ("expires_in", serde_json::Value::from(3600)),
            (
                "scope",
                serde_json::Value::String("identity:scim.me collab:".into()),
            ),
            (
                "principal",
                serde_json::Value::String("dana.admin@example.test".into()),
            ),
        ];
        let mut object = serde_json::Map::new();
        let mut holder = None;
        for ((field, value), mutation) in valid.into_iter().zip(mutations) {
            match mutation {
                Mutation::Keep => {
                    if field == "access_token" {
                        holder = Some("access_token");
                    }
                    object.insert(field.to_owned(), value);
                }
                Mutation::Drop => {}
                Mutation::Replace(other) => {
                    object.insert(field.to_owned(), other);
                }
            }
        }
        let body = serde_json::to_vec(&serde_json::Value::Object(object)).unwrap();
        (body, holder)
    });
    prop_oneof![raw, json, near_miss]
}

/// What the near-miss generator does to one field of a valid token answer.
#[derive(Debug, Clone)]
enum Mutation {
    Keep,
    Drop,
    Replace(serde_json::Value),
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200),
        2 => prop::sample::select(vec![201, 400, 401, 403, 404, 429, 500, 502, 503, 504]),
        1 => 100u16..1000,
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just("application/json".to_owned()),
        Just("application/json; charset=utf-8".to_owned()),
        Just("text/html".to_owned()),
        any::<String>(),
    ])
}

/// Whether any 24 consecutive characters of `secret` appear in `text`: a secret cut short is
/// still a leak.
fn leaks(text: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(24)
        .any(|window| text.contains(&window.iter().collect::<String>()))
}

/// A marker that the generators put into values and files, and that no message may quote.
const MARKER: &str = "Xq7fW2mZ9pL4vR8t";

/// Env file text: arbitrary strings, or lines assembled from the pieces dotenvy's grammar
/// turns on (quotes, escapes, `$`, `#`, `export`, line endings, a byte order mark).
fn env_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("KEY".to_owned()),
        Just("K".to_owned()),
        Just("GOTO_ACCESS_TOKEN".to_owned()),
        Just("export ".to_owned()),
        Just("=".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("$".to_owned()),
        Just("${".to_owned()),
        Just("}".to_owned()),
        Just("#".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\u{feff}".to_owned()),
        Just(MARKER.to_owned()),
        "[A-Za-z0-9_.]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    let line = prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat() + "\n");
    let assembled = prop::collection::vec(line, 0..10).prop_map(|lines| lines.concat());
    // Lines as people write them, so that most files are readable and the edits get made.
    let written = (
        prop::sample::select(vec!["", "export ", "  "]),
        prop::sample::select(vec!["K", "KEY", "GOTO_ACCESS_TOKEN", "OTHER", "export"]),
        prop_oneof![
            "[A-Za-z0-9_./+=-]{0,12}",
            "[ -&(-~]{0,12}".prop_map(|v| format!("'{v}'")),
            "[a-z #$]{0,12}".prop_map(|v| format!("\"{v}\"")),
            Just(MARKER.to_owned()),
        ],
        prop::sample::select(vec!["", " # a comment"]),
    )
        .prop_map(|(prefix, key, value, comment)| format!("{prefix}{key}={value}{comment}"));
    let written_file = (
        prop::collection::vec(
            prop_oneof![4 => written, 1 => Just(String::new()), 1 => Just("# comment".to_owned())],
            0..10,
        ),
        prop::sample::select(vec!["\n", "\r\n"]),
        any::<bool>(),
    )
        .prop_map(|(lines, ending, final_newline)| {
            let mut text = lines.join(ending);
            if final_newline && !text.is_empty() {
                text.push_str(ending);
            }
            text
        });
    prop_oneof![1 => any::<String>(), 2 => assembled, 4 => written_file]
}

/// A key to update: mostly valid ones that may already be in the file, sometimes anything.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec!["K", "KEY", "GOTO_ACCESS_TOKEN", "export", "NEW_KEY"])
            .prop_map(str::to_owned),
        2 => "[A-Za-z_][A-Za-z0-9_.]{0,8}",
        1 => any::<String>(),
    ]
}

/// A value to write: token-shaped, arbitrary, or arbitrary with the marker inside.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9._~+/=-]{0,40}",
        3 => "[ -~]{0,20}",
        1 => any::<String>(),
        1 => (any::<String>(), any::<String>()).prop_map(|(a, b)| format!("{a}{MARKER}{b}")),
        1 => "[ -~]{0,8}".prop_map(|v| format!("{v}{MARKER}")),
    ]
}

/// dotenvy's reading of env file text, the way its loaders read a file (a leading byte order
/// mark skipped).
fn dotenvy_entries(text: &str) -> Result<Vec<(String, String)>, dotenvy::Error> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    dotenvy::from_read_iter(body.as_bytes()).collect()
}

proptest! {
    #![proptest_config(config())]

    /// A token answer of any bytes, status and content type: no panic, and neither the error's
    /// message nor its `Debug` quotes the secret the body holds; a token it accepts stays
    /// redacted in `Debug`.
    #[test]
    fn fuzz_parse_token_response(
        (secret, (body, holder)) in secret().prop_flat_map(|secret| (Just(secret.clone()), token_body(secret))),
        status in status(),
        content_type in content_type(),
        retry_after in prop::option::of(any::<String>()),
    ) {
        let answer = HttpResponse { status, content_type, retry_after, body };
        prop_assert!(!format!("{answer:?}").contains(&secret), "HttpResponse's Debug shows the body");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        // The exchange hands the parser the credentials it sent: the secret stands for one of them.
        let redactor = Redactor::new([secret.as_str()]);
        match parse_token_response(&answer, "https://authentication.logmeininc.com/oauth/token", now, &redactor) {
            Err(error) => {
                for text in [error.to_string(), format!("{error:?}"), format!("{error:#?}")] {
                    prop_assert!(!leaks(&text, &secret), "{}", text);
                }
            }
            Ok(token) => {
                prop_assert!((200..300).contains(&status));
                let debug = format!("{token:?}");
                if holder == Some("access_token") {
                    prop_assert_eq!(token.access_token.expose_secret(), secret.as_str());
                    prop_assert!(!leaks(&debug, &secret), "{}", debug);
                }
                prop_assert!(token.expires_at > now);
            }
        }
    }

    /// `Retry-After` of any text at any moment: no panic; whole seconds are taken as they are.
    #[test]
    fn fuzz_parse_retry_after(value in any::<String>(), now in 0u64..4_102_444_800) {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now);
        let parsed = parse_retry_after(&value, now);
        if let Ok(seconds) = value.trim().parse::<u64>() {
            prop_assert_eq!(parsed, Some(Duration::from_secs(seconds)));
        }
    }

    /// Every HTTP date reads back as the wait until it, and a date in the past as no wait.
    #[test]
    fn fuzz_parse_retry_after_dates(at in 0u64..4_102_444_800, now in 0u64..4_102_444_800) {
        let date = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(at));
        let now_instant = SystemTime::UNIX_EPOCH + Duration::from_secs(now);
        prop_assert_eq!(
            parse_retry_after(&date, now_instant),
            Some(Duration::from_secs(at.saturating_sub(now)))
        );
    }

    /// The retry decision for any status and `Retry-After` never panics, never retries past the
    /// fourth attempt, and never waits longer than the cap.
    #[test]
    fn fuzz_retry_decision(
        attempt in 1u32..10,
        status in any::<u16>(),
        retry_after in prop::option::of(any::<String>()),
        jitter in 0.0f64..1.0,
    ) {
        let outcome = Attempt::Answer { status, retry_after: retry_after.as_deref() };
        match retry::next(attempt, outcome, SystemTime::now(), jitter) {
            Next::Stop => {}
            Next::RetryAfter(wait) => {
                prop_assert!(attempt < retry::MAX_ATTEMPTS);
                prop_assert!(retry::is_retryable_status(status));
                prop_assert!(wait <= retry::RETRY_AFTER_CAP);
            }
        }
    }

    /// Any value: no panic; a value it renders reads back exactly with dotenvy; a refusal names
    /// the problem without quoting the value.
    #[test]
    fn fuzz_render_value(value in value()) {
        match render_value(&value) {
            Ok(rendered) => {
                let entries = dotenvy_entries(&format!("K={rendered}\n"));
                prop_assert_eq!(entries.ok(), Some(vec![("K".to_owned(), value.clone())]));
            }
            Err(reason) => {
                let debug = format!("{reason:?}");
                prop_assert!(!reason.to_string().contains(MARKER));
                prop_assert!(!debug.contains(MARKER));
            }
        }
    }

    /// Any file text and any updates: no panic. When the edit succeeds, dotenvy reads every
    /// updated key, wherever it stands, with exactly its new value (the last one given for a
    /// key given twice). When it is refused, the error quotes neither the values nor the file.
    #[test]
    fn fuzz_edit(contents in env_text(), updates in prop::collection::vec((key(), value()), 1..5)) {
        let borrowed: Vec<(&str, &str)> =
            updates.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
        match edit(&contents, &borrowed) {
            // Lines for other tools, which dotenvy refuses, are kept as they are: dotenvy then
            // refuses the edit too, and the unit tests cover that case.
            Ok(_) if dotenvy_entries(&contents).is_err() => {}
            Ok(edited) => {
                let entries = dotenvy_entries(&edited);
                prop_assert!(entries.is_ok(), "dotenvy cannot read the edit of {:?}: {:?}", contents, edited);
                let entries = entries.unwrap();
                for (key, _) in &updates {
                    let last = &updates.iter().rev().find(|(k, _)| k == key).unwrap().1;
                    let read: Vec<&String> =
                        entries.iter().filter(|(k, _)| k == key).map(|(_, v)| v).collect();
                    prop_assert!(!read.is_empty(), "{} is missing from {:?}", key, edited);
                    prop_assert!(read.iter().all(|v| *v == last), "{}: {:?} in {:?}", key, read, edited);
                }
            }
            Err(error) => {
                for text in [error.to_string(), format!("{error:?}")] {
                    prop_assert!(!text.contains(MARKER), "{}", text);
                }
                if let EditError::InvalidKey { key } = &error {
                    prop_assert!(updates.iter().any(|(k, _)| k == key));
                }
            }
        }
    }
}
