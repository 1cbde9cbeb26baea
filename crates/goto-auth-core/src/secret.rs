//! Secret newtypes.
//!
//! Every credential the workspace handles lives in one of these types from the moment it is read
//! until the moment it goes on the wire. They have a redacted `Debug`, no `Display` and no
//! `PartialEq`, so a secret cannot reach a log line, an error message or a snapshot by accident:
//! the only way out is [`expose_secret`](ClientSecret::expose_secret), which is easy to grep for.

use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself.
            ///
            /// # Security Warning
            ///
            /// Only hand the result to the HTTP request that needs it (or to the one opt-in
            /// `--print`); never format it into a message.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type! {
    /// The OAuth client's secret (`GOTO_CLIENT_SECRET`).
    ClientSecret
}

secret_type! {
    /// A GoTo Personal Access Token (`GOTO_PAT`), created at myaccount.goto.com → Developer Tools.
    PersonalAccessToken
}

secret_type! {
    /// An OAuth access token, sent as `Authorization: Bearer …`.
    AccessToken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = ClientSecret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "ClientSecret([redacted])");
        assert_eq!(
            format!("{:?}", AccessToken::new("eyJabc")),
            "AccessToken([redacted])"
        );
        assert_eq!(
            format!("{:#?}", Some(PersonalAccessToken::new("pat"))),
            "Some(\n    PersonalAccessToken([redacted]),\n)"
        );
    }
}
