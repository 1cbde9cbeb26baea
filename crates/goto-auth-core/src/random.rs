//! Random numbers from the operating system's random source, for the two places that need one:
//! the retry jitter ([`crate::retry::jitter`]) and the delimiter of a multi-line `$GITHUB_ENV`
//! entry in the xtask.
//!
//! The delimiter is why this is the OS's source and not a seeded or hand-mixed generator: a
//! server that could predict it could send a token holding the delimiter and end the entry
//! early, setting variables of its own choosing in the later steps of a CI job.

/// A random `u64` from the operating system (`getrandom(2)` on Linux).
///
/// # Panics
///
/// When the operating system gives no random bytes, which on the platforms this workspace runs on
/// means a broken system rather than a condition to handle. The standard library's `HashMap`
/// panics in the same case, for the same reason.
pub fn random_u64() -> u64 {
    match getrandom::u64() {
        Ok(value) => value,
        Err(error) => panic!("the operating system's random source failed: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_differ() {
        // Four equal draws from 2^64 values would mean the source is not random at all.
        let draws = [random_u64(), random_u64(), random_u64(), random_u64()];
        assert!(draws.windows(2).any(|pair| pair[0] != pair[1]), "{draws:?}");
    }
}
