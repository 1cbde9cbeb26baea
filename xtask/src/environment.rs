//! The process environment, read in this one place when the xtask starts; every other module
//! asks this snapshot instead of `std::env`.
//!
//! What is read: the user's `GOTO_*` keys (which override the env file), `CI` (smoke records no
//! snapshot in CI), `NO_COLOR` and `TERM` (colour),
//! `GITHUB_ENV` (where `token --github-env` appends), and `GITHUB_ACTIONS` and
//! `GITHUB_STEP_SUMMARY` (smoke's annotations and job summary). Token keys are never taken from the environment: they belong to the env file.
//!
//! The env file itself is read by `goto_auth::blocks::read_file`, with dotenvy's rules. One of those
//! rules reaches into the process environment: an unquoted or double-quoted value's `$NAME` or
//! `${NAME}` is expanded from the process environment's `NAME` when it is set, and only
//! otherwise from a key defined earlier in the file (a single-quoted value is taken
//! literally; a name is letters and digits only, so `$MY_ID` is `$MY` followed by `_ID`). That lookup happens only while reading the file and only for values the file
//! writes with a `$`; nothing else in the library reads the environment.
//! `xtask/tests/it/environment.rs` pins the rule down.

use goto_auth::blocks::keys;

/// The variable GitHub Actions sets to the path of the step's environment file.
pub const GITHUB_ENV: &str = "GITHUB_ENV";

/// The snapshot of the process environment the xtask uses.
#[derive(Clone)]
pub struct Environment {
    /// The user's keys that are set and not empty, in `keys::USER_KEYS` order.
    user: Vec<(&'static str, String)>,
    /// `CI` is set to something other than empty, `false` or `0`.
    pub ci: bool,
    /// `NO_COLOR` is set and not empty.
    pub no_color: bool,
    /// `TERM` is `dumb`.
    pub dumb_terminal: bool,
    /// The file `$GITHUB_ENV` names, when set and not empty.
    pub github_env: Option<std::path::PathBuf>,
    /// `GITHUB_ACTIONS` is `true`: the run is a GitHub Actions step.
    pub github_actions: bool,
    /// The file `$GITHUB_STEP_SUMMARY` names, when set and not empty.
    pub github_step_summary: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The user's keys hold secrets: show which are set, never what they hold.
        let user: Vec<&str> = self.user.iter().map(|(key, _)| *key).collect();
        f.debug_struct("Environment")
            .field("user_keys", &user)
            .field("ci", &self.ci)
            .finish_non_exhaustive()
    }
}

impl Environment {
    /// Reads the process environment, once.
    pub fn capture() -> Environment {
        let var = |name: &str| std::env::var(name).ok();
        let user = keys::USER_KEYS
            .iter()
            .filter_map(|&key| var(key).filter(|v| !v.is_empty()).map(|v| (key, v)))
            .collect();
        Environment {
            user,
            ci: var("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0"),
            no_color: var("NO_COLOR").is_some_and(|v| !v.is_empty()),
            dumb_terminal: var("TERM").is_some_and(|t| t == "dumb"),
            github_env: std::env::var_os(GITHUB_ENV)
                .filter(|value| !value.is_empty())
                .map(Into::into),
            github_actions: var("GITHUB_ACTIONS").is_some_and(|v| v == "true"),
            github_step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|value| !value.is_empty())
                .map(Into::into),
        }
    }

    /// The same snapshot without the user's keys: `demo` runs against the sandbox alone, so a
    /// user's exported credentials never reach it.
    pub fn without_credentials(&self) -> Environment {
        Environment {
            user: Vec::new(),
            ..self.clone()
        }
    }

    /// A user key's value, for `goto_auth::blocks::Sources::new`.
    pub fn user_value(&self, key: &str) -> Option<String> {
        self.user
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }

    /// Whether the environment alone holds the keys the exchange needs (CI without a file).
    pub fn has_credentials(&self) -> bool {
        [keys::CLIENT_ID, keys::CLIENT_SECRET, keys::PAT]
            .iter()
            .all(|key| self.user_value(key).is_some())
    }
}
