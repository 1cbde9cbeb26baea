//! `cargo xtask api [METHOD] PATH`: one authenticated call, the answer's JSON on stdout, like
//! `gh api`. The call itself (retries, a renewed token, typed failures) is the session's.

use std::time::Duration;

use crate::Context;
use crate::flags;
use crate::report::UsageError;
use crate::ui;

impl flags::Api {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let ui = &ctx.ui;
        let (method, path) = match self.words.as_slice() {
            // As `gh api`: a body without a method is a POST.
            [path] if self.data.is_some() => ("POST".to_owned(), path.clone()),
            [path] => ("GET".to_owned(), path.clone()),
            [method, path] => (method.to_ascii_uppercase(), path.clone()),
            _ => unreachable!("clap allows one or two words"),
        };
        // A method is an HTTP token: letters, digits and a few marks, no space (RFC 9110 §9.1).
        let is_token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if method.is_empty() || !method.chars().all(is_token_char) {
            return Err(UsageError(format!(
                "`{}` is not an HTTP method: give one word such as GET, POST, PUT, PATCH or DELETE \
                 before the path",
                method.escape_debug()
            ))
            .into());
        }
        if !path.starts_with('/') {
            return Err(UsageError(format!(
                "the path must start with `/`, like /identity/v1/Users/me (got `{path}`)"
            ))
            .into());
        }
        let body = match &self.data {
            Some(text) => {
                serde_json::from_str::<serde_json::Value>(text)
                    .map_err(|error| UsageError(format!("--data is not valid JSON: {error}")))?;
                Some(text.as_bytes().to_vec())
            }
            None => None,
        };
        if self.paginate {
            crate::paginate::check_usage(&method, body.is_some(), &path)?;
        }
        if self.data.is_some() && matches!(method.as_str(), "GET" | "HEAD") {
            return Err(UsageError(format!(
                "a {method} request carries no body, so --data cannot go with it; leave out the \
                 method to POST the data (as `gh api` does), or name POST, PUT or PATCH"
            ))
            .into());
        }
        let session = ctx.session(Duration::from_secs(self.http.timeout))?;
        // One call: its JSON answer, or None for an empty body.
        let call = |path: &str| -> anyhow::Result<Option<serde_json::Value>> {
            let answer = session.call(&method, path, body.clone())?;
            ui.success(&format!("{method} {path} answered {}", answer.status));
            Ok(answer.json)
        };
        let json = if self.paginate {
            let records = crate::paginate::collect(&path, call)?;
            ui.line(&format!("  {} records in all", records.len()));
            serde_json::Value::Array(records)
        } else {
            match call(&path)? {
                Some(json) => json,
                None => return Ok(()),
            }
        };
        let text = serde_json::to_string_pretty(&json)?;
        ui::stdout(&format!("{text}\n"))?;
        Ok(())
    }
}
