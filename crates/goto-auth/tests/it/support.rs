//! The harness.

use std::path::PathBuf;
use std::sync::Mutex;

pub use goto_sandbox::{Fault, FaultKind, Sandbox, seed};

/// A sandbox with an env file that points at it, in a temp dir.
pub struct Setup {
    pub sandbox: Sandbox,
    dir: tempfile::TempDir,
    pub env_file: PathBuf,
}

impl Setup {
    /// The seeded administrator's credentials; the sandbox's rate limit is off, so tests count
    /// exchanges, not 429s.
    pub fn new() -> Setup {
        Setup::with_pat(seed::PAT)
    }

    pub fn with_pat(pat: &str) -> Setup {
        let sandbox = Sandbox::start();
        sandbox.set_rate_limit(None);
        let dir = tempfile::tempdir().unwrap();
        let env_file = dir.path().join(".env");
        std::fs::write(&env_file, env_lines(&sandbox, pat)).unwrap();
        Setup {
            sandbox,
            dir,
            env_file,
        }
    }

    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// How many exchanges the token endpoint has seen.
    pub fn exchanges(&self) -> usize {
        self.requests_to("/oauth/token")
    }

    /// How many requests went to `path` (query aside).
    pub fn requests_to(&self, path: &str) -> usize {
        self.sandbox
            .requests()
            .iter()
            .filter(|request| request.path == path)
            .count()
    }
}

/// An env file's lines for `pat` at `sandbox`.
pub fn env_lines(sandbox: &Sandbox, pat: &str) -> String {
    format!(
        "GOTO_CLIENT_ID={}\nGOTO_CLIENT_SECRET={}\nGOTO_PAT={pat}\nGOTO_AUTH_URL={url}\nGOTO_API_URL={url}\n",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET,
        url = sandbox.base_url()
    )
}

/// Every form in which `secret` could leak: as it is, its base64, percent-encoded in either case.
pub fn leaked_forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    let mut forms = vec![
        secret.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(secret),
    ];
    let encoded: String = secret
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    forms.push(encoded.to_lowercase());
    forms.push(encoded);
    forms
}

/// Fails when `text` holds any form of any of `secrets`.
pub fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        for form in leaked_forms(secret) {
            assert!(
                !text.contains(&form),
                "{what} holds a secret:\n{}",
                text.replace(&form, "<<THE SECRET>>")
            );
        }
    }
}

/// The seeded secrets of the administrator, and the Basic credential they make.
pub fn seed_secrets() -> Vec<String> {
    use base64::Engine as _;
    vec![
        seed::CLIENT_SECRET.to_owned(),
        seed::PAT.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            seed::CLIENT_ID,
            seed::CLIENT_SECRET
        )),
    ]
}

/// A logger that keeps every record of the target `goto_auth`, installed once per process.
pub struct Records;

static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

impl log::Log for Records {
    fn enabled(&self, _metadata: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        RECORDS.lock().unwrap().push(format!(
            "{} {}: {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }

    fn flush(&self) {}
}

/// Installs [`Records`] (once) and returns every record logged so far.
pub fn log_records() -> Vec<String> {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&Records).unwrap();
        log::set_max_level(log::LevelFilter::Trace);
    });
    RECORDS.lock().unwrap().clone()
}
