//! Bearer tokens on every API route: missing, malformed, unknown, expired, lacking the scope, and
//! the admin-only route. One table of routes drives every check.

use goto_sandbox::{Pat, SCOPES, Sandbox, UserId, seed};

use crate::support::{Reply, account, client, connect_error_code, days_from_now, get, token_for};

/// One API route with the parameters it needs to answer 200.
struct RouteCase {
    path_and_query: String,
    /// GoToWebinar and GoToMeeting answer authorization failures with 403 `InvalidToken`.
    collab: bool,
}

fn every_route() -> Vec<RouteCase> {
    let account = account();
    let window = format!(
        "startTime={}&endTime={}",
        days_from_now(-7),
        days_from_now(0)
    );
    let webinar_window = format!(
        "fromTime={}&toTime={}",
        days_from_now(-30),
        days_from_now(30)
    );
    let connect = |path: String| RouteCase {
        path_and_query: path,
        collab: false,
    };
    let collab = |path: String| RouteCase {
        path_and_query: path,
        collab: true,
    };
    vec![
        connect("/identity/v1/Users/me".to_owned()),
        connect("/admin/rest/v1/me".to_owned()),
        connect("/users/v1/lines".to_owned()),
        connect(format!("/users/v1/users?{account}")),
        connect(format!("/voice-admin/v1/phone-numbers?{account}")),
        connect(format!("/voice-admin/v1/extensions?{account}")),
        connect(format!(
            "/call-events-report/v1/report-summaries?{account}&{window}"
        )),
        connect("/notification-channel/v1/channels".to_owned()),
        collab(format!(
            "/G2W/rest/v2/organizers/{}/webinars?{webinar_window}",
            seed::ADMIN_USER_KEY
        )),
        collab("/G2M/rest/upcomingMeetings".to_owned()),
    ]
}

fn scope_of(path_and_query: &str) -> Option<&'static str> {
    SCOPES
        .iter()
        .find(|(prefix, _)| path_and_query.starts_with(prefix))
        .unwrap_or_else(|| panic!("{path_and_query} is missing from SCOPES"))
        .1
}

fn assert_collab_refusal(reply: &Reply) {
    assert_eq!(reply.status, 403);
    assert_eq!(
        reply.json(),
        serde_json::json!({"int_err_code": "InvalidToken", "msg": "Invalid token passed"})
    );
}

fn assert_refused(reply: &Reply, route: &RouteCase, status: u16, code: &str) {
    if route.collab {
        assert_collab_refusal(reply);
    } else {
        assert_eq!(reply.status, status, "{}", route.path_and_query);
        assert_eq!(connect_error_code(reply), code, "{}", route.path_and_query);
    }
}

#[test]
fn ok_the_admin_pat_opens_every_route() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::PAT);
    for route in every_route() {
        let reply = get(&sandbox, &route.path_and_query, Some(&token));
        assert_eq!(reply.status, 200, "{}", route.path_and_query);
        reply.json();
    }
}

#[test]
fn err_no_token_is_authn_invalid_token() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    for route in every_route() {
        let reply = get(&sandbox, &route.path_and_query, None);
        assert_refused(&reply, &route, 401, "AUTHN_INVALID_TOKEN");
    }
}

#[test]
fn err_a_token_from_elsewhere_is_authn_invalid_token() {
    let elsewhere = Sandbox::start();
    let foreign_token = token_for(&elsewhere, seed::PAT);
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    for route in every_route() {
        let reply = get(&sandbox, &route.path_and_query, Some(&foreign_token));
        assert_refused(&reply, &route, 401, "AUTHN_INVALID_TOKEN");
    }
}

#[test]
fn err_expired_tokens_are_authn_expired_token() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::PAT);
    sandbox.expire_issued_tokens();
    for route in every_route() {
        let reply = get(&sandbox, &route.path_and_query, Some(&token));
        assert_refused(&reply, &route, 401, "AUTHN_EXPIRED_TOKEN");
    }
    let fresh = token_for(&sandbox, seed::PAT);
    assert_eq!(get(&sandbox, "/users/v1/lines", Some(&fresh)).status, 200);
}

#[test]
fn err_malformed_authorization_is_authn_malformed_token() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::PAT);
    for authorization in [
        format!("Basic {token}"),
        "Bearer".to_owned(),
        "Bearer not-a-jwt".to_owned(),
        format!("Bearer {token}.extra"),
        token.clone(),
    ] {
        for route in every_route() {
            let reply = Reply::from_response(
                client()
                    .get(format!("{}{}", sandbox.base_url(), route.path_and_query))
                    .header("authorization", &authorization)
                    .send()
                    .expect("the sandbox answers"),
            );
            assert_refused(&reply, &route, 401, "AUTHN_MALFORMED_TOKEN");
        }
    }
}

#[test]
fn ok_the_bearer_scheme_is_case_insensitive() {
    let sandbox = Sandbox::start();
    let token = token_for(&sandbox, seed::PAT);
    let reply = client()
        .get(format!("{}/users/v1/lines", sandbox.base_url()))
        .header("authorization", format!("bearer {token}"))
        .send()
        .expect("the sandbox answers");
    assert_eq!(reply.status(), 200);
}

#[test]
fn err_each_route_requires_exactly_its_scope() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    for route in every_route() {
        let scope = scope_of(&route.path_and_query);
        let all_but_this: Vec<String> = seed::ALL_SCOPES
            .iter()
            .filter(|granted| Some(**granted) != scope)
            .map(|granted| (*granted).to_owned())
            .collect();
        let value = format!("pat-without-{}", scope.unwrap_or("nothing"));
        sandbox.add_pat(Pat {
            value: value.clone(),
            user: UserId::Admin,
            scopes: all_but_this,
            revoked: false,
        });
        let reply = get(
            &sandbox,
            &route.path_and_query,
            Some(&sandbox.mint_token(&value)),
        );
        match scope {
            None => assert_eq!(reply.status, 200, "{}", route.path_and_query),
            Some(scope) => {
                assert_refused(&reply, &route, 403, "AUTHZ_INSUFFICIENT_SCOPE");
                if !route.collab {
                    let message = reply.json()["message"].to_string();
                    assert!(message.contains(scope), "{message}");
                }
            }
        }
    }
}

#[test]
fn ok_an_identity_only_token_reaches_identity_and_channels_only() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::IDENTITY_ONLY_PAT);
    for route in every_route() {
        let reply = get(&sandbox, &route.path_and_query, Some(&token));
        let expected = match scope_of(&route.path_and_query) {
            None | Some("identity:scim.me") => 200,
            Some(_) => 403,
        };
        assert_eq!(reply.status, expected, "{}", route.path_and_query);
    }
}

#[test]
fn err_admin_me_refuses_users_who_are_not_administrators() {
    let sandbox = Sandbox::start();
    let token = token_for(&sandbox, seed::MEMBER_PAT);
    let reply = get(&sandbox, "/admin/rest/v1/me", Some(&token));
    assert_eq!(reply.status, 401);
    let body = reply.json();
    assert_eq!(body["errorCode"], "not.authenticated");
    assert!(String::from_utf8_lossy(&reply.body).contains("not.authenticated"));
    // The same member reads everything else.
    assert_eq!(
        get(&sandbox, "/identity/v1/Users/me", Some(&token)).status,
        200
    );
}

#[test]
fn err_unknown_paths_are_404_and_wrong_methods_405() {
    let sandbox = Sandbox::start();
    let token = token_for(&sandbox, seed::PAT);
    for path in [
        "/",
        "/users/v1/lines/",
        "/identity/v1/Users/you",
        "/G2W/rest/v2/organizers",
    ] {
        let reply = get(&sandbox, path, Some(&token));
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.json()["errorCode"], "NOT_FOUND");
    }
    let reply = Reply::from_response(
        client()
            .delete(format!("{}/users/v1/lines", sandbox.base_url()))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .expect("the sandbox answers"),
    );
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET"));
}
