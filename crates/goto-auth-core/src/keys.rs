//! The env file's keys, as the contract names them, and where each value comes from.

/// OAuth client id (developer.logmeininc.com/clients).
pub const CLIENT_ID: &str = "GOTO_CLIENT_ID";
/// OAuth client secret.
pub const CLIENT_SECRET: &str = "GOTO_CLIENT_SECRET";
/// Personal Access Token (myaccount.goto.com → Developer Tools).
pub const PAT: &str = "GOTO_PAT";
/// Token host; defaults to <https://authentication.logmeininc.com>.
pub const AUTH_URL: &str = "GOTO_AUTH_URL";
/// When set, every API call goes to this base instead of GoTo's hosts.
pub const API_URL: &str = "GOTO_API_URL";
/// The access token, written by `token`.
pub const ACCESS_TOKEN: &str = "GOTO_ACCESS_TOKEN";
/// The token's expiry as an RFC 3339 UTC instant, written by `token`.
pub const ACCESS_TOKEN_EXPIRES_AT: &str = "GOTO_ACCESS_TOKEN_EXPIRES_AT";
/// The granted scopes, space separated, written by `token`.
pub const TOKEN_SCOPE: &str = "GOTO_TOKEN_SCOPE";
/// The token owner's email, written by `token`.
pub const TOKEN_PRINCIPAL: &str = "GOTO_TOKEN_PRINCIPAL";
/// A one-way fingerprint of the client id, PAT and token host the token came from.
pub const TOKEN_MINTED_FOR: &str = "GOTO_TOKEN_MINTED_FOR";

/// The keys the user supplies: a value in the process environment overrides the file.
pub const USER_KEYS: [&str; 5] = [CLIENT_ID, CLIENT_SECRET, PAT, AUTH_URL, API_URL];

/// The keys `token` owns and writes; they are read from the file alone, because the file is the
/// token's store and a stale token exported in the shell must not shadow it.
pub const TOKEN_KEYS: [&str; 5] = [
    ACCESS_TOKEN,
    ACCESS_TOKEN_EXPIRES_AT,
    TOKEN_SCOPE,
    TOKEN_PRINCIPAL,
    TOKEN_MINTED_FOR,
];

/// The token keys that only describe the token. When the server sends a value for one of them
/// that no quoting carries exactly into every env file reader, the key is stored empty and the
/// token is stored all the same: nothing needs these values to use the token.
pub const INFORMATIONAL_KEYS: [&str; 2] = [TOKEN_SCOPE, TOKEN_PRINCIPAL];

/// The keys whose values are secrets and must never be shown.
pub const SECRET_KEYS: [&str; 3] = [CLIENT_SECRET, PAT, ACCESS_TOKEN];

/// Where the value of a user key comes from, in the words of GoTo's guide.
pub fn where_to_find(key: &str) -> &'static str {
    match key {
        CLIENT_ID => {
            "it is your OAuth client's id, listed at https://developer.logmeininc.com/clients \
             (create a client there if you have none)"
        }
        CLIENT_SECRET => {
            "it is the secret shown when the OAuth client was created at \
             https://developer.logmeininc.com/clients (create a new secret there if it is lost)"
        }
        PAT => {
            "create a Personal Access Token at https://myaccount.goto.com → Developer Tools → \
             Create token, with the scopes enabled on your OAuth client"
        }
        _ => "see .env.example for what it holds",
    }
}
