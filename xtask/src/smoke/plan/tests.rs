//! The catalog's checks, on the built-in catalog and on broken ones; selection; pointers.

use serde_json::json;

use super::*;
use crate::smoke::catalog::{ACCOUNT_ADMIN, CALLS, Scopes, USERS_ME, take};

const fn call(
    name: &'static str,
    path: &'static str,
    takes: &'static [crate::smoke::catalog::Take],
) -> Call {
    Call {
        name,
        path,
        takes,
        scopes: Scopes::Any(&[]),
        role: None,
        about: "",
    }
}

#[test]
fn the_built_in_catalog_passes_its_checks() {
    assert_eq!(check(CALLS), Ok(()));
}

/// The worked example of the README's "Adding a smoke call", as it is printed there.
#[test]
fn the_readmes_worked_example_passes_its_checks() {
    const CALL_REPORT: Call = Call {
        name: "call_report",
        path: "/call-events-report/v1/reports/{conversation_space_id}",
        takes: &[take(
            "{conversation_space_id}",
            "report_summaries",
            "/items/0/conversationSpaceId",
        )],
        scopes: Scopes::Any(&["cr.v1.read", "call-events-report.v1.read"]),
        role: None,
        about: "Call reports: the first call's detail",
    };
    let mut calls = CALLS.to_vec();
    calls.push(CALL_REPORT);
    assert_eq!(check(&calls), Ok(()));
    let only = ["call_report".to_owned()];
    let names: Vec<&str> = select(&calls, &only).iter().map(|c| c.name).collect();
    assert_eq!(names, [USERS_ME, "report_summaries", "call_report"]);
}

#[test]
fn an_unknown_call_name_is_refused_naming_it_and_the_calls() {
    static CALLS: &[Call] = &[
        call("webinars", "/G2W/x", &[]),
        call(
            "registrants",
            "/G2W/{key}/registrants",
            &[take("{key}", "webinar", "/0/webinarKey")],
        ),
    ];
    let error = check(CALLS).unwrap_err();
    assert_eq!(
        error.to_string(),
        "smoke call `registrants` takes {key} from `webinar`, but there is no call named \
         `webinar`; the calls are: webinars, registrants"
    );
}

#[test]
fn a_cycle_is_refused_naming_its_calls() {
    static CALLS: &[Call] = &[
        call("a", "/a/{b}", &[take("{b}", "b", "/id")]),
        call("b", "/b/{c}", &[take("{c}", "c", "/id")]),
        call("c", "/c/{a}", &[take("{a}", "a", "/id")]),
    ];
    assert_eq!(
        check(CALLS).unwrap_err().to_string(),
        "smoke calls take values from each other in a cycle (a → b → c → a), so none could start"
    );
    static ITSELF: &[Call] = &[call("me", "/me/{me}", &[take("{me}", "me", "/id")])];
    assert_eq!(
        check(ITSELF),
        Err(CatalogError::Cycle("me → me".to_owned()))
    );
}

#[test]
fn a_role_waiting_on_a_call_that_waits_on_it_is_a_cycle() {
    static CALLS: &[Call] = &[
        call("users_me", "/me/{x}", &[take("{x}", "admin", "/key")]),
        Call {
            role: Some(ACCOUNT_ADMIN),
            ..call("admin", "/admin", &[])
        },
    ];
    assert!(matches!(check(CALLS), Err(CatalogError::Cycle(_))));
}

#[test]
fn placeholders_takes_names_and_scopes_are_checked() {
    static UNFILLED: &[Call] = &[call("a", "/a/{id}?from={from}", &[])];
    assert_eq!(
        check(UNFILLED),
        Err(CatalogError::Unfilled {
            call: "a",
            placeholder: "{id}".to_owned()
        })
    );
    static UNUSED: &[Call] = &[
        call("a", "/a", &[]),
        call("b", "/b", &[take("{id}", "a", "/id")]),
    ];
    assert!(matches!(check(UNUSED), Err(CatalogError::BadTake { .. })));
    static NOT_A_POINTER: &[Call] = &[
        call("a", "/a", &[]),
        call("b", "/b/{id}", &[take("{id}", "a", "id")]),
    ];
    assert!(
        check(NOT_A_POINTER)
            .unwrap_err()
            .to_string()
            .contains("a JSON pointer starts with `/`")
    );
    static TWICE: &[Call] = &[call("a", "/a", &[]), call("a", "/b", &[])];
    assert_eq!(check(TWICE), Err(CatalogError::Duplicate("a")));
    static UNKNOWN_PATH: &[Call] = &[Call {
        scopes: Scopes::Table,
        ..call("queues", "/call-queues/v1/queues", &[])
    }];
    assert_eq!(
        check(UNKNOWN_PATH),
        Err(CatalogError::UnknownScopes("queues"))
    );
}

#[test]
fn only_adds_the_calls_its_values_come_from() {
    let names = |only: &[&str]| -> Vec<&str> {
        let only: Vec<String> = only.iter().map(|s| (*s).to_owned()).collect();
        select(CALLS, &only).iter().map(|c| c.name).collect()
    };
    assert_eq!(
        names(&["webinar_registrants"]),
        [USERS_ME, "webinars", "webinar_registrants"]
    );
    assert_eq!(names(&["meeting"]), ["upcoming_meetings", "meeting"]);
    assert_eq!(names(&["admin_me"]), [USERS_ME, "admin_me"]);
    assert_eq!(names(&["users_lines"]), ["users_lines"]);
    assert_eq!(names(&[]).len(), CALLS.len());
}

#[test]
fn pointers_find_text_empty_lists_and_nothing() {
    let webinars = json!({ "_embedded": { "webinars": [{ "webinarKey": "52", "n": 7 }] } });
    assert_eq!(
        find_value(&webinars, "/_embedded/webinars/0/webinarKey"),
        Found::Text("52".into())
    );
    assert_eq!(
        find_value(&webinars, "/_embedded/webinars/0/n"),
        Found::Text("7".into())
    );
    assert_eq!(
        find_value(&webinars, "/_embedded/webinars/0/webinarkey"),
        Found::Nothing
    );
    assert_eq!(
        find_value(&webinars, "/_embedded/webinars/1/webinarKey"),
        Found::Nothing
    );
    assert_eq!(find_value(&webinars, "/_embedded"), Found::NotText);
    let empty = json!({ "_embedded": { "webinars": [] } });
    assert_eq!(
        find_value(&empty, "/_embedded/webinars/0/webinarKey"),
        Found::EmptyList {
            at: "/_embedded/webinars".into()
        }
    );
    assert_eq!(
        find_value(&json!([]), "/0/meetingId"),
        Found::EmptyList { at: String::new() }
    );
    let scim = json!({ "urn:scim:schemas:extension:getgo:1.0": { "accounts": [{ "value": "6" }] }, "a/b": "slash" });
    assert_eq!(
        find_value(
            &scim,
            "/urn:scim:schemas:extension:getgo:1.0/accounts/0/value"
        ),
        Found::Text("6".into())
    );
    assert_eq!(find_value(&scim, "/a~1b"), Found::Text("slash".into()));
}
