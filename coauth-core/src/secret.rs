//! Secret values: never printed, never compared with `==`.

use std::fmt;

/// A secret string (client secret, access token, refresh token, ...).
///
/// `Debug` prints `[redacted]`, there is no `Display` and no `PartialEq`, so a secret cannot
/// reach a log or an error message by accident, nor be compared in variable time: this does
/// not compile.
///
/// ```compile_fail
/// let a = coauth_core::Secret::new("token");
/// let b = coauth_core::Secret::new("token");
/// let _ = a == b;
/// ```
///
/// Nor does printing one:
///
/// ```compile_fail
/// println!("{}", coauth_core::Secret::new("token"));
/// ```
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(secret.expose(), "hunter2-very-secret");
    }
}
