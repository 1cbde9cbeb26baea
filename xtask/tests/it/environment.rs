//! Where the process environment reaches into the env file: dotenvy expands `$NAME` and
//! `${NAME}` in unquoted and double-quoted values while reading the file, from the process
//! environment first and only then from keys defined earlier in the file; single-quoted values
//! are literal. A name is ASCII letters and digits only, so `$MY_ID` is `$MY` then `_ID`.
//! `status` shows the first characters and the length of the client id, which is
//! enough to see which value won.

use crate::support::*;

/// The line `status` prints for the client id.
fn client_id_line(ws: &Workspace, env: &[(&str, &str)]) -> String {
    let mut xtask = ws.xtask(&["status"]);
    for (key, value) in env {
        xtask = xtask.env(key, value);
    }
    let run = xtask.run();
    run.stderr
        .lines()
        .find(|line| line.starts_with("GOTO_CLIENT_ID"))
        .unwrap_or_else(|| panic!("no client id line:\n{}", run.stderr))
        .to_owned()
}

#[test]
fn ok_dollar_names_expand_from_the_process_environment_first() {
    let ws = Workspace::with_contents("GOTO_CLIENT_ID=$EXPANDEDID\n");
    let line = client_id_line(&ws, &[("EXPANDEDID", "zq9Kexample")]);
    assert!(line.contains("zq9K… (11 characters) (file)"), "{line}");

    let ws = Workspace::with_contents("GOTO_CLIENT_ID=\"${EXPANDEDID}-x\"\n");
    let line = client_id_line(&ws, &[("EXPANDEDID", "zq9Kexample")]);
    assert!(line.contains("zq9K… (13 characters)"), "{line}");

    // A name is letters and digits only: `$EXPANDED_ID` is `$EXPANDED` followed by `_ID`.
    let ws = Workspace::with_contents("GOTO_CLIENT_ID=$EXPANDED_ID\n");
    let line = client_id_line(&ws, &[("EXPANDED", "zq9K"), ("EXPANDED_ID", "unused")]);
    assert!(line.contains("zq9K… (7 characters)"), "{line}");

    // An earlier key of the file is used only when the environment does not hold the name.
    let ws = Workspace::with_contents("BASE=fromfile\nGOTO_CLIENT_ID=${BASE}\n");
    assert!(client_id_line(&ws, &[]).contains("from… (8 characters)"));
    let line = client_id_line(&ws, &[("BASE", "envwins")]);
    assert!(line.contains("envw… (7 characters)"), "{line}");
}

#[test]
fn ok_single_quoted_values_are_literal() {
    let ws = Workspace::with_contents("GOTO_CLIENT_ID='$EXPANDEDID'\n");
    let line = client_id_line(&ws, &[("EXPANDEDID", "zq9Kexample")]);
    assert!(line.contains("$EXP… (11 characters)"), "{line}");
}
