//! The request log tests read back: every request in order, whole, even ones a fault answered.

use goto_sandbox::{Fault, FaultKind, Sandbox, seed};

use crate::support::{basic, exchange, form, get};

#[test]
fn ok_every_request_is_recorded_in_order_and_whole() {
    let sandbox = Sandbox::start();
    exchange(&sandbox, seed::PAT);
    sandbox.inject(Fault {
        path_prefix: "/users/v1/lines".to_owned(),
        times: 1,
        kind: FaultKind::Drop,
    });
    let token = sandbox.mint_token(seed::PAT);
    let _ = crate::support::client()
        .get(format!("{}/users/v1/lines", sandbox.base_url()))
        .send();
    get(
        &sandbox,
        "/users/v1/users?accountKey=1&pageSize=2",
        Some(&token),
    );

    let requests = sandbox.requests();
    let summary: Vec<(&str, &str, Option<&str>)> = requests
        .iter()
        .map(|request| {
            (
                request.method.as_str(),
                request.path.as_str(),
                request.query.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("POST", "/oauth/token", None),
            ("GET", "/users/v1/lines", None),
            ("GET", "/users/v1/users", Some("accountKey=1&pageSize=2")),
        ]
    );
    let exchange = &requests[0];
    assert_eq!(
        exchange.header("Authorization"),
        Some(basic(seed::CLIENT_ID, seed::CLIENT_SECRET).as_str())
    );
    assert_eq!(
        exchange.header("CONTENT-TYPE"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(exchange.header("accept"), Some("application/json"));
    assert_eq!(exchange.header("x-missing"), None);
    assert_eq!(
        String::from_utf8_lossy(&exchange.body),
        form(&[("grant_type", "personal_access_token"), ("pat", seed::PAT)])
    );
    assert!(
        exchange
            .headers
            .iter()
            .all(|(name, _)| name == &name.to_lowercase()),
        "{:?}",
        exchange.headers
    );
    assert_eq!(
        requests[2].header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
}
