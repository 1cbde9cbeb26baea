//! The per-API rate limit: 429 past N requests per second, with and without `Retry-After`.

use std::time::Duration;

use goto_sandbox::{Options, Sandbox, seed};

use crate::support::{Reply, client, connect_error_code, exchange, get, token_for};

/// Sends `count` requests to `path` as fast as one client can and returns the replies.
///
/// One client on one kept-alive connection: building a client per request takes long enough on
/// a busy machine that the allowance refills between requests and no burst is over the limit.
fn burst(sandbox: &Sandbox, path: &str, token: &str, count: usize) -> Vec<Reply> {
    let client = client();
    (0..count)
        .map(|_| {
            Reply::from_response(
                client
                    .get(format!("{}{path}", sandbox.base_url()))
                    .header("authorization", format!("Bearer {token}"))
                    .send()
                    .expect("the sandbox answers"),
            )
        })
        .collect()
}

fn first_refusal(replies: Vec<Reply>) -> Reply {
    replies
        .into_iter()
        .find(|reply| reply.status == 429)
        .expect("a burst over the limit gets a 429")
}

#[test]
fn err_the_default_limit_answers_429_with_retry_after() {
    let sandbox = Sandbox::start();
    let token = sandbox.mint_token(seed::PAT);
    // A burst of 10 passes and 10 more trickle in per second, so 30 quick requests cannot all pass.
    let replies = burst(&sandbox, "/users/v1/lines", &token, 30);
    assert!(replies[..10].iter().all(|reply| reply.status == 200));
    let refused = first_refusal(replies);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(connect_error_code(&refused), "TOO_MANY_REQUESTS");
}

#[test]
fn err_without_retry_after_the_429_has_no_such_header() {
    let sandbox = Sandbox::start_with(Options {
        rate_limit_per_second: Some(2),
        retry_after: false,
        ..Options::default()
    })
    .expect("the sandbox starts");
    let token = sandbox.mint_token(seed::PAT);
    let refused = first_refusal(burst(&sandbox, "/users/v1/lines", &token, 6));
    assert_eq!(refused.header("retry-after"), None);
    sandbox.set_retry_after(true);
    let refused = first_refusal(burst(&sandbox, "/users/v1/lines", &token, 6));
    assert_eq!(refused.header("retry-after"), Some("1"));
}

#[test]
fn ok_each_api_has_its_own_allowance() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(Some(2));
    let token = sandbox.mint_token(seed::PAT);
    first_refusal(burst(&sandbox, "/users/v1/lines", &token, 6));
    assert_eq!(
        get(&sandbox, "/identity/v1/Users/me", Some(&token)).status,
        200
    );
    assert_eq!(
        get(&sandbox, "/G2M/rest/upcomingMeetings", Some(&token)).status,
        200
    );
}

#[test]
fn ok_the_allowance_refills_after_retry_after() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(Some(1));
    let token = sandbox.mint_token(seed::PAT);
    let refused = first_refusal(burst(&sandbox, "/users/v1/lines", &token, 4));
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|seconds| seconds.parse().ok())
        .expect("Retry-After in seconds");
    std::thread::sleep(Duration::from_secs(wait) + Duration::from_millis(100));
    assert_eq!(get(&sandbox, "/users/v1/lines", Some(&token)).status, 200);
}

#[test]
fn ok_no_limit_lets_every_request_through() {
    let sandbox = Sandbox::start_with(Options {
        rate_limit_per_second: None,
        ..Options::default()
    })
    .expect("the sandbox starts");
    let token = sandbox.mint_token(seed::PAT);
    let replies = burst(&sandbox, "/users/v1/lines", &token, 40);
    assert!(replies.iter().all(|reply| reply.status == 200));
}

#[test]
fn err_the_token_endpoint_is_limited_too() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(Some(2));
    let replies: Vec<Reply> = (0..6).map(|_| exchange(&sandbox, seed::PAT)).collect();
    let refused = first_refusal(replies);
    assert_eq!(refused.header("retry-after"), Some("1"));
    // The API routes keep their own allowance.
    let token = sandbox.mint_token(seed::PAT);
    assert_eq!(get(&sandbox, "/users/v1/lines", Some(&token)).status, 200);
    sandbox.set_rate_limit(None);
    token_for(&sandbox, seed::PAT);
}
