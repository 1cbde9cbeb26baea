//! `api --paginate` where a server or a path would lead it astray: a `#` fragment, which would
//! hide the page parameter, and a server whose markers never end.

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

#[test]
fn err_paginate_refuses_a_fragment_before_any_request() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = ws
        .xtask(&[
            "api",
            "--paginate",
            &format!(
                "/users/v1/users?accountKey={}&pageSize=1#top",
                seed::ACCOUNT_KEY
            ),
        ])
        .run();
    run.assert_code(2)
        .assert_stderr_contains("`#` fragment (`#top`)")
        .assert_stderr_contains("%23");
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

#[test]
fn err_paginate_stops_at_the_page_cap_when_markers_never_end() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let path = "/users/v1/users";
    sandbox.inject(Fault {
        path_prefix: path.into(),
        times: 5_000,
        kind: FaultKind::EndlessMarkers,
    });
    let run = ws
        .xtask(&[
            "api",
            "--paginate",
            &format!("{path}?accountKey={}", seed::ACCOUNT_KEY),
        ])
        .run();
    run.assert_code(1)
        .assert_stderr_contains("stopped after 1,000 pages, the most followed");
    assert_eq!(run.stdout, "", "no partial list passed off as the whole");
    let pages = sandbox.requests().iter().filter(|r| r.path == path).count();
    assert_eq!(pages, 1_000, "every page up to the cap, and no more");
}
