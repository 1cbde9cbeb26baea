//! GitHub Actions: handing the token to later steps of a job (`token --github-env`).
//!
//! A step passes values to the steps after it by appending lines to the file `$GITHUB_ENV`
//! names; the runner reads that file when the step ends. The runner masks a value in the job's
//! log only once a step has printed `::add-mask::<value>`, so the mask is printed before the
//! token is written anywhere: no later line of the log can show it.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use goto_auth::blocks::keys;

use crate::environment::{Environment, GITHUB_ENV};
use crate::report::UsageError;
use crate::ui;

/// The file `$GITHUB_ENV` names. Asked before any exchange, so that a run outside Actions
/// fails at once (exit 2) instead of minting a token it cannot hand on.
pub fn env_file(environment: &Environment) -> anyhow::Result<PathBuf> {
    environment.github_env.clone().ok_or_else(|| {
        UsageError(format!(
            "--github-env writes to the file ${GITHUB_ENV} names, and {GITHUB_ENV} is not set: \
                 GitHub Actions sets it in every step; elsewhere use --print, --header or `exec`"
        ))
        .into()
    })
}

/// Prints the mask command, then appends the token and its expiry to `path` (`$GITHUB_ENV`).
pub fn export_token(path: &Path, token: &goto_auth::blocks::Token) -> anyhow::Result<()> {
    let secret = token.access_token.expose_secret();
    ui::stdout(&mask_command(secret))?;
    let expires_at = goto_auth::blocks::format_instant(token.expires_at);
    let mut entries = env_entry(keys::ACCESS_TOKEN, secret);
    entries.push_str(&env_entry(keys::ACCESS_TOKEN_EXPIRES_AT, &expires_at));
    // Append, as the runner expects: earlier steps' lines in the file stay.
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("could not open ${GITHUB_ENV} ({})", path.display()))?;
    let text = match ends_without_newline(&mut file) {
        Ok(true) => format!("\n{entries}"),
        Ok(false) => entries,
        Err(error) => {
            return Err(error)
                .with_context(|| format!("could not read ${GITHUB_ENV} ({})", path.display()));
        }
    };
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .with_context(|| format!("could not append to ${GITHUB_ENV} ({})", path.display()))?;
    Ok(())
}

/// Whether the file's last byte is something other than a line feed: a step that wrote
/// `FOO=bar` without one would otherwise have our first entry glued onto its value.
fn ends_without_newline(file: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0_u8];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// `::add-mask::VALUE` for each line of the value, with the workflow-command escapes (`%`, CR,
/// LF) the runner undoes before it masks.
pub fn mask_command(value: &str) -> String {
    value
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| format!("::add-mask::{}\n", escape_data(line)))
        .collect()
}

/// A workflow command's message (`::add-mask::`, `::error`): `%`, CR and LF as percent escapes,
/// as GitHub's runner reads them.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// One entry of the environment file: `KEY=value` for a one-line value, else GitHub's
/// multi-line form `KEY<<DELIMITER … DELIMITER` with a delimiter the value does not contain. The
/// delimiter comes from the OS's random source, so a value cannot be crafted to end the entry
/// early.
pub fn env_entry(key: &str, value: &str) -> String {
    if !value.contains(['\n', '\r']) {
        return format!("{key}={value}\n");
    }
    let mut delimiter = format!("ghadelimiter_{:016x}", goto_auth::blocks::random_u64());
    while value.contains(&delimiter) {
        delimiter = format!("ghadelimiter_{:016x}", goto_auth::blocks::random_u64());
    }
    format!("{key}<<{delimiter}\n{value}\n{delimiter}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_values_are_plain_assignments() {
        assert_eq!(env_entry("K", "abc.def-ghi"), "K=abc.def-ghi\n");
    }

    #[test]
    fn multi_line_values_use_a_delimiter_they_do_not_contain() {
        let entry = env_entry("K", "one\nghadelimiter_x\ntwo");
        let mut lines = entry.lines();
        let header = lines.next().unwrap();
        let delimiter = header.strip_prefix("K<<").unwrap();
        assert!(delimiter.starts_with("ghadelimiter_"));
        assert_eq!(
            lines.collect::<Vec<_>>(),
            ["one", "ghadelimiter_x", "two", delimiter]
        );
    }

    #[test]
    fn masks_are_escaped_per_line() {
        assert_eq!(mask_command("a%b"), "::add-mask::a%25b\n");
        assert_eq!(mask_command("a\nb"), "::add-mask::a\n::add-mask::b\n");
    }
}
