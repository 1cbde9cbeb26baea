//! One page of a GoTo list, read as a pure function: GoTo Connect's `items` and
//! `nextPageMarker`, GoToWebinar v2's `_embedded` and `page`, a bare array as a whole list; and
//! the path of the next page. No server is needed to test them, and nothing here is the
//! xtask's own: the library's `get_all` follows the same rules and the same [`MAX_PAGES`].

use goto_auth::percent_encode;
use serde_json::Value;

/// The most pages one paged read follows, here and in the library's `get_all`: 100,000 records
/// at GoTo Connect's largest page size (100), far beyond any real account's list, and a stop for
/// a server that keeps pointing to a new page. Past it the read fails (exit 1) rather than
/// follow for ever or return part of the list as all of it.
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
}
