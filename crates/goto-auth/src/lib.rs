//! The core of the workspace: configuration, secrets, the PAT exchange, the token cache and the
//! lossless `.env` editor.
//!
//! This crate never prints and never reads the process environment on its own: the caller hands
//! it what it needs ([`config::Sources::new`] takes an environment lookup), so the xtask alone
//! decides what a user sees. Secrets live in the types of [`secret`], which have no `Display`.
//!
//! The flow of `cargo xtask token`:
//! [`dotenv::read_file`] → [`config::Sources`] → [`cache::decide`] → [`token::exchange`]
//! (built by [`token::token_request`], sent by [`http::HttpClient`], read by
//! [`token::parse_token_response`]) → [`dotenv::update_file`].

#![warn(missing_docs)]

pub mod api;
pub mod cache;
pub mod config;
pub mod dotenv;
pub mod error;
pub mod http;
pub mod keys;
pub mod retry;
pub mod secret;
pub mod token;
pub mod url;
