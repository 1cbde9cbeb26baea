//! Configuration: the env file's entries and the process environment, merged by the contract's
//! rules and validated before anything is sent.

use std::path::{Path, PathBuf};

use crate::error::{ConfigError, UrlError};
use crate::keys;
use crate::redact::Redactor;
use crate::secret::{ClientSecret, PersonalAccessToken};
use crate::url::{BaseUrl, DEFAULT_AUTH_URL};

/// Where a user-supplied value came from, so `status` can say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The env file.
    File,
    /// The process environment, which overrides the file.
    Environment,
}

/// Everything the env file and the environment say, before validation.
///
/// The process environment is captured for the user's keys only and handed in by the caller:
/// this crate never reads the environment itself.
pub struct Sources {
    path: PathBuf,
    file: Vec<(String, String)>,
    environment: Vec<(&'static str, String)>,
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets: show which keys are present, never what they hold.
        let file_keys: Vec<&str> = self.file.iter().map(|(k, _)| k.as_str()).collect();
        let environment_keys: Vec<&str> = self.environment.iter().map(|(k, _)| *k).collect();
        f.debug_struct("Sources")
            .field("path", &self.path)
            .field("file_keys", &file_keys)
            .field("environment_keys", &environment_keys)
            .finish()
    }
}

impl Sources {
    /// Merges the env file's entries (as [`crate::dotenv::read_file`] returns them) with the
    /// process environment, looked up through `env` for the user's keys alone.
    pub fn new(
        path: &Path,
        file: Vec<(String, String)>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Sources {
        let environment = keys::USER_KEYS
            .iter()
            .filter_map(|&key| env(key).map(|value| (key, value)))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        Sources {
            path: path.to_owned(),
            file,
            environment,
        }
    }

    /// The env file these sources were read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A user key's value and where it came from; the environment wins over the file, and an
    /// empty value counts as unset.
    pub fn user_value(&self, key: &str) -> Option<(&str, Origin)> {
        if let Some((_, value)) = self.environment.iter().find(|(k, _)| *k == key) {
            return Some((value, Origin::Environment));
        }
        self.file_value(key).map(|value| (value, Origin::File))
    }

    /// A key's value in the file alone (its first occurrence, as dotenvy loads it).
    pub fn file_value(&self, key: &str) -> Option<&str> {
        self.file
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The access token these sources were given (the env file's, or the environment's under
    /// `from_env`), with its expiry when one is given (else it is taken to be good for an hour:
    /// a call will say if it is not).
    pub fn given_token(&self) -> Option<crate::token::Token> {
        let access_token = self.file_value(keys::ACCESS_TOKEN)?;
        let expires_at = self
            .file_value(keys::ACCESS_TOKEN_EXPIRES_AT)
            .and_then(crate::token::parse_instant)
            .unwrap_or_else(|| std::time::SystemTime::now() + std::time::Duration::from_secs(3600));
        Some(crate::token::Token {
            access_token: crate::secret::AccessToken::new(access_token),
            expires_at,
            scopes: crate::token::Scopes::parse(
                self.file_value(keys::TOKEN_SCOPE).unwrap_or_default(),
            ),
            principal: self
                .file_value(keys::TOKEN_PRINCIPAL)
                .unwrap_or_default()
                .to_owned(),
        })
    }

    fn required(&self, key: &'static str) -> Result<&str, ConfigError> {
        self.user_value(key)
            .map(|(value, _)| value)
            .ok_or_else(|| ConfigError::MissingKey {
                key,
                env_file: self.path.clone(),
            })
    }

    /// The token host: `GOTO_AUTH_URL` or GoTo's default.
    ///
    /// GoTo's guide writes the endpoint in full (`https://authentication.logmeininc.com/oauth/token`),
    /// so a URL ending in `/oauth/token` names the same host as one without the path. Any other
    /// path is refused: the tool always posts to `/oauth/token` on the host, and a path would
    /// otherwise be doubled or sent somewhere the user did not mean.
    ///
    /// # Errors
    ///
    /// The URL is not https (or http to loopback), is GoTo's decommissioned token host, or has
    /// a path other than `/oauth/token`.
    pub fn auth_url(&self) -> Result<BaseUrl, UrlError> {
        let text = self
            .user_value(keys::AUTH_URL)
            .map_or(DEFAULT_AUTH_URL, |(value, _)| value);
        let url = BaseUrl::parse(keys::AUTH_URL, text)?;
        if url.host().eq_ignore_ascii_case("api.getgo.com") {
            return Err(UrlError::DeprecatedAuthHost {
                key: keys::AUTH_URL,
            });
        }
        match url.path() {
            "" => Ok(url),
            "/oauth/token" => Ok(url.without_path()),
            path => Err(UrlError::TokenHostPath {
                key: keys::AUTH_URL,
                path: path.to_owned(),
            }),
        }
    }

    /// `GOTO_API_URL`, when set.
    ///
    /// # Errors
    ///
    /// The URL is not https (or http to loopback).
    pub fn api_url(&self) -> Result<Option<BaseUrl>, UrlError> {
        self.user_value(keys::API_URL)
            .map(|(text, _)| BaseUrl::parse(keys::API_URL, text))
            .transpose()
    }

    /// The validated configuration for the token exchange.
    ///
    /// # Errors
    ///
    /// A required key is missing, or a URL is unusable. Keys are checked in the order a new
    /// user fills them in, so the first message names the first gap.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let client_id = self.required(keys::CLIENT_ID)?.to_owned();
        let client_secret = ClientSecret::new(self.required(keys::CLIENT_SECRET)?);
        let pat = PersonalAccessToken::new(self.required(keys::PAT)?);
        let auth_url = self.auth_url()?;
        Ok(Config {
            client_id,
            client_secret,
            pat,
            auth_url,
        })
    }
}

/// What the token exchange needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The OAuth client id. Not a secret, but shown masked all the same.
    pub client_id: String,
    /// The OAuth client secret.
    pub client_secret: ClientSecret,
    /// The Personal Access Token.
    pub pat: PersonalAccessToken,
    /// The token host.
    pub auth_url: BaseUrl,
}

impl Config {
    /// The token endpoint: `{GOTO_AUTH_URL}/oauth/token` (the host has no path; see
    /// [`Sources::auth_url`]).
    pub fn token_url(&self) -> String {
        self.auth_url.join("/oauth/token")
    }

    /// The `Authorization: Basic` credential of the exchange: the base64 of the raw
    /// `client_id:client_secret` pair, as the guide's `echo -n "CLIENT_ID:CLIENT_SECRET" | base64`
    /// makes it. It is as secret as the client secret it carries.
    pub(crate) fn basic_credential(&self) -> String {
        use base64::Engine as _;
        let pair = format!("{}:{}", self.client_id, self.client_secret.expose_secret());
        base64::engine::general_purpose::STANDARD.encode(pair)
    }

    /// A redactor for the credentials this configuration sends, in every form it sends them
    /// (the Basic credential included), for every message built from a server's answer to them.
    pub fn redactor(&self) -> Redactor {
        Redactor::new([
            self.client_secret.expose_secret(),
            self.pat.expose_secret(),
            &self.basic_credential(),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(file: &[(&str, &str)], env: &[(&str, &str)]) -> Sources {
        let file = file
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Sources::new(Path::new(".env"), file, move |key| {
            env.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn environment_overrides_user_keys_but_not_token_keys() {
        let sources = sources(
            &[
                ("GOTO_PAT", "from-file"),
                ("GOTO_ACCESS_TOKEN", "file-token"),
            ],
            &[("GOTO_PAT", "from-env"), ("GOTO_ACCESS_TOKEN", "env-token")],
        );
        assert_eq!(
            sources.user_value("GOTO_PAT"),
            Some(("from-env", Origin::Environment))
        );
        assert_eq!(sources.file_value("GOTO_ACCESS_TOKEN"), Some("file-token"));
    }

    #[test]
    fn missing_key_names_the_key_and_where_it_comes_from() {
        let error = sources(
            &[("GOTO_CLIENT_ID", "id"), ("GOTO_CLIENT_SECRET", "s")],
            &[],
        )
        .config()
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("GOTO_PAT is not set in .env"),
            "{message}"
        );
        assert!(message.contains("myaccount.goto.com"), "{message}");
    }

    #[test]
    fn old_token_host_is_explained() {
        let error = sources(&[("GOTO_AUTH_URL", "https://api.getgo.com/oauth/v2")], &[])
            .auth_url()
            .unwrap_err();
        assert!(error.to_string().contains("authentication.logmeininc.com"));
    }

    #[test]
    fn plain_http_is_refused_off_loopback() {
        let error = sources(&[("GOTO_AUTH_URL", "http://auth.example.com")], &[])
            .auth_url()
            .unwrap_err();
        assert!(matches!(error, UrlError::PlainHttp { .. }), "{error}");
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(
                sources(&[("GOTO_AUTH_URL", ok)], &[]).auth_url().is_ok(),
                "{ok}"
            );
        }
    }

    #[test]
    fn token_url_follows_the_guide() {
        let config = |url: &str| Config {
            client_id: "id".into(),
            client_secret: ClientSecret::new("s"),
            pat: PersonalAccessToken::new("p"),
            auth_url: BaseUrl::parse("GOTO_AUTH_URL", url).unwrap(),
        };
        assert_eq!(
            config(DEFAULT_AUTH_URL).token_url(),
            "https://authentication.logmeininc.com/oauth/token"
        );
        assert_eq!(
            config("http://127.0.0.1:9/").token_url(),
            "http://127.0.0.1:9/oauth/token"
        );
    }

    #[test]
    fn ok_the_guides_endpoint_url_is_the_same_host() {
        for text in [
            "https://authentication.logmeininc.com/oauth/token",
            "https://authentication.logmeininc.com/oauth/token/",
            "https://authentication.logmeininc.com/",
        ] {
            let url = sources(&[("GOTO_AUTH_URL", text)], &[]).auth_url().unwrap();
            assert_eq!(url.as_str(), DEFAULT_AUTH_URL, "{text}");
        }
    }

    #[test]
    fn err_any_other_path_is_refused_as_the_token_host() {
        for (text, path) in [
            ("https://authentication.logmeininc.com/oauth", "/oauth"),
            (
                "https://authentication.logmeininc.com/oauth/v2",
                "/oauth/v2",
            ),
            ("http://127.0.0.1:9/oauth/token/x", "/oauth/token/x"),
            ("https://proxy.example.com/goto", "/goto"),
        ] {
            let error = sources(&[("GOTO_AUTH_URL", text)], &[])
                .auth_url()
                .unwrap_err();
            assert!(
                matches!(&error, UrlError::TokenHostPath { path: p, .. } if p == path),
                "{text}: {error:?}"
            );
            assert!(error.to_string().contains("is the token host"), "{error}");
        }
    }
}
