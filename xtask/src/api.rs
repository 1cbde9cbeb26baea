//! `cargo xtask api [METHOD] PATH`: one authenticated call, the answer's JSON on stdout, like
//! `gh api`.

use std::time::Duration;

use goto_auth::api::{api_request, base_for, error_summary, is_token_rejection, rejection_hint};
use goto_auth::error::not_json;
use goto_auth::http::HttpResponse;
use goto_auth::token::excerpt;

use crate::Context;
use crate::flags;
use crate::report::UsageError;
use crate::ui;

impl flags::Api {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let ui = &ctx.ui;
        let (method, path) = match self.words.as_slice() {
            [path] => ("GET".to_owned(), path.clone()),
            [method, path] => (method.to_ascii_uppercase(), path.clone()),
            _ => unreachable!("clap allows one or two words"),
        };
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
            crate::paginate::check_usage(&method, body.is_some())?;
        }
        let session = ctx.session(Duration::from_secs(self.http.timeout))?;
        let base = base_for(&path, session.sources().api_url()?.as_ref());
        let mut token = session.token(false, ui)?;
        let send =
            |token: &goto_auth::secret::AccessToken, path: &str| -> anyhow::Result<HttpResponse> {
                let request = api_request(&base, &method, path, token, body.clone());
                let client = session.http()?;
                // Only reads are retried: a repeated POST could do its work twice.
                let answer = if method == "GET" || method == "HEAD" {
                    client.send_with_retries(&request, |notice| {
                        ui.warn(&format!(
                            "{path} answered {}; retrying in {:.1} s",
                            notice.cause,
                            notice.wait.as_secs_f64()
                        ));
                    })?
                } else {
                    client.send(&request)?
                };
                Ok(answer)
            };
        // One call: its JSON answer, or None for an empty body.
        let mut call = |path: &str| -> anyhow::Result<Option<serde_json::Value>> {
            let mut answer = send(&token.access_token, path)?;
            if is_token_rejection(&answer) {
                ui.warn("the API rejected the access token; exchanging the PAT once more");
                token = session.renew(ui)?;
                answer = send(&token.access_token, path)?;
            }
            if !(200..300).contains(&answer.status) {
                let hint = match answer.status {
                    401 | 403 => format!("; {}", rejection_hint(answer.status)),
                    _ => String::new(),
                };
                anyhow::bail!(
                    "{method} {path} answered {}: {}{hint}",
                    answer.status,
                    error_summary(&answer)
                );
            }
            if answer.body.is_empty() {
                ui.success(&format!("{method} {path} answered {}", answer.status));
                return Ok(None);
            }
            let Ok(json) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
                anyhow::bail!(
                    "{method} {path} answered {} with {}: \"{}\"",
                    answer.status,
                    not_json(answer.content_type.as_deref()),
                    excerpt(&answer.body)
                );
            };
            ui.success(&format!("{method} {path} answered {}", answer.status));
            Ok(Some(json))
        };
        let json = if self.paginate {
            let records = crate::paginate::collect(&path, &mut call)?;
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
