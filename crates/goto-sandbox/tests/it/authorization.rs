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

fn scopes_of(path_and_query: &str) -> &'static [&'static str] {
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
        let accepted = scopes_of(&route.path_and_query);
        let all_but_these: Vec<String> = seed::ALL_SCOPES
            .iter()
            .chain(seed::ALTERNATIVE_SCOPES)
            .filter(|granted| !accepted.contains(granted))
            .map(|granted| (*granted).to_owned())
            .collect();
        let value = format!("pat-without-{}", accepted.join("-"));
        sandbox.add_pat(Pat {
            value: value.clone(),
            user: UserId::Admin,
            scopes: all_but_these,
            revoked: false,
        });
        let reply = get(
            &sandbox,
            &route.path_and_query,
            Some(&sandbox.mint_token(&value)),
        );
        match accepted.first() {
            None => assert_eq!(reply.status, 200, "{}", route.path_and_query),
            Some(scope) => {
                assert_refused(&reply, &route, 403, "AUTHZ_INSUFFICIENT_SCOPE");
                if !route.collab {
                    assert_eq!(
                        reply.json()["message"],
                        format!("The access token does not have the required scope: {scope}")
                    );
                }
            }
        }
    }
}

#[test]
fn ok_report_summaries_accept_either_name_of_their_scope() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let summaries = every_route()
        .into_iter()
        .find(|route| route.path_and_query.starts_with("/call-events-report/"))
        .expect("report summaries are a route");
    for scope in ["cr.v1.read", "call-events-report.v1.read"] {
        let value = format!("pat-with-only-{scope}");
        sandbox.add_pat(Pat {
            value: value.clone(),
            user: UserId::Admin,
            scopes: vec![scope.to_owned()],
            revoked: false,
        });
        // Exchanged over HTTP: the seeded client holds both names, so neither is `invalid_scope`.
        let token = token_for(&sandbox, &value);
        let reply = get(&sandbox, &summaries.path_and_query, Some(&token));
        assert_eq!(reply.status, 200, "{scope}");
        assert!(reply.json()["items"].is_array());
    }
}

/// `Sandbox::refuse_scope`: GoTo's own insufficient-scope answer although the token holds the
/// route's scope, in each family's envelope, on that route only.
#[test]
fn err_refuse_scope_answers_goto_insufficient_scope_on_its_routes_only() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::PAT);
    let routes = every_route();
    let summaries = &routes[6];
    let meetings = &routes[9];
    assert_eq!(
        get(&sandbox, &summaries.path_and_query, Some(&token)).status,
        200
    );
    sandbox.refuse_scope(
        "/call-events-report/v1/report-summaries",
        "call-events-report.v1.read",
    );
    sandbox.refuse_scope("/G2M/", "collab:meetings.read");

    let refused = get(&sandbox, &summaries.path_and_query, Some(&token));
    assert_eq!(refused.status, 403);
    assert_eq!(connect_error_code(&refused), "AUTHZ_INSUFFICIENT_SCOPE");
    assert_eq!(
        refused.json()["message"],
        "The access token does not have the required scope: call-events-report.v1.read"
    );
    let collab = get(&sandbox, &meetings.path_and_query, Some(&token));
    assert_eq!(collab.status, 403);
    assert_eq!(
        collab.json(),
        serde_json::json!({
            "int_err_code": "AUTHZ_INSUFFICIENT_SCOPE",
            "msg": "The access token does not have the required scope: collab:meetings.read",
        })
    );
    // Other routes answer as before, and a bad token is still refused as a bad token.
    for route in &routes[..6] {
        assert_eq!(
            get(&sandbox, &route.path_and_query, Some(&token)).status,
            200,
            "{}",
            route.path_and_query
        );
    }
    let unknown = get(&sandbox, &summaries.path_and_query, Some("a.b.c"));
    assert_eq!(unknown.status, 401);
    assert_eq!(connect_error_code(&unknown), "AUTHN_INVALID_TOKEN");
}

#[test]
fn ok_an_identity_only_token_reaches_identity_and_channels_only() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let token = token_for(&sandbox, seed::IDENTITY_ONLY_PAT);
    for route in every_route() {
        let reply = get(&sandbox, &route.path_and_query, Some(&token));
        let expected = match scopes_of(&route.path_and_query) {
            [] | ["identity:scim.me"] => 200,
            _ => 403,
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
        assert_eq!(reply.json()["errorCode"], goto_sandbox::NOT_SERVED);
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
