//! The shape of a JSON answer: every value replaced by its type, array elements folded into one
//! shape, object keys sorted (and kept whole, dots included). Two accounts with the same API
//! give the same shape, and a shape holds no personal data and no secret.

use serde_json::{Map, Value};

/// The shape of `value`.
pub fn shape(value: &Value) -> Value {
    match value {
        Value::Null => Value::String("null".into()),
        Value::Bool(_) => Value::String("boolean".into()),
        Value::Number(n) if n.is_f64() => Value::String("number".into()),
        Value::Number(_) => Value::String("integer".into()),
        Value::String(_) => Value::String("string".into()),
        Value::Array(items) => match items.iter().map(shape).reduce(merge) {
            Some(element) => Value::Array(vec![element]),
            None => Value::Array(Vec::new()),
        },
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), shape(value)))
                .collect(),
        ),
    }
}

/// Folds two shapes into one that describes both: objects take the union of their keys, and
/// different types become an alternative like `"integer | string"`.
fn merge(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Object(mut left), Value::Object(right)) => {
            for (key, value) in right {
                let merged = match left.remove(&key) {
                    Some(existing) => merge(existing, value),
                    None => value,
                };
                left.insert(key, merged);
            }
            Value::Object(left)
        }
        (Value::Array(left), Value::Array(right)) => {
            match left.into_iter().chain(right).reduce(merge) {
                Some(element) => Value::Array(vec![element]),
                None => Value::Array(Vec::new()),
            }
        }
        (a, b) if a == b => a,
        (a, b) => {
            let mut names: Vec<String> = [a, b].iter().flat_map(alternatives).collect();
            names.sort();
            names.dedup();
            Value::String(names.join(" | "))
        }
    }
}

fn alternatives(shape: &Value) -> Vec<String> {
    match shape {
        Value::String(names) => names.split(" | ").map(str::to_owned).collect(),
        Value::Array(_) => vec!["array".into()],
        Value::Object(_) => vec!["object".into()],
        _ => vec![shape.to_string()],
    }
}

/// The snapshot text of one answer: the status, then the shape as sorted, indented JSON.
pub fn snapshot_text(status: u16, shape: &Value) -> String {
    let pretty =
        serde_json::to_string_pretty(&sorted(shape.clone())).expect("a shape always serialises");
    format!("status: {status}\nshape: {pretty}\n")
}

/// The shape recorded in a snapshot file's text (insta's header, then [`snapshot_text`]).
pub fn recorded_shape(snapshot_file: &str) -> Option<Value> {
    let (_, json) = snapshot_file.split_once("\nshape: ")?;
    serde_json::from_str(json.trim_end()).ok()
}

/// Fills the empty arrays of `actual` with the element shape `recorded` has at the same place.
///
/// An empty list says nothing about its elements' shape: an account with no webinars this
/// month, or no calls this week, is no change of shape. A list whose elements differ from the
/// recorded ones, or a recorded empty list that now has elements, still shows as a change.
pub fn fill_empty_arrays(actual: Value, recorded: &Value) -> Value {
    match (actual, recorded) {
        (Value::Array(items), Value::Array(recorded_items)) if items.is_empty() => {
            Value::Array(recorded_items.clone())
        }
        (Value::Array(items), Value::Array(recorded_items)) => match recorded_items.first() {
            Some(element) => Value::Array(
                items
                    .into_iter()
                    .map(|item| fill_empty_arrays(item, element))
                    .collect(),
            ),
            None => Value::Array(items),
        },
        (Value::Object(fields), Value::Object(recorded_fields)) => Value::Object(
            fields
                .into_iter()
                .map(|(key, value)| {
                    let filled = match recorded_fields.get(&key) {
                        Some(recorded) => fill_empty_arrays(value, recorded),
                        None => value,
                    };
                    (key, filled)
                })
                .collect(),
        ),
        (actual, _) => actual,
    }
}

/// serde_json keeps maps sorted unless some crate in the build turns on `preserve_order`; sorting
/// here keeps snapshots stable either way.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(fields) => {
            let mut entries: Vec<(String, Value)> = fields.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_become_types_and_elements_fold() {
        let answer = json!({
            "id": "123",
            "urn:scim:schemas:extension:getgo:1.0": {
                "accounts": [
                    {"value": "1", "display": "A", "entitlements": ["x"]},
                    {"value": "2", "entitlements": [], "extra": true}
                ]
            },
            "count": 2,
            "ratio": 0.5,
            "maybe": null,
        });
        assert_eq!(
            shape(&answer),
            json!({
                "id": "string",
                "urn:scim:schemas:extension:getgo:1.0": {
                    "accounts": [
                        {"value": "string", "display": "string", "entitlements": ["string"], "extra": "boolean"}
                    ]
                },
                "count": "integer",
                "ratio": "number",
                "maybe": "null",
            })
        );
    }

    #[test]
    fn differing_types_become_alternatives() {
        assert_eq!(
            shape(&json!([1, "a", null, 2])),
            json!(["integer | null | string"])
        );
        assert_eq!(shape(&json!([[], [1]])), json!([["integer"]]));
    }

    #[test]
    fn empty_lists_take_the_recorded_element_shape() {
        let recorded = json!({"items": [{"id": "string"}], "page": {"tags": ["string"]}});
        let filled = fill_empty_arrays(json!({"items": [], "page": {"tags": []}}), &recorded);
        assert_eq!(filled, recorded);
        let changed = fill_empty_arrays(json!({"items": [{"key": "string"}]}), &recorded);
        assert_eq!(changed, json!({"items": [{"key": "string"}]}));
        let grew = fill_empty_arrays(json!({"items": ["string"]}), &json!({"items": []}));
        assert_eq!(grew, json!({"items": ["string"]}));
    }

    #[test]
    fn recorded_shape_reads_back_what_snapshot_text_wrote() {
        let shape = json!({"a": ["integer"], "b.c": {"d": "string"}});
        let file = format!("---\nsource: x\n---\n{}", snapshot_text(200, &shape));
        assert_eq!(recorded_shape(&file), Some(shape));
    }

    #[test]
    fn snapshot_text_is_stable_and_value_free() {
        let text = snapshot_text(
            200,
            &shape(&json!({"b": "secret@example.test", "a": [{"z": 1}, {"y": "x"}]})),
        );
        assert_eq!(
            text,
            "status: 200\nshape: {\n  \"a\": [\n    {\n      \"y\": \"string\",\n      \"z\": \"integer\"\n    }\n  ],\n  \"b\": \"string\"\n}\n"
        );
    }
}
