//! `api --paginate`: follows GoTo's two paging styles and gathers every record into one array,
//! as `gh api --paginate` does for GitHub.
//!
//! GoTo Connect lists answer `{"items": […], "nextPageMarker": "…"}`; the next page is the same
//! request with `pageMarker=<marker>`, and the last page has no marker. GoToWebinar v2 lists
//! answer `{"_embedded": {"webinars": […]}, "page": {"number": N, "totalPages": T, …}}` with a
//! zero-based `number`; the next page is `page=N+1` while `N+1 < T`. The reading of pages is the
//! library's (`goto_auth::blocks::paging`, which `GoTo::get_all` follows too, with the same
//! 1,000-page cap); this module adds what only the command line needs.

use goto_auth::blocks::paging::Pager;
use serde_json::Value;

use crate::report::UsageError;

/// Follows the pages from `path` on, fetching each with `fetch` (which returns the answer's
/// JSON, or `None` for an empty body), and returns every record in order.
pub fn collect(
    path: &str,
    mut fetch: impl FnMut(&str) -> anyhow::Result<Option<Value>>,
) -> anyhow::Result<Vec<Value>> {
    let mut pager = Pager::new(path);
    while pager.take(fetch(pager.path())?)? {}
    Ok(pager.records())
}

/// `--paginate` reads lists: only GET, without a body, and on a path without a `#` fragment,
/// which would hide the page parameter added after it from the server.
pub fn check_usage(method: &str, has_body: bool, path: &str) -> Result<(), UsageError> {
    if let Some((_, fragment)) = path.split_once('#') {
        return Err(UsageError(format!(
            "--paginate cannot follow a path with a `#` fragment (`#{fragment}`): a fragment is \
             never sent, so the page parameter after it would be lost; leave it out, or write \
             `#` as %23 if it belongs to a value"
        )));
    }
    if method != "GET" || has_body {
        return Err(UsageError(format!(
            "--paginate follows the pages of a list, so it needs a GET without --data (got {method}{})",
            if has_body { " with --data" } else { "" }
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collect_gathers_in_order_and_stops_on_a_loop() {
        let pages = [
            json!({"items": [1], "nextPageMarker": "m1"}),
            json!({"items": [2], "nextPageMarker": "m2"}),
            json!({"items": [3]}),
        ];
        let mut asked = Vec::new();
        let records = collect("/l", |path| {
            asked.push(path.to_owned());
            Ok(Some(pages[asked.len() - 1].clone()))
        })
        .unwrap();
        assert_eq!(records, [json!(1), json!(2), json!(3)]);
        assert_eq!(asked, ["/l", "/l?pageMarker=m1", "/l?pageMarker=m2"]);

        let looping = collect("/l", |_| {
            Ok(Some(json!({"items": [1], "nextPageMarker": "same"})))
        });
        assert!(looping.unwrap_err().to_string().contains("already read"));
    }
}
