//! `cargo xtask token`: print nothing secret unless asked, say what happened on stderr.

use std::time::{Duration, SystemTime};

use goto_auth::blocks::{Provenance, format_instant, human_duration};

use crate::Context;
use crate::flags;
use crate::ui;

impl flags::Token {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let (ui, env_file) = (&ctx.ui, &ctx.env_file);
        let github_env = if self.github_env {
            Some(crate::github::env_file(&ctx.environment)?)
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
