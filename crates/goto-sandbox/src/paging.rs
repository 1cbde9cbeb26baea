//! The two paging styles: GoTo Connect's `pageSize`/`pageMarker` → `nextPageMarker`, and
//! GoToWebinar's `page`/`size` → `page{size,totalElements,totalPages,number}`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::recording::RecordedRequest;

/// The largest GoTo Connect page; larger `pageSize` values are quietly clamped to it, so a client
/// that asks for more still pages correctly. 100 is the largest page seen in live answers.
pub(crate) const CONNECT_MAX_PAGE_SIZE: usize = 100;
/// The GoToWebinar default and maximum `size` (from GoTo's OpenAPI description).
pub(crate) const WEBINAR_DEFAULT_SIZE: usize = 20;
pub(crate) const WEBINAR_MAX_SIZE: usize = 200;

/// Which slice of a list a request asked for.
#[derive(Debug)]
pub(crate) struct Window {
    pub(crate) offset: usize,
    pub(crate) size: usize,
}

impl Window {
    /// The items of this window, and whether more follow it.
    pub(crate) fn apply<'a, T>(&self, items: &'a [T]) -> (&'a [T], bool) {
        let start = self.offset.min(items.len());
        let end = start.saturating_add(self.size).min(items.len());
        (&items[start..end], end < items.len())
    }

    /// The `nextPageMarker` for the page after this one.
    pub(crate) fn next_marker(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("sandbox-offset:{}", self.offset + self.size))
    }
}

/// Which GoTo Connect parameter was wrong, for a `constraintViolations` entry.
#[derive(Debug)]
pub(crate) struct BadPaging {
    pub(crate) constraint: &'static str,
    pub(crate) field: &'static str,
}

/// Reads `pageSize` (default and maximum [`CONNECT_MAX_PAGE_SIZE`]) and `pageMarker` (opaque: only
/// markers this sandbox handed out are accepted).
pub(crate) fn connect_window(request: &RecordedRequest) -> Result<Window, BadPaging> {
    let size = match request.query_param("pageSize") {
        None => CONNECT_MAX_PAGE_SIZE,
        Some(text) => match text.parse::<usize>() {
            Ok(size) if size >= 1 => size.min(CONNECT_MAX_PAGE_SIZE),
            _ => {
                return Err(BadPaging {
                    constraint: "Min",
                    field: "pageSize",
                });
            }
        },
    };
    let offset = match request.query_param("pageMarker") {
        None => 0,
        Some(marker) => decode_marker(&marker).ok_or(BadPaging {
            constraint: "InvalidPageMarker",
            field: "pageMarker",
        })?,
    };
    Ok(Window { offset, size })
}

fn decode_marker(marker: &str) -> Option<usize> {
    let decoded = URL_SAFE_NO_PAD.decode(marker).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.strip_prefix("sandbox-offset:")?.parse().ok()
}

/// Reads GoToWebinar's zero-based `page` and `size`; the error is a message for the 400 body.
pub(crate) fn webinar_window(request: &RecordedRequest) -> Result<Window, String> {
    let page = match request.query_param("page") {
        None => 0,
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| format!("page must be a non-negative integer, got '{text}'"))?,
    };
    let size = match request.query_param("size") {
        None => WEBINAR_DEFAULT_SIZE,
        Some(text) => match text.parse::<usize>() {
            Ok(size) if (1..=WEBINAR_MAX_SIZE).contains(&size) => size,
            _ => {
                return Err(format!(
                    "size must be between 1 and {WEBINAR_MAX_SIZE}, got '{text}'"
                ));
            }
        },
    };
    Ok(Window {
        offset: page.saturating_mul(size),
        size,
    })
}
