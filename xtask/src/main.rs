//! The `cargo xtask` binary: the commands (in the library, `lib.rs`) with reqwest as their HTTP
//! transport. Nothing else lives here, so that the one crate that compiles after reqwest on a
//! cold build is this one small file.

fn main() -> std::process::ExitCode {
    xtask::run(goto_auth::blocks::connect)
}
