//! `cargo xtask token`: print nothing secret unless asked, say what happened on stderr.

use std::path::Path;
use std::time::{Duration, SystemTime};

use goto_auth::blocks::{Provenance, format_instant, human_duration};

use crate::Context;
use crate::flags;
use crate::report::UsageError;
use crate::ui;

impl flags::Token {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let (ui, env_file) = (&ctx.ui, &ctx.env_file);
        let github_env = if self.github_env {
            let path = crate::github::env_file(&ctx.environment)?;
            check_github_env(&path)?;
            Some(path)
        } else {
            None
        };
        let session = ctx.session(Duration::from_secs(self.http.timeout))?;
        let (token, provenance) = session.token(self.force)?;
        let reused = provenance == Provenance::Stored;
        let expiry = describe_expiry(token.expires_at, SystemTime::now());
        if reused {
            ui.success(&format!(
                "Reusing the stored access token for {}, {expiry}; --force exchanges anyway",
                or_unknown(&token.principal)
            ));
        } else {
            ui.success(&format!(
                "New access token for {}, {expiry}; written to {}",
                or_unknown(&token.principal),
                env_file.display()
            ));
        }
        let scope = token.scopes.to_string();
        ui.line(&format!("  scopes: {}", or_unknown(&scope)));
        if let Some(path) = &github_env {
            crate::github::export_token(path, &token)?;
            ui.line(&format!(
                "  {} and its expiry appended to $GITHUB_ENV for the next steps (masked in the log)",
                goto_auth::blocks::keys::ACCESS_TOKEN
            ));
        }
        if self.print {
            ui::stdout(&format!("{}\n", token.access_token.expose_secret()))?;
        } else if self.header {
            ui::stdout(&format!(
                "Authorization: Bearer {}\n",
                token.access_token.expose_secret()
            ))?;
        } else if self.json {
            let json = serde_json::json!({
                "principal": token.principal,
                "scope": scope,
                "expires_at": format_instant(token.expires_at),
                "reused": reused,
                "env_file": env_file.display().to_string(),
            });
            ui::stdout(&format!("{json}\n"))?;
        }
        Ok(())
    }
}

/// Refuses a `$GITHUB_ENV` that could not take the token (a directory, or a path in a missing
/// directory) before the exchange, so that no token is minted, and no mask printed, for nothing.
/// An existing file is opened for appending, which changes nothing in it; a missing file is
/// created only after the exchange, as the runner expects.
fn check_github_env(path: &Path) -> Result<(), UsageError> {
    let refuse = |why: String| {
        UsageError(format!(
            "$GITHUB_ENV names {}, {why}; GitHub Actions sets it to a file in the runner's temp \
             directory: do not override it, or point it at a file you can write",
            path.display()
        ))
    };
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => Err(refuse("which is a directory".into())),
        Ok(_) => std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map(drop)
            .map_err(|error| refuse(format!("which cannot be opened for appending ({error})"))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let directory = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if directory.is_dir() {
                Ok(())
            } else {
                Err(refuse(format!(
                    "whose directory {} does not exist",
                    directory.display()
                )))
            }
        }
        Err(error) => Err(refuse(format!("which cannot be inspected ({error})"))),
    }
}

fn or_unknown(text: &str) -> &str {
    if text.is_empty() { "(not given)" } else { text }
}

/// "valid until … (59 min left)" or "expired at … (6 years ago)", for status lines.
pub fn describe_expiry(expires_at: SystemTime, now: SystemTime) -> String {
    let at = format_instant(expires_at);
    match expires_at.duration_since(now) {
        Ok(left) => format!("valid until {at} ({} left)", human_duration(left)),
        Err(past) => format!("expired at {at} ({} ago)", human_duration(past.duration())),
    }
}
