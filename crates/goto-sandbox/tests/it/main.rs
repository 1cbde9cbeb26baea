//! The sandbox's integration tests: real HTTP over 127.0.0.1, no mocks, no network beyond loopback.

mod api_routes; // each API route's answer shape, paging and parameter rules (report window, G2W dates, accountKey)
mod authorization; // bearer tokens on every route: missing, malformed, unknown, expired, missing scope, admin-only
mod binary; // the goto-sandbox binary: its five env lines, its flags, serving until killed
mod conformance; // GoTo's published descriptions (SCIM v1, GoToWebinar v2, GoToMeeting v1), restated here, checked against live answers
mod detail_routes; // a webinar's registrants and a meeting by id, their refusals, and the sandbox's mark on a path it does not serve
mod faults; // injected faults (Respond, Delay, SlowBody, Drop, Truncate, Oversized) seen by a client, and latency
mod guide_curl; // GoTo's guide's own curl commands, run with the real curl, get the documented answers
mod http; // the wire: keep-alive, loopback base URL, port errors, stopping on drop, sharing across threads
mod rate_limit; // 429 past N requests per second per API, with and without Retry-After
mod request_log; // Sandbox::requests: every request in order, whole, case-insensitive header lookup
mod shape_drift; // set_shape_drift: answers gain `externalId` and rename `name` to `label`
mod support; // the harness: a loopback HTTP client and helpers to exchange tokens and call routes
mod tls; // the HTTPS mode: the test CA's certificate for 127.0.0.1 and localhost, refused without the CA, expired, and --tls
mod token_endpoint; // POST /oauth/token: the PAT grant's success, every error, form encoding, /oauth/v2
