//! What `smoke`'s reports say when the run goes wrong, and what they keep to themselves: a run
//! with no token still writes its reports, a server's personal values never reach them, and the
//! JUnit path can never be the env file.

use std::os::unix::fs::MetadataExt;

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

#[test]
fn err_revoked_pat_still_writes_junit_json_and_summary_saying_why_no_call_ran() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::REVOKED_PAT);
    let junit = ws.dir().join("smoke.xml");
    let summary = ws.dir().join("summary.md");
    let run = ws
        .xtask(&["smoke", "--json", "--junit", junit.to_str().unwrap()])
        .env("CI", "true")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())
        .run();
    run.assert_code(1).assert_stderr_contains("invalid_grant");
    assert_eq!(token_requests(&sandbox), 1);
    assert_eq!(sandbox.requests().len(), 1, "no API call was made");

    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is the JSON report");
    assert_eq!(report["calls"], serde_json::json!([]));
    assert_eq!(report["totals"]["calls"], 0);
    assert_eq!(report["passed"], false);
    let error = report["error"].as_str().expect("an error saying why");
    assert!(error.starts_with("no call ran: "), "{error}");
    assert!(error.contains("invalid_grant"), "{error}");
    assert!(error.contains("myaccount.goto.com"), "the remedy: {error}");

    let xml = std::fs::read_to_string(&junit).expect("the JUnit report is written");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite.attribute("name"), Some("smoke"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    let case = suite
        .children()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some("token"));
    let error = case.children().find(|n| n.has_tag_name("error")).unwrap();
    assert!(
        error
            .attribute("message")
            .unwrap()
            .contains("no call ran: ")
            && error
                .attribute("message")
                .unwrap()
                .contains("invalid_grant"),
        "{xml}"
    );

    let table = std::fs::read_to_string(&summary).expect("the job summary is written");
    assert!(
        table.starts_with("### GoTo smoke\n\nno call ran: "),
        "{table}"
    );
    assert!(
        run.stderr
            .lines()
            .any(|line| line.starts_with("::error title=smoke%3A no call ran::")),
        "{}",
        run.stderr
    );
}

#[test]
fn err_missing_credentials_write_the_reports_and_exit_2() {
    let ws = Workspace::with_contents("GOTO_CLIENT_ID=x\n");
    let junit = ws.dir().join("smoke.xml");
    let run = ws
        .xtask(&["smoke", "--json", "--junit", junit.to_str().unwrap()])
        .run();
    run.assert_code(2);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("GOTO_CLIENT_SECRET"),
        "{report}"
    );
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("GOTO_CLIENT_SECRET")
    );
}

#[test]
fn err_junit_path_that_is_the_env_file_is_refused_before_anything_runs() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    let inode = std::fs::metadata(&ws.env_file).unwrap().ino();
    // The file itself, a symlink to it, a hard link to it, and a path through `..`.
    let link = ws.dir().join("link.xml");
    std::os::unix::fs::symlink(&ws.env_file, &link).unwrap();
    let hard = ws.dir().join("hard.xml");
    std::fs::hard_link(&ws.env_file, &hard).unwrap();
    std::fs::create_dir(ws.dir().join("sub")).unwrap();
    let dotted = ws.dir().join("sub/../.env");
    for path in [&ws.env_file, &link, &hard, &dotted] {
        let run = ws
            .xtask(&["smoke", "--junit", path.to_str().unwrap()])
            .run();
        run.assert_code(2)
            .assert_stderr_contains("is the env file, which holds your credentials");
        assert_eq!(ws.contents(), before, "the env file is untouched");
        assert_eq!(std::fs::metadata(&ws.env_file).unwrap().ino(), inode);
    }
    assert!(sandbox.requests().is_empty(), "nothing ran");
}

/// A 404 whose message echoes `message`.
fn not_found_saying(path: &str, message: &str) -> Fault {
    let body = serde_json::json!({"errorCode": "NOT_FOUND", "message": message});
    Fault {
        path_prefix: path.into(),
        times: 1,
        kind: FaultKind::Respond {
            status: 404,
            content_type: Some("application/json".into()),
            body: body.to_string().into_bytes(),
            retry_after: None,
        },
    }
}

#[test]
fn ok_reports_mask_emails_in_any_encoding_phone_numbers_and_long_keys() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    // Personal values in the forms a server may echo them, in two calls' messages.
    sandbox.inject(not_found_saying(
        "/G2M/",
        &format!(
            "no organizer {} for dana%40x.test, dana%2540x.test, dana&#64;x.test, \
             DANA\\u0040X.TEST; +1 (555) 010-0199, 555-010-0199",
            seed::ADMIN_USER_KEY
        ),
    ));
    sandbox.inject(not_found_saying(
        "/notification-channel/",
        &format!(
            "no organizer in account {} at +44 20 7946 0958 (dana@example.test)",
            seed::ACCOUNT_KEY
        ),
    ));
    let junit = ws.dir().join("smoke.xml");
    let summary = ws.dir().join("summary.md");
    let run = ws
        .xtask(&[
            "smoke",
            "--only",
            "upcoming_meetings",
            "--only",
            "notification_channels",
            "--json",
            "--junit",
            junit.to_str().unwrap(),
        ])
        .env("CI", "true")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())
        .run();
    run.assert_code(1);
    let annotations: String = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("::error"))
        .collect();
    let reports = [
        ("JSON", run.stdout.clone()),
        ("JUnit", std::fs::read_to_string(&junit).unwrap()),
        ("summary", std::fs::read_to_string(&summary).unwrap()),
        ("annotations", annotations),
    ];
    for (name, text) in &reports {
        assert!(
            text.contains("no organizer"),
            "{name} holds the message: {text}"
        );
        for personal in [
            seed::ADMIN_USER_KEY,
            seed::ACCOUNT_KEY,
            "x.test",
            "X.TEST",
            "dana",
            "DANA",
            "555",
            "7946",
        ] {
            assert!(!text.contains(personal), "{name} holds {personal}:\n{text}");
        }
        // The job summary's Markdown escapes the brackets.
        let unescaped = text.replace('\\', "");
        assert!(
            unescaped.contains("[phone]") && unescaped.contains("[number]"),
            "{name}: {text}"
        );
    }
}
