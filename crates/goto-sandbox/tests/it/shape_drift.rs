//! Shape drift: an API's answers gain a field and rename another, then return to normal.

use goto_sandbox::{Sandbox, seed};

use crate::support::get;

#[test]
fn ok_drift_adds_external_id_and_renames_name_to_label() {
    let sandbox = Sandbox::start();
    let token = sandbox.mint_token(seed::PAT);
    let before = get(&sandbox, "/users/v1/lines", Some(&token)).json();
    sandbox.set_shape_drift("/users/v1/lines", true);
    let drifted = get(&sandbox, "/users/v1/lines", Some(&token)).json();
    assert_ne!(before, drifted);
    for line in drifted["items"].as_array().expect("items") {
        assert!(line["externalId"].is_string(), "{line}");
        assert!(
            line.get("name").is_none() && line["label"].is_string(),
            "{line}"
        );
    }
    // Other APIs keep their shape.
    let me = get(&sandbox, "/identity/v1/Users/me", Some(&token)).json();
    assert!(me.get("externalId").is_none());

    sandbox.set_shape_drift("/users/v1/lines", false);
    assert_eq!(
        get(&sandbox, "/users/v1/lines", Some(&token)).json(),
        before
    );
}

#[test]
fn ok_drift_reaches_single_records_and_bare_arrays() {
    let sandbox = Sandbox::start();
    let token = sandbox.mint_token(seed::PAT);
    sandbox.set_shape_drift("/identity/", true);
    sandbox.set_shape_drift("/G2M/", true);
    let me = get(&sandbox, "/identity/v1/Users/me", Some(&token)).json();
    assert!(
        me["externalId"].is_string() && me["label"]["givenName"].is_string(),
        "{me}"
    );
    let meetings = get(&sandbox, "/G2M/rest/upcomingMeetings", Some(&token)).json();
    assert!(meetings[0]["externalId"].is_string(), "{meetings}");
    // Errors are not drifted.
    let refused = get(&sandbox, "/identity/v1/Users/me", None).json();
    assert!(refused.get("externalId").is_none());
}
