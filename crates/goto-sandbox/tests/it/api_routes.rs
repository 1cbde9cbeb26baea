//! Each API route's answer shape, paging and parameter rules, as a client with the right scope
//! sees them.

use std::collections::BTreeSet;

use goto_sandbox::{Pat, Sandbox, UserId, seed};
use serde_json::Value;

use crate::support::{account, all_pages, connect_error_code, days_from_now, get, token_for};

fn admin(sandbox: &Sandbox) -> String {
    sandbox.set_rate_limit(None);
    token_for(sandbox, seed::PAT)
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect()
}

fn assert_has_keys(value: &Value, expected: &[&str]) {
    let present = keys(value);
    for key in expected {
        assert!(present.contains(*key), "{key} missing from {value}");
    }
}

#[test]
fn ok_scim_me_carries_the_account_key_and_organizer_key() {
    let sandbox = Sandbox::start();
    let me = get(&sandbox, "/identity/v1/Users/me", Some(&admin(&sandbox))).json();
    assert_has_keys(
        &me,
        &[
            "schemas",
            "id",
            "userName",
            "displayName",
            "name",
            "emails",
            "locale",
            "timezone",
        ],
    );
    assert_eq!(me["id"], seed::ADMIN_USER_KEY);
    assert_eq!(me["userName"], seed::ADMIN_EMAIL);
    assert_eq!(me["emails"][0]["value"], seed::ADMIN_EMAIL);
    assert!(me["name"]["givenName"].is_string());
    let accounts = &me["urn:scim:schemas:extension:getgo:1.0"]["accounts"];
    assert_eq!(accounts[0]["value"], seed::ACCOUNT_KEY);
    assert!(
        accounts[0].get("key").is_none(),
        "the account key is `value`, not `key`"
    );
}

#[test]
fn ok_admin_me_shows_the_administrator_and_accounts() {
    let sandbox = Sandbox::start();
    let me = get(&sandbox, "/admin/rest/v1/me", Some(&admin(&sandbox))).json();
    assert_has_keys(
        &me,
        &[
            "key",
            "accountKey",
            "email",
            "firstName",
            "lastName",
            "accounts",
        ],
    );
    assert_eq!(me["key"], seed::ADMIN_USER_KEY);
    assert_eq!(me["accountKey"], seed::ACCOUNT_KEY);
    assert_eq!(me["accounts"][0]["key"], seed::ACCOUNT_KEY);
}

#[test]
fn ok_lines_are_the_callers_own() {
    let sandbox = Sandbox::start();
    let lines = get(&sandbox, "/users/v1/lines", Some(&admin(&sandbox))).json();
    let items = lines["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    for line in items {
        assert_has_keys(
            line,
            &[
                "id",
                "name",
                "number",
                "organization",
                "accountKey",
                "primary",
                "region",
            ],
        );
        assert_eq!(line["accountKey"], seed::ACCOUNT_KEY);
    }
    let member = get(
        &sandbox,
        "/users/v1/lines",
        Some(&token_for(&sandbox, seed::MEMBER_PAT)),
    )
    .json();
    assert_eq!(member["items"].as_array().map(Vec::len), Some(1));
}

#[test]
fn ok_a_user_without_lines_gets_an_empty_list() {
    let sandbox = Sandbox::start();
    sandbox.add_pat(Pat {
        value: "lineless+pat/==".to_owned(),
        user: UserId::Lineless,
        scopes: vec!["users.v1.lines.read".to_owned()],
        revoked: false,
    });
    let lines = get(
        &sandbox,
        "/users/v1/lines",
        Some(&sandbox.mint_token("lineless+pat/==")),
    )
    .json();
    assert_eq!(lines, serde_json::json!({"items": []}));
}

#[test]
fn ok_account_users_page_through_every_user() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let (users, pages) = all_pages(
        &sandbox,
        &token,
        &format!("/users/v1/users?{}", account()),
        2,
    );
    assert_eq!(pages, 3);
    assert_eq!(users.len(), seed::USER_COUNT);
    let unique: BTreeSet<_> = users
        .iter()
        .map(|user| user["userKey"].to_string())
        .collect();
    assert_eq!(unique.len(), seed::USER_COUNT);
    for user in &users {
        assert_has_keys(user, &["userKey", "userId", "lines"]);
    }
    assert!(
        users
            .iter()
            .any(|user| user["lines"] == serde_json::json!([]))
    );
    let whole = get(
        &sandbox,
        &format!("/users/v1/users?{}", account()),
        Some(&token),
    )
    .json();
    assert!(
        whole.get("nextPageMarker").is_none(),
        "one default page holds them all"
    );
}

#[test]
fn ok_phone_numbers_and_extensions_page() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let (numbers, pages) = all_pages(
        &sandbox,
        &token,
        &format!("/voice-admin/v1/phone-numbers?{}", account()),
        2,
    );
    assert_eq!((numbers.len(), pages), (seed::PHONE_NUMBER_COUNT, 3));
    for number in &numbers {
        assert_has_keys(
            number,
            &[
                "id",
                "accountKey",
                "organizationId",
                "number",
                "name",
                "callerIdName",
                "routeTo",
                "status",
            ],
        );
        assert!(
            number["number"]
                .as_str()
                .is_some_and(|n| n.starts_with('+'))
        );
    }
    let (extensions, pages) = all_pages(
        &sandbox,
        &token,
        &format!("/voice-admin/v1/extensions?{}", account()),
        4,
    );
    assert_eq!((extensions.len(), pages), (seed::EXTENSION_COUNT, 2));
    for extension in &extensions {
        assert_has_keys(
            extension,
            &[
                "id",
                "accountKey",
                "number",
                "name",
                "omitFromDirectories",
                "omitFromAutoAttendants",
                "organizationId",
                "type",
            ],
        );
    }
}

#[test]
fn err_bad_paging_parameters_are_400() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    for (query, field) in [
        ("pageSize=0", "pageSize"),
        ("pageSize=many", "pageSize"),
        ("pageMarker=not-a-marker", "pageMarker"),
    ] {
        let reply = get(
            &sandbox,
            &format!("/voice-admin/v1/extensions?{}&{query}", account()),
            Some(&token),
        );
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(connect_error_code(&reply), "BAD_REQUEST");
        assert_eq!(reply.json()["constraintViolations"][0]["field"], field);
    }
}

#[test]
fn err_account_lists_need_the_callers_account() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    for path in [
        "/users/v1/users",
        "/voice-admin/v1/phone-numbers",
        "/voice-admin/v1/extensions",
    ] {
        let missing = get(&sandbox, path, Some(&token));
        assert_eq!(missing.status, 400, "{path}");
        assert_eq!(
            missing.json()["constraintViolations"],
            serde_json::json!([{"constraint": "NotNull", "field": "accountKey"}])
        );
        let foreign = get(
            &sandbox,
            &format!("{path}?accountKey=1234567890"),
            Some(&token),
        );
        assert_eq!(foreign.status, 404, "{path}");
        assert_eq!(connect_error_code(&foreign), "NOT_FOUND");
    }
}

#[test]
fn ok_report_summaries_cover_recent_days_and_page() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let window = format!(
        "/call-events-report/v1/report-summaries?{}&startTime={}&endTime={}",
        account(),
        days_from_now(-30),
        days_from_now(1)
    );
    let (calls, pages) = all_pages(&sandbox, &token, &window, 4);
    assert_eq!((calls.len(), pages), (seed::CALL_COUNT, 3));
    for call in &calls {
        assert_has_keys(
            call,
            &[
                "conversationSpaceId",
                "accountKey",
                "callCreated",
                "callEnded",
                "direction",
                "caller",
                "participants",
                "callerOutcome",
            ],
        );
    }
    let first_page = get(&sandbox, &format!("{window}&pageSize=4"), Some(&token)).json();
    assert_eq!(first_page["pageSize"], 4);
    let last_day = get(
        &sandbox,
        &format!(
            "/call-events-report/v1/report-summaries?{}&startTime={}&endTime={}",
            account(),
            days_from_now(-1),
            days_from_now(0)
        ),
        Some(&token),
    )
    .json();
    let recent = last_day["items"].as_array().map_or(0, Vec::len);
    assert!((1..seed::CALL_COUNT).contains(&recent), "{last_day}");
}

#[test]
fn err_report_windows_over_31_days_are_refused() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let reply = get(
        &sandbox,
        &format!(
            "/call-events-report/v1/report-summaries?{}&startTime=2024-01-01T00:00:00Z&endTime=2024-02-01T00:00:01Z",
            account()
        ),
        Some(&token),
    );
    assert_eq!(reply.status, 400);
    assert_eq!(connect_error_code(&reply), "BAD_REQUEST");
    assert_eq!(
        reply.json()["constraintViolations"],
        serde_json::json!([{"constraint": "InvalidRange", "field": "maximum supported range is 31 days"}])
    );
    let exactly_31_days = get(
        &sandbox,
        &format!(
            "/call-events-report/v1/report-summaries?{}&startTime=2024-01-01T00:00:00Z&endTime=2024-02-01T00:00:00Z",
            account()
        ),
        Some(&token),
    );
    assert_eq!(exactly_31_days.status, 200);
}

#[test]
fn err_report_summaries_need_all_three_parameters() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let reply = get(
        &sandbox,
        "/call-events-report/v1/report-summaries",
        Some(&token),
    );
    assert_eq!(reply.status, 400);
    let fields: Vec<Value> = reply.json()["constraintViolations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|violation| violation["field"].clone())
        .collect();
    assert_eq!(fields, ["accountKey", "startTime", "endTime"]);
    let unparseable = get(
        &sandbox,
        &format!(
            "/call-events-report/v1/report-summaries?{}&startTime=yesterday&endTime=2024-02-01T00:00:00Z",
            account()
        ),
        Some(&token),
    );
    assert_eq!(unparseable.status, 400);
}

#[test]
fn ok_notification_channels_page() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let (channels, pages) = all_pages(&sandbox, &token, "/notification-channel/v1/channels?", 2);
    assert_eq!((channels.len(), pages), (seed::ADMIN_CHANNEL_COUNT, 2));
    for channel in &channels {
        assert_has_keys(
            channel,
            &[
                "channelId",
                "channelNickname",
                "webhookChannelData",
                "channelLifetime",
                "resourceURL",
                "doNotDisturbAware",
            ],
        );
        assert!(
            channel["channelId"]
                .as_str()
                .is_some_and(|id| id.starts_with("Webhook."))
        );
    }
    let member = get(
        &sandbox,
        "/notification-channel/v1/channels",
        Some(&token_for(&sandbox, seed::MEMBER_PAT)),
    )
    .json();
    assert_eq!(member, serde_json::json!({"items": []}));
}

fn webinars_url(organizer: &str, extra: &str) -> String {
    format!(
        "/G2W/rest/v2/organizers/{organizer}/webinars?fromTime={}&toTime={}{extra}",
        days_from_now(-30),
        days_from_now(30)
    )
}

#[test]
fn ok_webinars_are_embedded_and_paged() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let all = get(
        &sandbox,
        &webinars_url(seed::ADMIN_USER_KEY, ""),
        Some(&token),
    )
    .json();
    let webinars = all["_embedded"]["webinars"].as_array().expect("webinars");
    assert_eq!(webinars.len(), seed::ADMIN_WEBINAR_COUNT);
    for webinar in webinars {
        assert_has_keys(
            webinar,
            &[
                "webinarKey",
                "webinarID",
                "organizerKey",
                "accountKey",
                "subject",
                "times",
                "timeZone",
                "registrationUrl",
                "recurrenceType",
                "experienceType",
            ],
        );
        assert_eq!(webinar["organizerKey"], seed::ADMIN_USER_KEY);
    }
    assert_eq!(
        all["page"],
        serde_json::json!({"size": 20, "totalElements": seed::ADMIN_WEBINAR_COUNT, "totalPages": 1, "number": 0})
    );
    let second = get(
        &sandbox,
        &webinars_url(seed::ADMIN_USER_KEY, "&page=1&size=3"),
        Some(&token),
    )
    .json();
    assert_eq!(
        second["_embedded"]["webinars"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        second["page"],
        serde_json::json!({"size": 3, "totalElements": seed::ADMIN_WEBINAR_COUNT, "totalPages": 2, "number": 1})
    );
    let upcoming = get(
        &sandbox,
        &format!(
            "/G2W/rest/v2/organizers/{}/webinars?fromTime={}&toTime={}",
            seed::ADMIN_USER_KEY,
            days_from_now(1),
            days_from_now(30)
        ),
        Some(&token),
    )
    .json();
    assert_eq!(
        upcoming["_embedded"]["webinars"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn err_webinars_need_from_and_to_times() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let base = format!("/G2W/rest/v2/organizers/{}/webinars", seed::ADMIN_USER_KEY);
    for query in [
        String::new(),
        format!("?fromTime={}", days_from_now(-1)),
        format!("?toTime={}", days_from_now(1)),
        // An unencoded `+` in an offset arrives as a space, which is no longer a valid instant.
        "?fromTime=2024-05-01T00:00:00+00:00&toTime=2024-05-02T00:00:00Z".to_owned(),
        format!(
            "?fromTime={}&toTime={}",
            days_from_now(1),
            days_from_now(-1)
        ),
        format!(
            "?fromTime={}&toTime={}&size=201",
            days_from_now(-1),
            days_from_now(1)
        ),
    ] {
        let reply = get(&sandbox, &format!("{base}{query}"), Some(&token));
        assert_eq!(reply.status, 400, "{query}");
        assert_eq!(reply.json()["int_err_code"], "InvalidRequest");
    }
    let encoded = get(
        &sandbox,
        &format!("{base}?fromTime=2024-05-01T00:00:00%2B00:00&toTime=2024-05-02T00:00:00Z"),
        Some(&token),
    );
    assert_eq!(encoded.status, 200);
}

#[test]
fn err_webinars_of_another_organizer_are_forbidden() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    for organizer in [seed::MEMBER_USER_KEY, "1"] {
        let reply = get(&sandbox, &webinars_url(organizer, ""), Some(&token));
        assert_eq!(reply.status, 403, "{organizer}");
        assert_eq!(reply.json()["int_err_code"], "Forbidden");
    }
}

#[test]
fn ok_upcoming_meetings_are_a_bare_array() {
    let sandbox = Sandbox::start();
    let meetings = get(
        &sandbox,
        "/G2M/rest/upcomingMeetings",
        Some(&admin(&sandbox)),
    )
    .json();
    let meetings = meetings.as_array().expect("an array");
    assert_eq!(meetings.len(), 2);
    for meeting in meetings {
        // Each record names its organizer, as GoToMeeting's description requires.
        assert_eq!(meeting["organizerKey"], seed::ADMIN_USER_KEY);
        assert_eq!(meeting["email"], seed::ADMIN_EMAIL);
        assert_eq!(meeting["accountKey"], seed::ACCOUNT_KEY);
        assert!(meeting["meetingId"].is_string(), "{meeting}");
    }
    for meeting in meetings {
        assert_has_keys(
            meeting,
            &[
                "meetingId",
                "subject",
                "startTime",
                "endTime",
                "meetingType",
            ],
        );
    }
    let member = get(
        &sandbox,
        "/G2M/rest/upcomingMeetings",
        Some(&token_for(&sandbox, seed::MEMBER_PAT)),
    )
    .json();
    assert_eq!(member, serde_json::json!([]));
}

#[test]
fn ok_unknown_query_parameters_are_ignored() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let reply = get(
        &sandbox,
        "/identity/v1/Users/me?attributes=id&phoneNumber=%2B18005550100",
        Some(&token),
    );
    assert_eq!(reply.status, 200);
}

/// Both of GoTo's paging styles, walked as a client walks them, span at least three pages at a
/// small page size on every list route: GoTo Connect's `nextPageMarker` answered to `pageMarker=`,
/// GoToWebinar's `page.number`/`page.totalPages` answered to `page=`/`size=`.
#[test]
fn ok_every_list_spans_three_pages_in_its_paging_style() {
    let sandbox = Sandbox::start();
    let token = admin(&sandbox);
    let window = format!(
        "startTime={}&endTime={}",
        days_from_now(-30),
        days_from_now(1)
    );
    for (path, count) in [
        (format!("/users/v1/users?{}", account()), seed::USER_COUNT),
        (
            format!("/voice-admin/v1/phone-numbers?{}", account()),
            seed::PHONE_NUMBER_COUNT,
        ),
        (
            format!("/voice-admin/v1/extensions?{}", account()),
            seed::EXTENSION_COUNT,
        ),
        (
            format!(
                "/call-events-report/v1/report-summaries?{}&{window}",
                account()
            ),
            seed::CALL_COUNT,
        ),
        (
            // `?` so that the paging parameters can be appended with `&`.
            "/notification-channel/v1/channels?".to_owned(),
            seed::ADMIN_CHANNEL_COUNT,
        ),
    ] {
        let (items, pages) = all_pages(&sandbox, &token, &path, 1);
        assert!(pages >= 3, "{path}: {pages} pages");
        assert_eq!(items.len(), count, "{path}");
        let distinct: BTreeSet<String> = items.iter().map(Value::to_string).collect();
        assert_eq!(distinct.len(), count, "{path}: no record twice");
    }

    let mut keys = BTreeSet::new();
    let mut page = 0;
    loop {
        let body = get(
            &sandbox,
            &webinars_url(seed::ADMIN_USER_KEY, &format!("&page={page}&size=1")),
            Some(&token),
        )
        .json();
        assert_eq!(body["page"]["number"], page, "{body}");
        assert_eq!(body["page"]["size"], 1);
        let total_pages = body["page"]["totalPages"].as_u64().expect("totalPages");
        assert!(total_pages >= 3, "{body}");
        for webinar in body["_embedded"]["webinars"].as_array().expect("webinars") {
            keys.insert(webinar["webinarKey"].to_string());
        }
        page += 1;
        if page >= total_pages {
            break;
        }
    }
    assert_eq!(keys.len(), seed::ADMIN_WEBINAR_COUNT);
}
