//! The harness: a plain HTTP client and small helpers to call a sandbox the way clients do.

use std::sync::Once;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use goto_sandbox::{Sandbox, seed};
use serde_json::Value;

/// A blocking HTTP client for loopback: no proxy (a CI proxy must not see sandbox traffic) and a
/// timeout long enough for every deliberate delay in these tests.
pub fn client() -> reqwest::blocking::Client {
    client_with_timeout(Duration::from_secs(10))
}

pub fn client_with_timeout(timeout: Duration) -> reqwest::blocking::Client {
    client_builder()
        .timeout(timeout)
        .build()
        .expect("a reqwest client builds")
}

/// A client that trusts exactly the certificates in `pem` (none when empty): for the sandbox's
/// HTTPS mode, where the outcome must not depend on this machine's CA store.
pub fn client_trusting(pem: &str) -> reqwest::blocking::Client {
    let certificates = if pem.is_empty() {
        Vec::new()
    } else {
        reqwest::Certificate::from_pem_bundle(pem.as_bytes()).expect("PEM certificates")
    };
    client_builder()
        .tls_certs_only(certificates)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a reqwest client builds")
}

fn client_builder() -> reqwest::blocking::ClientBuilder {
    static CRYPTO_PROVIDER: Once = Once::new();
    CRYPTO_PROVIDER.call_once(|| {
        // reqwest sets up TLS even when only http:// is used; another test thread may have
        // installed the same provider first, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::blocking::Client::builder().no_proxy()
}

/// What came back: status, headers (names lower case) and the whole body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn from_response(response: reqwest::blocking::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let body = response.bytes().expect("the body arrives whole").to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON, after checking that the answer says it is JSON.
    pub fn json(&self) -> Value {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "status {} body {}",
            self.status,
            String::from_utf8_lossy(&self.body)
        );
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// `Basic base64(id:secret)`, the header of the guide's `echo -n "ID:SECRET" | base64`.
pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// A form body with every value properly encoded.
pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// `POST /oauth/token` with the seeded client, a form content type and `body` as given.
pub fn post_token_body(sandbox: &Sandbox, body: &str) -> Reply {
    let response = client()
        .post(format!("{}/oauth/token", sandbox.base_url()))
        .header("authorization", basic(seed::CLIENT_ID, seed::CLIENT_SECRET))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .expect("the sandbox answers");
    Reply::from_response(response)
}

/// The guide's exchange of `pat` with the seeded client.
pub fn exchange(sandbox: &Sandbox, pat: &str) -> Reply {
    post_token_body(
        sandbox,
        &form(&[("grant_type", "personal_access_token"), ("pat", pat)]),
    )
}

/// An access token for `pat`, obtained over HTTP like a real client.
pub fn token_for(sandbox: &Sandbox, pat: &str) -> String {
    let reply = exchange(sandbox, pat);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["access_token"]
        .as_str()
        .expect("access_token is a string")
        .to_owned()
}

/// `GET path_and_query` with `Authorization: Bearer token` (no header when `token` is `None`).
pub fn get(sandbox: &Sandbox, path_and_query: &str, token: Option<&str>) -> Reply {
    let mut request = client()
        .get(format!("{}{path_and_query}", sandbox.base_url()))
        .header("accept", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    Reply::from_response(request.send().expect("the sandbox answers"))
}

/// The query string part `accountKey=…` of the seeded account.
pub fn account() -> String {
    format!("accountKey={}", seed::ACCOUNT_KEY)
}

/// A `startTime`/`endTime` (or `fromTime`/`toTime`) value, `days` from now, percent-encoded.
pub fn days_from_now(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    let instant = now.cast_signed() + days * 86_400;
    format_rfc3339(instant)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds.
pub fn format_rfc3339(unix_seconds: i64) -> String {
    let after_epoch = u64::try_from(unix_seconds).expect("a time after 1970");
    humantime::format_rfc3339_seconds(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(after_epoch),
    )
    .to_string()
}

/// Checks the GoTo Connect error envelope and returns its `errorCode`.
pub fn connect_error_code(reply: &Reply) -> String {
    let body = reply.json();
    let reference = body["reference"].as_str().expect("a reference");
    assert_eq!(reference.len(), 32, "{body}");
    assert!(reference.bytes().all(|byte| byte.is_ascii_hexdigit()));
    assert!(body["constraintViolations"].is_array(), "{body}");
    assert!(!body["message"].as_str().unwrap_or_default().is_empty());
    body["errorCode"].as_str().expect("an errorCode").to_owned()
}

/// The items of every page of a GoTo Connect list, following `nextPageMarker`.
pub fn all_pages(
    sandbox: &Sandbox,
    token: &str,
    path_and_query: &str,
    page_size: usize,
) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut marker: Option<String> = None;
    loop {
        let mut url = format!("{path_and_query}&pageSize={page_size}");
        if let Some(marker) = &marker {
            // Markers are base64url, which needs no percent-encoding.
            url.push_str(&format!("&pageMarker={marker}"));
        }
        let body = get(sandbox, &url, Some(token)).json();
        let page = body["items"].as_array().expect("items").clone();
        assert!(page.len() <= page_size, "{body}");
        pages += 1;
        items.extend(page);
        match body.get("nextPageMarker").and_then(Value::as_str) {
            Some(next) => marker = Some(next.to_owned()),
            None => return (items, pages),
        }
        assert!(pages < 100, "paging does not end");
    }
}
