//! What must hold of a catalog before any call is sent, and which calls a run needs: the checks
//! that refuse an unknown call name, a cycle or a placeholder nothing fills, the selection that
//! adds to `--only` the calls it takes values from, and the reading of a value by JSON pointer.

use serde_json::Value;

use super::catalog::Call;

/// The placeholders the runner fills itself: the date windows of the webinar and report calls.
pub const WINDOWS: [&str; 4] = ["{start}", "{end}", "{from}", "{to}"];

/// Why a catalog cannot run. Each message names the entry and says what to change.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogError {
    /// Two entries share a name.
    #[error("two smoke calls are named `{0}`; give each its own name")]
    Duplicate(&'static str),
    /// A value is taken from a call that does not exist.
    #[error(
        "smoke call `{call}` takes {placeholder} from `{from}`, but there is no call named \
         `{from}`; the calls are: {names}"
    )]
    UnknownCall {
        /// The entry.
        call: &'static str,
        /// Its placeholder.
        placeholder: &'static str,
        /// The missing name.
        from: &'static str,
        /// Every name, to pick from.
        names: String,
    },
    /// Calls wait for each other in a circle, so none of them could start.
    #[error("smoke calls take values from each other in a cycle ({0}), so none could start")]
    Cycle(String),
    /// A placeholder of the path that nothing fills.
    #[error(
        "smoke call `{call}` has {placeholder} in its path but takes no value for it; add a \
         take(\"{placeholder}\", CALL, POINTER)"
    )]
    Unfilled {
        /// The entry.
        call: &'static str,
        /// The placeholder.
        placeholder: String,
    },
    /// A take whose placeholder is not in the path, or whose pointer is not a JSON pointer.
    #[error("smoke call `{call}` takes {placeholder} at `{pointer}`: {problem}")]
    BadTake {
        /// The entry.
        call: &'static str,
        /// The placeholder.
        placeholder: &'static str,
        /// The pointer.
        pointer: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The entry leaves its scopes to a table that does not know its path.
    #[error(
        "smoke call `{0}` leaves its scopes to the scope table, which does not know its path; \
         give them with Scopes::Any(&[\"scope\", …]) (Scopes::Any(&[]) when any token will do)"
    )]
    UnknownScopes(&'static str),
}

/// Refuses a catalog whose calls could not all run: a duplicate or unknown name, a cycle, a
/// placeholder nothing fills, a take its path does not use, or scopes nobody knows.
pub fn check(calls: &[Call]) -> Result<(), CatalogError> {
    let names = || calls.iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
    for (index, call) in calls.iter().enumerate() {
        if calls[..index]
            .iter()
            .any(|earlier| earlier.name == call.name)
        {
            return Err(CatalogError::Duplicate(call.name));
        }
        if call.scopes == super::catalog::Scopes::Table && !goto_apis::is_listed(call.path) {
            return Err(CatalogError::UnknownScopes(call.name));
        }
        for take in call.takes {
            let problem = if !call.path.contains(take.placeholder) {
                Some("its path has no such placeholder")
            } else if !take.pointer.starts_with('/') {
                Some("a JSON pointer starts with `/`")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(CatalogError::BadTake {
                    call: call.name,
                    placeholder: take.placeholder,
                    pointer: take.pointer,
                    problem,
                });
            }
            if !calls.iter().any(|source| source.name == take.from) {
                return Err(CatalogError::UnknownCall {
                    call: call.name,
                    placeholder: take.placeholder,
                    from: take.from,
                    names: names(),
                });
            }
        }
        for placeholder in placeholders(call.path) {
            let filled = WINDOWS.contains(&placeholder.as_str())
                || call
                    .takes
                    .iter()
                    .any(|take| take.placeholder == placeholder);
            if !filled {
                return Err(CatalogError::Unfilled {
                    call: call.name,
                    placeholder,
                });
            }
        }
    }
    for call in calls {
        if let Some(cycle) = cycle_from(calls, call, &mut vec![call.name]) {
            return Err(CatalogError::Cycle(cycle.join(" → ")));
        }
    }
    Ok(())
}

/// The `{name}` placeholders of `path`, braces included.
fn placeholders(path: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        found.push(rest[open..=open + close].to_owned());
        rest = &rest[open + close + 1..];
    }
    found
}

/// The first cycle through `call`'s sources, as the names along it, `trail` being the way here.
fn cycle_from(
    calls: &[Call],
    call: &Call,
    trail: &mut Vec<&'static str>,
) -> Option<Vec<&'static str>> {
    for source in call.sources() {
        if let Some(at) = trail.iter().position(|name| *name == source) {
            let mut cycle = trail[at..].to_vec();
            cycle.push(source);
            return Some(cycle);
        }
        if let Some(next) = calls.iter().find(|c| c.name == source) {
            trail.push(source);
            let found = cycle_from(calls, next, trail);
            trail.pop();
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The calls a run with `--only` naming `only` sends, in catalog order: the named ones and every
/// call they take values from, transitively (those are reported too). No `only` means every call.
pub fn select<'c>(calls: &'c [Call], only: &[String]) -> Vec<&'c Call> {
    let mut wanted: Vec<&str> = if only.is_empty() {
        calls.iter().map(|call| call.name).collect()
    } else {
        only.iter().map(String::as_str).collect()
    };
    let mut index = 0;
    while let Some(name) = wanted.get(index).copied() {
        if let Some(call) = calls.iter().find(|call| call.name == name) {
            for source in call.sources() {
                if !wanted.contains(&source) {
                    wanted.push(source);
                }
            }
        }
        index += 1;
    }
    calls
        .iter()
        .filter(|call| wanted.contains(&call.name))
        .collect()
}

/// What a JSON pointer finds in an answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A string, or a number in its decimal form.
    Text(String),
    /// An array on the way is empty: there is nothing to take, and nothing is wrong. `at` is
    /// the pointer to that array (empty for the answer itself).
    EmptyList {
        /// Where the empty array is.
        at: String,
    },
    /// Nothing there, in an answer that is not empty: the pointer or the answer is wrong.
    Nothing,
    /// Something that is neither a string nor a number.
    NotText,
}

/// The value at `pointer` (RFC 6901) in `answer`.
pub fn find_value(answer: &Value, pointer: &str) -> Found {
    let mut current = answer;
    let mut walked = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match current {
            Value::Array(items) if items.is_empty() => {
                return Found::EmptyList { at: walked };
            }
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            Value::Object(fields) => fields.get(&token),
            _ => None,
        };
        let Some(next) = next else {
            return Found::Nothing;
        };
        walked.push('/');
        walked.push_str(&token.replace('~', "~0").replace('/', "~1"));
        current = next;
    }
    match current {
        Value::String(text) => Found::Text(text.clone()),
        Value::Number(number) => Found::Text(number.to_string()),
        _ => Found::NotText,
    }
}

#[cfg(test)]
mod tests;
