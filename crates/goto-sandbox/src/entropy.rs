//! Random-looking values: token ids, fake signatures, error references.
//!
//! Nothing here protects anything, so a small SplitMix64 generator is enough. It is seeded from
//! std's per-process random hash keys and the clock, so two sandboxes (or two test runs) never
//! mint the same token and a token from one sandbox is unknown to another.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Debug)]
pub(crate) struct Entropy {
    state: u64,
}

impl Entropy {
    pub(crate) fn new() -> Entropy {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u128(
            crate::timestamps::unix_millis(SystemTime::now())
                .unsigned_abs()
                .into(),
        );
        Entropy {
            state: hasher.finish(),
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    pub(crate) fn bytes(&mut self, count: usize) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(count + 8);
        while bytes.len() < count {
            bytes.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        bytes.truncate(count);
        bytes
    }

    /// A version-4-shaped UUID in the usual hyphenated lower-case form.
    pub(crate) fn uuid(&mut self) -> String {
        let mut bytes = self.bytes(16);
        bytes[6] = (bytes[6] & 0x0F) | 0x40;
        bytes[8] = (bytes[8] & 0x3F) | 0x80;
        let hex = hex(&bytes);
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// 32 hexadecimal characters, like the `reference` of GoTo Connect error bodies.
    pub(crate) fn reference(&mut self) -> String {
        hex(&self.bytes(16))
    }

    /// `count` random bytes in unpadded base64url, like a JWT signature.
    pub(crate) fn base64url(&mut self, count: usize) -> String {
        URL_SAFE_NO_PAD.encode(self.bytes(count))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
