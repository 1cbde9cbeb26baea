//! The detail routes, reached with a key from an earlier answer (a webinar's registrants, a
//! meeting by its id), and the sandbox's own answer to a path it does not serve.

use goto_sandbox::{NOT_SERVED, Sandbox, seed};
use serde_json::Value;

use crate::support::{get, token_for};

fn registrants_path(organizer_key: &str, webinar_key: &str) -> String {
    format!("/G2W/rest/v2/organizers/{organizer_key}/webinars/{webinar_key}/registrants")
}

#[test]
fn ok_the_first_webinars_registrants_are_listed_with_their_keys() {
    let sandbox = Sandbox::start();
    let token = token_for(&sandbox, seed::PAT);
    let path = registrants_path(seed::ADMIN_USER_KEY, seed::FIRST_WEBINAR_KEY);
    let reply = get(&sandbox, &path, Some(&token));
    assert_eq!(reply.status, 200);
    let registrants = reply.json();
    let list = registrants.as_array().expect("a bare array");
    assert_eq!(list.len(), seed::FIRST_WEBINAR_REGISTRANT_COUNT);
    assert!(list.iter().all(|r| r["registrantKey"].is_u64()));
    assert!(list.iter().all(|r| {
        r["email"]
            .as_str()
            .is_some_and(|e| e.ends_with("@example.test"))
    }));
}

#[test]
fn ok_a_meeting_is_found_by_the_id_upcoming_meetings_gives() {
    let sandbox = Sandbox::start();
    let token = token_for(&sandbox, seed::PAT);
    let upcoming = get(&sandbox, "/G2M/rest/upcomingMeetings", Some(&token)).json();
    let id = upcoming[0]["meetingId"].as_str().expect("a string id");
    assert_eq!(id, seed::FIRST_MEETING_ID);
    let reply = get(&sandbox, &format!("/G2M/rest/meetings/{id}"), Some(&token));
    assert_eq!(reply.status, 200);
    let meeting = reply.json();
    assert_eq!(meeting[0]["meetingId"], Value::from(318_664_941_u64));
    assert_eq!(meeting[0]["subject"], upcoming[0]["subject"]);
    assert_eq!(meeting[0]["startTime"], upcoming[0]["startTime"]);
    assert_eq!(meeting[0]["createTime"], "");
}

#[test]
fn err_detail_routes_refuse_other_organizers_and_unknown_keys() {
    let sandbox = Sandbox::start();
    let admin = token_for(&sandbox, seed::PAT);
    let member = token_for(&sandbox, seed::MEMBER_PAT);
    let cases = [
        // Another organizer's key: 403 Forbidden, as on the webinar list.
        (
            registrants_path(seed::MEMBER_USER_KEY, seed::FIRST_WEBINAR_KEY),
            &admin,
            403,
            "Forbidden",
        ),
        // A webinar that is not the organizer's: 404.
        (
            registrants_path(seed::ADMIN_USER_KEY, "1234"),
            &admin,
            404,
            "NotFound",
        ),
        (
            registrants_path(seed::MEMBER_USER_KEY, seed::FIRST_WEBINAR_KEY),
            &member,
            404,
            "NotFound",
        ),
        // Someone else's meeting, or none: 404, so ids cannot be probed.
        (
            format!("/G2M/rest/meetings/{}", seed::FIRST_MEETING_ID),
            &member,
            404,
            "NotFound",
        ),
        ("/G2M/rest/meetings/1".to_owned(), &admin, 404, "NotFound"),
    ];
    for (path, token, status, code) in cases {
        let reply = get(&sandbox, &path, Some(token));
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.json()["int_err_code"], code, "{path}");
    }
    let no_token = get(
        &sandbox,
        &format!("/G2M/rest/meetings/{}", seed::FIRST_MEETING_ID),
        None,
    );
    assert_eq!(no_token.status, 403);
    assert_eq!(no_token.json()["int_err_code"], "InvalidToken");
}

#[test]
fn ok_an_unserved_path_is_marked_as_the_sandboxs_own_answer() {
    let sandbox = Sandbox::start();
    let token = token_for(&sandbox, seed::PAT);
    let reply = get(&sandbox, "/call-queues/v1/queues", Some(&token));
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["errorCode"], NOT_SERVED);
    assert_eq!(NOT_SERVED, "SANDBOX_NOT_SERVED");
    // A served route can be switched off, as a sandbox without it would answer.
    let path = format!("/G2M/rest/meetings/{}", seed::FIRST_MEETING_ID);
    assert_eq!(get(&sandbox, &path, Some(&token)).status, 200);
    sandbox.stop_serving("/G2M/rest/meetings/");
    let stopped = get(&sandbox, &path, Some(&token));
    assert_eq!(stopped.status, 404);
    assert_eq!(stopped.json()["errorCode"], NOT_SERVED);
    assert_eq!(
        get(&sandbox, "/G2M/rest/upcomingMeetings", Some(&token)).status,
        200
    );
}
