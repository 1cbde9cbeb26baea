//! Following GoTo's two paging styles to gather every record of a list, for `get_all` and
//! `cargo xtask api --paginate`.
//!
//! GoTo Connect lists answer `{"items": […], "nextPageMarker": "…"}`; the next page is the same
//! request with `pageMarker=<marker>`, and the last page has no marker. GoToWebinar v2 lists
//! answer `{"_embedded": {"webinars": […]}, "page": {"number": N, "totalPages": T, …}}` with a
//! zero-based `number`; the next page is `page=N+1` while `N+1 < T`. A bare JSON array is one
//! page (GoToMeeting's lists are not paged). Reading a page is a pure function, and [`Pager`]
//! holds the walk, so the blocking and the async client follow pages the same way.

use std::collections::HashSet;

use serde_json::Value;

use crate::api::percent_encode;
use crate::error::Error;

/// The most pages one list is followed for: far beyond any real list at GoTo's page sizes, and a
/// stop for a server that keeps pointing onwards with ever-new markers.
pub const MAX_PAGES: usize = 1_000;

/// Where the records continue, as one page says.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// GoTo Connect: ask again with `pageMarker=` this marker.
    Marker(String),
    /// GoToWebinar: ask again with `page=` this (zero-based) number.
    Page(u64),
    /// This was the last page.
    Done,
}

/// One page's records and where the next page is.
#[derive(Debug)]
pub struct Page {
    /// The records of this page, in order.
    pub records: Vec<Value>,
    /// Where to go next.
    pub next: Next,
}

/// Reads one answer as a page of a GoTo list. A bare array is a whole list (GoToMeeting's lists
/// are not paged). Anything else is not a list, and paging it would be a mistake to report.
pub fn parse_page(body: Value) -> Result<Page, String> {
    let mut object = match body {
        Value::Array(records) => {
            return Ok(Page {
                records,
                next: Next::Done,
            });
        }
        Value::Object(object) => object,
        other => return Err(format!("the answer is a JSON {}, not a list", kind(&other))),
    };
    if let Some(items) = object.remove("items") {
        let Value::Array(records) = items else {
            return Err(format!("`items` is a JSON {}, not an array", kind(&items)));
        };
        let next = match object.get("nextPageMarker") {
            Some(Value::String(marker)) if !marker.is_empty() => Next::Marker(marker.clone()),
            None | Some(Value::Null) => Next::Done,
            Some(Value::String(_)) => Next::Done,
            Some(other) => {
                return Err(format!(
                    "`nextPageMarker` is a JSON {}, not a string",
                    kind(other)
                ));
            }
        };
        return Ok(Page { records, next });
    }
    let has_page = object.contains_key("page");
    if !has_page && !object.contains_key("_embedded") {
        return Err(
            "the answer has neither `items` (GoTo Connect's paging) nor `_embedded` and `page` \
             (GoToWebinar's)"
                .to_owned(),
        );
    }
    // GoToWebinar leaves `_embedded` out when the list is empty.
    let records = match object.remove("_embedded") {
        None => Vec::new(),
        Some(Value::Object(embedded)) => {
            let mut arrays = embedded.into_iter().filter_map(|(_, value)| match value {
                Value::Array(records) => Some(records),
                _ => None,
            });
            match (arrays.next(), arrays.next()) {
                (Some(records), None) => records,
                (None, _) => Vec::new(),
                (Some(_), Some(_)) => {
                    return Err("`_embedded` holds more than one list".to_owned());
                }
            }
        }
        Some(other) => {
            return Err(format!(
                "`_embedded` is a JSON {}, not an object",
                kind(&other)
            ));
        }
    };
    let next = match object.get("page") {
        None => Next::Done,
        Some(page) => {
            let number = page.get("number").and_then(Value::as_u64);
            let total = page.get("totalPages").and_then(Value::as_u64);
            match (number, total) {
                (Some(number), Some(total)) if number + 1 < total => Next::Page(number + 1),
                (Some(_), Some(_)) => Next::Done,
                _ => {
                    return Err("`page` lacks a whole `number` or `totalPages`".to_owned());
                }
            }
        }
    };
    Ok(Page { records, next })
}

/// The path of the page `next` names: `path` with `pageMarker` or `page` set (replacing any value
/// the path already had), every other query parameter kept as it was.
pub fn next_path(path: &str, next: &Next) -> Option<String> {
    let (key, value) = match next {
        Next::Marker(marker) => ("pageMarker", percent_encode(marker)),
        Next::Page(number) => ("page", number.to_string()),
        Next::Done => return None,
    };
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(key))
        .collect();
    let new_pair = format!("{key}={value}");
    pairs.push(&new_pair);
    Some(format!("{base}?{}", pairs.join("&")))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `n` with its thousands separated by commas, as people write the cap.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A walk through the pages of one list: which page to ask for next, and the records so far.
#[derive(Debug)]
pub struct Pager {
    first: String,
    current: String,
    seen: HashSet<String>,
    pages: usize,
    records: Vec<Value>,
}

impl Pager {
    /// A walk that starts at `path`.
    pub fn new(path: &str) -> Pager {
        Pager {
            first: path.to_owned(),
            current: path.to_owned(),
            seen: HashSet::new(),
            pages: 0,
            records: Vec::new(),
        }
    }

    /// The path and query of the page to ask for now.
    pub fn path(&self) -> &str {
        &self.current
    }

    /// Takes the answer to [`Pager::path`] (its JSON, `None` for an empty body): `Ok(true)` when
    /// another page follows, `Ok(false)` when the list is whole.
    ///
    /// # Errors
    ///
    /// [`Error::Paging`]: the answer is no page of a list in a known style, points back to a page
    /// already read, or the list goes on past [`MAX_PAGES`]; never one page passed off as all.
    pub fn take(&mut self, body: Option<Value>) -> Result<bool, Error> {
        let stop = |reason: String| Error::Paging {
            path: self.current.clone(),
            reason,
        };
        let Some(body) = body else {
            return Err(stop(
                "it answered with an empty body, not a page of a list".to_owned(),
            ));
        };
        let page = parse_page(body).map_err(stop)?;
        self.pages += 1;
        self.records.extend(page.records);
        let Some(next) = next_path(&self.current, &page.next) else {
            return Ok(false);
        };
        if self.pages >= MAX_PAGES {
            return Err(Error::Paging {
                path: self.first.clone(),
                reason: format!(
                    "stopped after {} pages, the most followed, and it still points to a next \
                     page; ask for bigger pages (pageSize, size) or narrow the query",
                    thousands(MAX_PAGES)
                ),
            });
        }
        if !self.seen.insert(next.clone()) {
            return Err(stop(format!(
                "it points back to a page already read ({next}); stopping"
            )));
        }
        self.current = next;
        Ok(true)
    }

    /// Every record, in order.
    pub fn records(self) -> Vec<Value> {
        self.records
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn connect_pages_follow_the_marker_until_it_is_gone() {
        let page = parse_page(json!({"items": [1, 2], "nextPageMarker": "abc+/="})).unwrap();
        assert_eq!(page.records, [json!(1), json!(2)]);
        assert_eq!(page.next, Next::Marker("abc+/=".into()));
        let last = parse_page(json!({"items": [3]})).unwrap();
        assert_eq!(last.next, Next::Done);
        let empty = parse_page(json!({"items": [], "nextPageMarker": ""})).unwrap();
        assert_eq!((empty.records.len(), empty.next), (0, Next::Done));
    }

    #[test]
    fn webinar_pages_count_up_to_total_pages() {
        let body = json!({"_embedded": {"webinars": [{"k": 1}]}, "page": {"number": 0, "totalPages": 3, "size": 1}});
        let page = parse_page(body).unwrap();
        assert_eq!(page.records, [json!({"k": 1})]);
        assert_eq!(page.next, Next::Page(1));
        let last = parse_page(
            json!({"_embedded": {"webinars": []}, "page": {"number": 2, "totalPages": 3}}),
        )
        .unwrap();
        assert_eq!(last.next, Next::Done);
        // GoToWebinar leaves `_embedded` out of an empty list.
        let empty = parse_page(json!({"page": {"number": 0, "totalPages": 0}})).unwrap();
        assert_eq!((empty.records.len(), empty.next), (0, Next::Done));
    }

    #[test]
    fn bare_arrays_are_one_page() {
        let page = parse_page(json!([1, 2, 3])).unwrap();
        assert_eq!((page.records.len(), page.next), (3, Next::Done));
    }

    #[test]
    fn what_is_not_a_list_is_refused() {
        assert!(
            parse_page(json!({"id": 1}))
                .unwrap_err()
                .contains("neither")
        );
        assert!(parse_page(json!("x")).unwrap_err().contains("string"));
        assert!(parse_page(json!({"items": {}})).is_err());
        assert!(parse_page(json!({"items": [], "nextPageMarker": 5})).is_err());
        assert!(parse_page(json!({"_embedded": {"a": [], "b": []}})).is_err());
        assert!(parse_page(json!({"page": {"number": "0"}})).is_err());
    }

    #[test]
    fn next_path_sets_the_paging_parameter_and_keeps_the_rest() {
        assert_eq!(
            next_path("/a?accountKey=1&pageSize=2", &Next::Marker("x+y=".into())).unwrap(),
            "/a?accountKey=1&pageSize=2&pageMarker=x%2By%3D"
        );
        assert_eq!(
            next_path("/a?pageMarker=old&pageSize=2", &Next::Marker("new".into())).unwrap(),
            "/a?pageSize=2&pageMarker=new"
        );
        assert_eq!(
            next_path("/w?size=1&page=0&pageX=1", &Next::Page(1)).unwrap(),
            "/w?size=1&pageX=1&page=1"
        );
        assert_eq!(next_path("/w", &Next::Page(2)).unwrap(), "/w?page=2");
        assert_eq!(next_path("/w", &Next::Done), None);
    }

    #[test]
    fn a_pager_gathers_in_order_and_stops_on_a_loop_or_past_the_cap() {
        let pages = [
            json!({"items": [1], "nextPageMarker": "m1"}),
            json!({"items": [2], "nextPageMarker": "m2"}),
            json!({"items": [3]}),
        ];
        let mut pager = Pager::new("/l");
        let mut asked = Vec::new();
        loop {
            asked.push(pager.path().to_owned());
            if !pager.take(Some(pages[asked.len() - 1].clone())).unwrap() {
                break;
            }
        }
        assert_eq!(pager.records(), [json!(1), json!(2), json!(3)]);
        assert_eq!(asked, ["/l", "/l?pageMarker=m1", "/l?pageMarker=m2"]);

        let mut looping = Pager::new("/l");
        let same = json!({"items": [1], "nextPageMarker": "same"});
        assert!(looping.take(Some(same.clone())).unwrap());
        let error = looping.take(Some(same)).unwrap_err().to_string();
        assert!(error.contains("already read"), "{error}");

        let mut endless = Pager::new("/l");
        let mut pages = 0;
        let error = loop {
            pages += 1;
            let marker = json!({"items": [pages], "nextPageMarker": format!("m{pages}")});
            match endless.take(Some(marker)) {
                Ok(true) => continue,
                Ok(false) => panic!("an endless list ended"),
                Err(error) => break error.to_string(),
            }
        };
        assert_eq!(pages, MAX_PAGES);
        assert!(error.contains("stopped after 1,000 pages"), "{error}");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert!(Pager::new("/l").take(None).is_err());
    }
}
