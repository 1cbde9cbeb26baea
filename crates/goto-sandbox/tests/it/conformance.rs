//! Conformance with GoTo's published API descriptions: for each route such a description covers,
//! this file states, in the project's own words, the fields GoTo's description requires and their
//! types, and checks the sandbox's live answers over HTTP against that statement.
//!
//! The statement is written here rather than read from the descriptions so the repository stands
//! alone; it was transcribed from these published OpenAPI descriptions:
//!
//! - SCIM identity v1, `GET /identity/v1/Users/me` → schema `User` (with `UserMetadata` and
//!   `UserFullName`).
//! - GoToWebinar REST v2 (2.0.0), `GET /G2W/rest/v2/organizers/{organizerKey}/webinars` →
//!   `ReportingWebinarsResponse` (`ReportingWebinars`, `Webinar`, `DateTimeRange`, `page`).
//! - GoToMeeting REST v1 (1.0.0), `GET /G2M/rest/upcomingMeetings` → an array of
//!   `UpcomingMeeting` (`MeetingType`, `MeetingStatus`).
//! - GoToWebinar REST v2 (2.0.0),
//!   `GET /G2W/rest/v2/organizers/{organizerKey}/webinars/{webinarKey}/registrants` → an array
//!   of `Registrant`.
//! - GoToMeeting REST v1 (1.0.0), `GET /G2M/rest/meetings/{meetingId}` → an array of
//!   `MeetingById` (`MeetingType`, `MeetingStatus`).
//!
//! Where a description contradicts itself, the statement follows what GoTo most likely sends,
//! and says why at the field (the crate's README lists the same differences).
//!
//! An object marked `closed` may hold no field the description does not define: GoToMeeting's
//! upcoming meetings once carried fields of other records, which a generated client rejects or
//! silently misreads. SCIM's user is open, because real answers carry the SCIM core fields and
//! GoTo's extensions that the description leaves out.

use goto_sandbox::{Sandbox, seed};
use serde_json::Value;

use crate::support::{days_from_now, get, token_for};

/// A JSON type as the descriptions use them.
enum Type {
    String,
    /// `type: string, format: date-time`: an RFC 3339 instant with `T` and an offset.
    DateTime,
    Integer,
    Boolean,
    /// A string limited to these values (an `enum`, or values the description lists in prose).
    OneOf(&'static [&'static str]),
    Array(&'static Type),
    Object(&'static Object),
}

struct Object {
    fields: &'static [Field],
    /// Whether fields the description does not define are refused.
    closed: bool,
}

/// A field the description requires. Every field the three descriptions define for these
/// records is also required (bar the contradictions noted at `WEBINAR`), so there is no optional
/// kind to state.
struct Field {
    name: &'static str,
    ty: Type,
}

const fn required(name: &'static str, ty: Type) -> Field {
    Field { name, ty }
}

// SCIM identity v1: `User`. Every property it defines is required.
static SCIM_USER: Object = Object {
    fields: &[
        required("id", Type::String),
        required("userName", Type::String),
        required("displayName", Type::String),
        required("locale", Type::String),
        required("timezone", Type::String),
        required("name", Type::Object(&SCIM_FULL_NAME)),
        required("meta", Type::Object(&SCIM_META)),
    ],
    closed: false,
};

static SCIM_FULL_NAME: Object = Object {
    fields: &[
        required("familyName", Type::String),
        required("givenName", Type::String),
    ],
    closed: false,
};

static SCIM_META: Object = Object {
    fields: &[
        required("created", Type::DateTime),
        required("location", Type::String),
    ],
    closed: false,
};

// GoToWebinar v2: `ReportingWebinarsResponse`.
static WEBINARS_RESPONSE: Object = Object {
    fields: &[
        required("_embedded", Type::Object(&WEBINARS_EMBEDDED)),
        required("page", Type::Object(&WEBINAR_PAGE)),
    ],
    closed: true,
};

static WEBINARS_EMBEDDED: Object = Object {
    fields: &[required("webinars", Type::Array(&Type::Object(&WEBINAR)))],
    closed: true,
};

static WEBINAR_PAGE: Object = Object {
    fields: &[
        required("size", Type::Integer),
        required("totalElements", Type::Integer),
        required("totalPages", Type::Integer),
        required("number", Type::Integer),
    ],
    closed: true,
};

// GoToWebinar v2: `Webinar`. The description requires `webinarId` and `status` but defines
// `webinarID` and no `status` at all. Every other webinar record of v2, and every one of v1,
// names the field `webinarID`, so that is what GoTo sends; `status` has neither a type nor
// values, so nothing can be sent for it that a client could rely on, and it is left out.
static WEBINAR: Object = Object {
    fields: &[
        required("webinarKey", Type::String),
        required("webinarID", Type::String),
        required("organizerKey", Type::String),
        required("accountKey", Type::String),
        required("subject", Type::String),
        required("description", Type::String),
        required("times", Type::Array(&Type::Object(&DATE_TIME_RANGE))),
        required("timeZone", Type::String),
        required(
            "locale",
            Type::OneOf(&["en_US", "de_DE", "es_ES", "fr_FR", "it_IT", "zh_CN"]),
        ),
        required("approvalType", Type::OneOf(&["AUTOMATIC", "MANUAL"])),
        required("registrationUrl", Type::String),
        required("impromptu", Type::Boolean),
        required("isPasswordProtected", Type::Boolean),
        required(
            "recurrenceType",
            Type::OneOf(&["single_session", "series", "sequence"]),
        ),
        required(
            "experienceType",
            Type::OneOf(&["classic", "broadcast", "simulive"]),
        ),
    ],
    closed: true,
};

static DATE_TIME_RANGE: Object = Object {
    fields: &[
        required("startTime", Type::DateTime),
        required("endTime", Type::DateTime),
    ],
    closed: true,
};

// GoToMeeting v1: `UpcomingMeeting`. Every property it defines is required.
static UPCOMING_MEETING: Object = Object {
    fields: &[
        required("meetingId", Type::String),
        required("organizerKey", Type::String),
        required("accountKey", Type::String),
        required("email", Type::String),
        required("firstName", Type::String),
        required("lastName", Type::String),
        required("locale", Type::String),
        required("subject", Type::String),
        required("startTime", Type::DateTime),
        required("endTime", Type::DateTime),
        required(
            "meetingType",
            Type::OneOf(&["immediate", "recurring", "scheduled"]),
        ),
        required("status", Type::OneOf(&["ACTIVE", "INACTIVE"])),
        required("passwordRequired", Type::Boolean),
        required("conferenceCallInfo", Type::String),
    ],
    closed: true,
};

static UPCOMING_MEETINGS: Type = Type::Array(&Type::Object(&UPCOMING_MEETING));

// GoToWebinar v2: `Registrant`. Every property it defines is required.
static REGISTRANT: Object = Object {
    fields: &[
        required("lastName", Type::String),
        required("email", Type::String),
        required("firstName", Type::String),
        required("registrantKey", Type::Integer),
        required("registrationDate", Type::DateTime),
        required("status", Type::OneOf(&["APPROVED", "DENIED", "WAITING"])),
        required("joinUrl", Type::String),
        required("timeZone", Type::String),
    ],
    closed: true,
};

static REGISTRANTS: Type = Type::Array(&Type::Object(&REGISTRANT));

// GoToMeeting v1: `MeetingById`, which the description answers as an array. Every property it
// requires is here; the one optional property, `coorganizerKeys`, is not sent. `createTime` is
// declared a date-time but described as "DEPRECATED. Returns an empty string", so it is stated
// as the string it is said to be. Unlike upcoming meetings, the ids are integers.
static MEETING_BY_ID: Object = Object {
    fields: &[
        required("createTime", Type::String),
        required("passwordRequired", Type::Boolean),
        required("status", Type::OneOf(&["ACTIVE", "INACTIVE"])),
        required("subject", Type::String),
        required("endTime", Type::DateTime),
        required("conferenceCallInfo", Type::String),
        required("startTime", Type::DateTime),
        required("duration", Type::Integer),
        required("maxParticipants", Type::Integer),
        required("meetingId", Type::Integer),
        required("meetingKey", Type::Integer),
        required(
            "meetingType",
            Type::OneOf(&["immediate", "recurring", "scheduled"]),
        ),
        required("uniqueMeetingId", Type::Integer),
    ],
    closed: true,
};

static MEETINGS_BY_ID: Type = Type::Array(&Type::Object(&MEETING_BY_ID));

/// A route a published description covers, and what its answer must be.
struct Covered {
    /// The path and query asked, relative to the sandbox.
    request: fn() -> String,
    /// The description's name for the answer, for messages.
    schema_name: &'static str,
    schema: &'static Type,
    /// Where the records are, for the non-emptiness check: a JSON pointer to an array.
    records: &'static str,
}

fn covered() -> Vec<Covered> {
    static SCIM: Type = Type::Object(&SCIM_USER);
    static WEBINARS: Type = Type::Object(&WEBINARS_RESPONSE);
    vec![
        Covered {
            request: || "/identity/v1/Users/me".to_owned(),
            schema_name: "SCIM v1 User",
            schema: &SCIM,
            records: "",
        },
        Covered {
            request: || {
                format!(
                    "/G2W/rest/v2/organizers/{}/webinars?fromTime={}&toTime={}",
                    seed::ADMIN_USER_KEY,
                    days_from_now(-30),
                    days_from_now(30)
                )
            },
            schema_name: "GoToWebinar v2 ReportingWebinarsResponse",
            schema: &WEBINARS,
            records: "/_embedded/webinars",
        },
        Covered {
            request: || "/G2M/rest/upcomingMeetings".to_owned(),
            schema_name: "GoToMeeting v1 UpcomingMeeting[]",
            schema: &UPCOMING_MEETINGS,
            records: "",
        },
        Covered {
            request: || {
                format!(
                    "/G2W/rest/v2/organizers/{}/webinars/{}/registrants",
                    seed::ADMIN_USER_KEY,
                    seed::FIRST_WEBINAR_KEY
                )
            },
            schema_name: "GoToWebinar v2 Registrant[]",
            schema: &REGISTRANTS,
            records: "",
        },
        Covered {
            request: || format!("/G2M/rest/meetings/{}", seed::FIRST_MEETING_ID),
            schema_name: "GoToMeeting v1 MeetingById[]",
            schema: &MEETINGS_BY_ID,
            records: "",
        },
    ]
}

/// Every way `value` at `path` departs from `ty`, as readable lines.
fn violations(value: &Value, ty: &Type, path: &str) -> Vec<String> {
    let mut found = Vec::new();
    check(value, ty, path, &mut found);
    found
}

fn check(value: &Value, ty: &Type, path: &str, found: &mut Vec<String>) {
    let mut wrong =
        |expected: &str| found.push(format!("{path}: expected {expected}, got {value}"));
    match ty {
        Type::String if !value.is_string() => wrong("a string"),
        Type::Integer if !(value.is_i64() || value.is_u64()) => wrong("an integer"),
        Type::Boolean if !value.is_boolean() => wrong("a boolean"),
        Type::DateTime if !value.as_str().is_some_and(is_date_time) => {
            wrong("an RFC 3339 date-time");
        }
        Type::OneOf(values) if !value.as_str().is_some_and(|text| values.contains(&text)) => {
            wrong(&format!("one of {values:?}"));
        }
        Type::Array(element) => match value.as_array() {
            None => wrong("an array"),
            Some(entries) => {
                for (index, entry) in entries.iter().enumerate() {
                    check(entry, element, &format!("{path}[{index}]"), found);
                }
            }
        },
        Type::Object(object) => match value.as_object() {
            None => wrong("an object"),
            Some(map) => {
                for field in object.fields {
                    let field_path = format!("{path}.{}", field.name);
                    match map.get(field.name) {
                        None => found.push(format!("{field_path}: required but missing")),
                        Some(child) => check(child, &field.ty, &field_path, found),
                    }
                }
                if object.closed {
                    for name in map.keys() {
                        if !object.fields.iter().any(|field| field.name == name) {
                            found.push(format!(
                                "{path}.{name}: not a field of this record in GoTo's description"
                            ));
                        }
                    }
                }
            }
        },
        _ => {}
    }
}

/// RFC 3339 as `format: date-time` means it: a `T` between date and time, and an offset, here
/// the `Z` of UTC that every answer of the sandbox's uses (humantime reads no other offset).
fn is_date_time(text: &str) -> bool {
    text.as_bytes().get(10) == Some(&b'T') && humantime::parse_rfc3339(text).is_ok()
}

fn live_answer(sandbox: &Sandbox, token: &str, route: &Covered) -> Value {
    let reply = get(sandbox, &(route.request)(), Some(token));
    assert_eq!(
        reply.status,
        200,
        "{}: {}",
        route.schema_name,
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

#[test]
fn ok_every_described_route_answers_as_its_description_says() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::PAT);
    let mut report = Vec::new();
    for route in covered() {
        let answer = live_answer(&sandbox, &token, &route);
        let records = answer.pointer(route.records).unwrap_or(&Value::Null);
        if records.is_array() {
            assert!(
                records.as_array().is_some_and(|list| !list.is_empty()),
                "{}: the seed has records to check, but the answer has none: {answer}",
                route.schema_name
            );
        }
        for violation in violations(&answer, route.schema, "$") {
            report.push(format!(
                "{} ({}): {violation}",
                route.schema_name,
                (route.request)()
            ));
        }
    }
    assert!(
        report.is_empty(),
        "the sandbox departs from GoTo's published descriptions:\n{}",
        report.join("\n")
    );
}

/// The check can fail: each required field, taken out of a live answer, is reported by name.
#[test]
fn err_a_required_field_taken_out_of_a_live_answer_is_named() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::PAT);
    let cases = [
        (0, "", "meta", "$.meta: required but missing"),
        (
            0,
            "/meta",
            "created",
            "$.meta.created: required but missing",
        ),
        (
            1,
            "/_embedded/webinars/0",
            "organizerKey",
            "$._embedded.webinars[0].organizerKey: required but missing",
        ),
        (
            1,
            "/page",
            "totalPages",
            "$.page.totalPages: required but missing",
        ),
        (
            2,
            "/0",
            "organizerKey",
            "$[0].organizerKey: required but missing",
        ),
        (2, "/1", "locale", "$[1].locale: required but missing"),
        (
            3,
            "/2",
            "registrantKey",
            "$[2].registrantKey: required but missing",
        ),
        (
            4,
            "/0",
            "createTime",
            "$[0].createTime: required but missing",
        ),
    ];
    let routes = covered();
    for (route, pointer, field, expected) in cases {
        let route = &routes[route];
        let mut answer = live_answer(&sandbox, &token, route);
        let record = answer
            .pointer_mut(pointer)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{pointer} is an object"));
        assert!(record.remove(field).is_some(), "{field} was there");
        assert_eq!(violations(&answer, route.schema, "$"), [expected]);
    }
}

/// A detail record's integer keys stay integers: a string where GoTo's description says
/// `integer` is named.
#[test]
fn err_a_detail_records_key_as_a_string_is_named() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::PAT);
    let routes = covered();
    let mut registrants = live_answer(&sandbox, &token, &routes[3]);
    registrants[0]["registrantKey"] = serde_json::json!("7188400317224561934");
    assert_eq!(
        violations(&registrants, routes[3].schema, "$"),
        ["$[0].registrantKey: expected an integer, got \"7188400317224561934\""]
    );
    let mut meeting = live_answer(&sandbox, &token, &routes[4]);
    meeting[0]["meetingId"] = serde_json::json!(seed::FIRST_MEETING_ID);
    assert_eq!(
        violations(&meeting, routes[4].schema, "$"),
        ["$[0].meetingId: expected an integer, got \"318664941\""]
    );
}

/// The check can fail on types and on fields of other records too.
#[test]
fn err_a_wrong_type_or_a_foreign_field_is_named() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::PAT);
    let routes = covered();
    let meetings = &routes[2];
    let mut answer = live_answer(&sandbox, &token, meetings);
    answer[0]["meetingId"] = serde_json::json!(318_664_941);
    answer[0]["duration"] = serde_json::json!(30);
    answer[1]["startTime"] = serde_json::json!("2015-02-17T01:10:33.+0000");
    assert_eq!(
        violations(&answer, meetings.schema, "$"),
        [
            "$[0].meetingId: expected a string, got 318664941",
            "$[0].duration: not a field of this record in GoTo's description",
            "$[1].startTime: expected an RFC 3339 date-time, got \"2015-02-17T01:10:33.+0000\"",
        ]
    );
}
