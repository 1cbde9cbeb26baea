//! Shape drift: GoTo warns that "new attributes may appear at any time", and snapshot tests must
//! notice when they do. With drift on for a path prefix, successful JSON answers under it change
//! shape the two ways APIs usually drift:
//!
//! - every record gains a field `"externalId"` (a string), and
//! - a record's `"name"` field, where it has one, is renamed `"label"`.
//!
//! A record is each entry of `items`, each entry of `_embedded.webinars`, each entry of a
//! top-level array, or the whole body when it is a single object such as the SCIM user.

use serde_json::{Map, Value};

use crate::answer::Answer;

/// `answer`, changed as described above when `path` is under one of `drifting_prefixes`.
pub(crate) fn apply(drifting_prefixes: &[String], path: &str, answer: Answer) -> Answer {
    let drifting = drifting_prefixes
        .iter()
        .any(|prefix| path.starts_with(prefix.as_str()));
    if !drifting || !(200..300).contains(&answer.status) || !answer.is_json() {
        return answer;
    }
    let Ok(mut body) = serde_json::from_slice::<Value>(&answer.body) else {
        return answer;
    };
    for record in records(&mut body) {
        drift_record(record);
    }
    Answer {
        body: body.to_string().into_bytes(),
        ..answer
    }
}

fn records(body: &mut Value) -> Vec<&mut Map<String, Value>> {
    if body.get("items").is_some_and(Value::is_array) {
        return objects(&mut body["items"]);
    }
    if body
        .pointer("/_embedded/webinars")
        .is_some_and(Value::is_array)
    {
        return objects(&mut body["_embedded"]["webinars"]);
    }
    match body {
        Value::Array(_) => objects(body),
        Value::Object(record) => vec![record],
        _ => Vec::new(),
    }
}

fn objects(list: &mut Value) -> Vec<&mut Map<String, Value>> {
    list.as_array_mut()
        .map(|entries| {
            entries
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .collect()
        })
        .unwrap_or_default()
}

fn drift_record(record: &mut Map<String, Value>) {
    record.insert(
        "externalId".to_owned(),
        Value::from("sandbox-drift-external-id"),
    );
    if let Some(name) = record.remove("name") {
        record.insert("label".to_owned(), name);
    }
}
