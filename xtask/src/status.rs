//! `cargo xtask status`: what the env file holds (secrets masked), whether the token is good,
//! and which hosts are in use. It sends nothing.

use std::time::SystemTime;

use goto_auth::blocks::{
    EnvFileError, Fingerprint, GETGO_API_URL, GOTO_CONNECT_API_URL, Origin, Sources,
    format_instant, keys, parse_instant,
};
use serde_json::json;

use crate::Context;
use crate::flags;
use crate::token::describe_expiry;
use crate::ui::{self, Style, Ui};

impl flags::Status {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let (ui, env_file) = (&ctx.ui, ctx.env_file.as_path());
        let (entries, file_exists) = match goto_auth::blocks::read_env_file(env_file) {
            Ok(file) => {
                ui.warn_foreign_lines(env_file, &file.foreign_lines);
                (file.entries, true)
            }
            Err(EnvFileError::NotFound { .. }) => (Vec::new(), false),
            Err(error) => return Err(error.into()),
        };
        let sources = ctx.sources_from(entries);
        let report = Report::of(&sources, file_exists, SystemTime::now());
        if self.json {
            ui::stdout(&format!("{}\n", report.json))?;
        } else {
            report.print(ui);
        }
        // Status reports whatever it finds; a configuration that cannot work is still exit 2,
        // so scripts can check it.
        match sources.config() {
            Ok(_) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

struct Report {
    lines: Vec<(String, String, Style)>,
    json: serde_json::Value,
}

impl Report {
    fn of(sources: &Sources, file_exists: bool, now: SystemTime) -> Report {
        let mut lines = Vec::new();
        let mut push = |label: &str, text: String, style: Style| {
            lines.push((label.to_owned(), text, style));
        };
        let path = sources.path().display().to_string();
        push(
            "env file",
            if file_exists {
                path.clone()
            } else {
                match crate::missing_directory(sources.path()) {
                    Some(directory) => format!(
                        "{path} (missing, and so is its directory {}: create it or fix the path)",
                        directory.display()
                    ),
                    None => format!("{path} (missing: run `cargo xtask init`)"),
                }
            },
            if file_exists {
                Style::Bold
            } else {
                Style::Yellow
            },
        );
        let mut key_json = serde_json::Map::new();
        for key in [keys::CLIENT_ID, keys::CLIENT_SECRET, keys::PAT] {
            let value = sources.user_value(key);
            let origin = value.map(|(_, origin)| match origin {
                Origin::File => "file",
                Origin::Environment => "environment",
            });
            let text = match value {
                Some((value, _)) => format!("{} ({})", mask(key, value), origin.unwrap_or("")),
                None => format!("not set: {}", keys::where_to_find(key)),
            };
            push(
                key,
                text,
                if value.is_some() {
                    Style::Green
                } else {
                    Style::Red
                },
            );
            key_json.insert(
                key.to_owned(),
                json!({ "set": value.is_some(), "from": origin }),
            );
        }
        let auth = sources.auth_url();
        let auth_text = match &auth {
            Ok(url) => url.to_string(),
            Err(error) => error.to_string(),
        };
        push(
            "token host",
            auth_text.clone(),
            if auth.is_ok() {
                Style::Bold
            } else {
                Style::Red
            },
        );
        let api = sources.api_url();
        let api_text = match &api {
            Ok(Some(url)) if url.is_loopback() => format!("{url} (GOTO_API_URL, local sandbox)"),
            Ok(Some(url)) => format!("{url} (GOTO_API_URL)"),
            Ok(None) => format!("{GOTO_CONNECT_API_URL}, {GETGO_API_URL} (GoTo's hosts)"),
            Err(error) => error.to_string(),
        };
        push(
            "API hosts",
            api_text.clone(),
            if api.is_ok() { Style::Bold } else { Style::Red },
        );

        let fingerprint = sources.config().ok().map(|c| Fingerprint::of_config(&c));
        // The stored token as the file holds it, read here rather than through the cache
        // decision: status shows an expired or foreign token too, with what is wrong with it.
        let token_json = match sources.file_value(keys::ACCESS_TOKEN) {
            None => {
                push(
                    "token",
                    "none yet: run `cargo xtask token`".into(),
                    Style::Yellow,
                );
                json!({ "present": false })
            }
            Some(_) => {
                let expires_at = sources
                    .file_value(keys::ACCESS_TOKEN_EXPIRES_AT)
                    .and_then(parse_instant);
                let valid = expires_at.is_some_and(|at| at > now);
                let minted_for = sources.file_value(keys::TOKEN_MINTED_FOR);
                let minted_for_current = fingerprint
                    .as_ref()
                    .is_some_and(|f| minted_for == Some(f.as_str()));
                let principal = sources
                    .file_value(keys::TOKEN_PRINCIPAL)
                    .unwrap_or_default();
                let scope = sources.file_value(keys::TOKEN_SCOPE).unwrap_or_default();
                let mut text = match expires_at {
                    Some(at) => describe_expiry(at, now),
                    None => "stored, but its expiry is unreadable: run `cargo xtask token`".into(),
                };
                if !minted_for_current {
                    text.push_str("; minted for other credentials, `token` will replace it");
                }
                push(
                    "token",
                    text,
                    if valid && minted_for_current {
                        Style::Green
                    } else {
                        Style::Yellow
                    },
                );
                push("principal", principal.to_owned(), Style::Bold);
                push("scopes", scope.to_owned(), Style::Bold);
                json!({
                    "present": true,
                    "valid": valid,
                    "expires_at": expires_at.map(format_instant),
                    "expires_in_seconds": expires_at
                        .and_then(|at| at.duration_since(now).ok())
                        .map(|left| left.as_secs()),
                    "scope": scope,
                    "principal": principal,
                    "minted_for_current_credentials": minted_for_current,
                })
            }
        };
        let json = json!({
            "env_file": path,
            "env_file_exists": file_exists,
            "keys": key_json,
            "auth_url": auth.as_ref().ok().map(ToString::to_string),
            "api_url": api.as_ref().ok().and_then(Option::as_ref).map(ToString::to_string),
            "token": token_json,
        });
        Report { lines, json }
    }

    fn print(&self, ui: &Ui) {
        let width = self
            .lines
            .iter()
            .map(|(label, ..)| label.len())
            .max()
            .unwrap_or(0);
        for (label, text, style) in &self.lines {
            ui.line(&format!("{label:width$}  {}", ui.paint(*style, text)));
        }
    }
}

/// How a user key is shown: secrets as "set, hidden", the client id by its first characters.
fn mask(key: &str, value: &str) -> String {
    if keys::SECRET_KEYS.contains(&key) {
        return "set, hidden".to_owned();
    }
    let shown: String = value.chars().take(4).collect();
    format!("{shown}… ({} characters)", value.chars().count())
}
