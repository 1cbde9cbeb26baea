//! The log of every request the sandbox received.

/// One request as it arrived, before any fault or routing.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path without the query, e.g. `/oauth/token`.
    pub path: String,
    /// The raw query string after `?`, still percent-encoded; `None` when the URL had no `?`.
    pub query: Option<String>,
    /// Every header in arrival order, names in lower case (HTTP/1 names are case-insensitive and
    /// hyper normalises them); values that are not UTF-8 are decoded lossily.
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of the header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The query's parameters, form-decoded, in order.
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect()
    }

    /// The first value of the query parameter `name`; an empty value counts as absent, as it
    /// does for the Java backends behind GoTo's APIs.
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(parameter, _)| parameter == name)
            .map(|(_, value)| value)
            .filter(|value| !value.is_empty())
    }
}
