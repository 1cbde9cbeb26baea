//! Making calls: one authenticated request with the session's token, and the JSON-level calls
//! built on it (`get`, `get_all`, `send`).

use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use super::{Pace, Renewal, Session, Unpaced};
use crate::api::{
    Answer, api_request, base_for, check_path, is_token_rejection, read_answer, read_typed,
};
use crate::error::{CallError, Error, SessionError, decode_each, retried};
use crate::http::{HttpResponse, RetryNotice};
use crate::paging::Pager;
use crate::redact::Redactor;
use crate::secret::AccessToken;

impl Session {
    /// `GET path`, its JSON read as a `T`.
    ///
    /// # Errors
    ///
    /// See [`Error`]: no token, a failed call, or JSON of another shape.
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let mut elapsed = Duration::ZERO;
        let (answer, made, used) =
            self.call_timed("GET", path, None, &Unpaced, Renewal::Allowed, &mut elapsed)?;
        read_typed("GET", path, answer, made, || self.redactor(&used))
    }

    /// Every record of the list at `path`, page after page in either of GoTo's paging styles,
    /// each read as a `T`.
    ///
    /// # Errors
    ///
    /// See [`Error`]; an answer in no known paging style is [`Error::Paging`].
    pub fn get_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, Error> {
        let mut pager = Pager::new(path);
        while pager.take(self.call("GET", pager.path(), None)?.json)? {}
        decode_each(path, pager.records())
    }

    /// One call with any method and an optional JSON body; the answer's JSON, `Null` for an
    /// empty answer (204). Only reads are retried; a 401 is renewed and sent once more for every
    /// method, since a 401 means the server did nothing.
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, Error> {
        let body = body.map(|json| json.to_string().into_bytes());
        Ok(self
            .call(method, path, body)?
            .json
            .unwrap_or(serde_json::Value::Null))
    }

    /// One API call with the session's token (obtained first if need be). `GET` and `HEAD` are
    /// retried under the retry policy; other methods are sent once, since a repeated POST could
    /// do its work twice.
    ///
    /// # Errors
    ///
    /// See [`CallError`].
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, CallError> {
        self.call_paced(method, path, body, &Unpaced, Renewal::Allowed)
            .0
    }

    /// [`Session::call`] within `pace`, renewing a refused token only as `renewal` allows, with
    /// the time spent on the wire (waiting for a place not counted).
    pub fn call_paced(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        pace: &dyn Pace,
        renewal: Renewal,
    ) -> (Result<Answer, CallError>, Duration) {
        let method = method.to_ascii_uppercase();
        let mut elapsed = Duration::ZERO;
        let result = self
            .call_timed(&method, path, body, pace, renewal, &mut elapsed)
            .and_then(|(answer, made, used)| {
                read_answer(&method, path, answer, || self.redactor(&used))
                    .map_err(|error| retried(made, error))
            });
        (result, elapsed)
    }

    /// The call up to its last answer, unread: the answer, how many attempts it took, and the
    /// token it was sent with (whose secret the reading must keep out of any message).
    fn call_timed(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        pace: &dyn Pace,
        renewal: Renewal,
        elapsed: &mut Duration,
    ) -> Result<(HttpResponse, u32, AccessToken), CallError> {
        check_path(path).map_err(|reason| CallError::Path {
            path: crate::inert::inert(path).into_owned(),
            reason,
        })?;
        let token = self.current_token()?;
        let send = |token: &AccessToken, elapsed: &mut Duration| {
            self.send_once(method, path, body.clone(), token, pace, elapsed)
        };
        // `made`: how many attempts the last request took; a failure after retries says so.
        let (mut answer, mut made) = send(&token.access_token, elapsed)?;
        let mut used = token.access_token;
        if is_token_rejection(&answer) && renewal == Renewal::Allowed {
            match self.after_rejection(method, path, &used, &answer)? {
                Some(next) => {
                    used = next;
                    (answer, made) = send(&used, elapsed)?;
                }
                None => log::info!(
                    target: "goto_auth",
                    "{method} {path} refused a token minted for this client before any call was \
                     accepted with it; not renewing it (a fresh token refused points at the call)"
                ),
            }
        }
        if (200..300).contains(&answer.status) {
            self.lock().accepted(&used);
        }
        Ok((answer, made, used))
    }

    /// Sends one request with `token` (under the retry policy for reads).
    fn send_once(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        token: &AccessToken,
        pace: &dyn Pace,
        elapsed: &mut Duration,
    ) -> Result<(HttpResponse, u32), CallError> {
        let mut made = 1;
        let base = base_for(
            path,
            self.sources.api_url().map_err(SessionError::from)?.as_ref(),
        );
        let request = api_request(&base, method, path, token, body);
        let client = self.http()?;
        pace.enter(base.host(), path);
        let started = Instant::now();
        let result = if method == "GET" || method == "HEAD" {
            let attempts = client.send_counting(&request, |notice| self.retrying(path, notice));
            made = attempts.made;
            attempts.result
        } else {
            client.send(&request)
        };
        *elapsed += started.elapsed();
        pace.leave(base.host());
        match result {
            Ok(answer) => Ok((answer, made)),
            Err(error) => Err(retried(made, CallError::Transport(error))),
        }
    }

    /// A retry about to happen, logged and told.
    pub(super) fn retrying(&self, target: &str, notice: &RetryNotice) {
        log::warn!(
            target: "goto_auth",
            "{target} {}; retrying in {:.1} s (attempt {} of {})",
            notice.cause,
            notice.wait.as_secs_f64(),
            notice.attempt + 1,
            crate::retry::MAX_ATTEMPTS
        );
        self.notices.retrying(target, notice);
    }

    /// Every secret this session knows: the credentials, the stored token, and `token`.
    pub(super) fn redactor(&self, token: &AccessToken) -> Redactor {
        redactor(&self.sources, token)
    }
}

/// Every secret a client over `sources` knows: the credentials, the stored token, and `token`.
pub(crate) fn redactor(sources: &crate::config::Sources, token: &AccessToken) -> Redactor {
    let stored = sources.file_value(crate::keys::ACCESS_TOKEN);
    let base = match sources.config() {
        Ok(config) => config.redactor(),
        Err(_) => Redactor::default(),
    };
    let redactor = base.with(token.expose_secret());
    match stored {
        Some(stored) => redactor.with(stored),
        None => redactor,
    }
}
