//! The cookies coauth sets, the binding cookie and the session cookie: one `Set-Cookie`
//! format, one choice of name by the origin's scheme, and one reader of a request's cookies.

use http::{HeaderMap, HeaderValue, header};

/// The two names of one of coauth's cookies: on https origins (`__Host-`: `Secure`,
/// `Path=/`, no `Domain`) and on plain-http loopback origins, where `Secure` cannot be set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CookieNames {
    pub(crate) secure: &'static str,
    pub(crate) loopback: &'static str,
}

impl CookieNames {
    /// The name for a page of `origin`.
    pub(crate) fn for_origin(self, origin: &str) -> &'static str {
        if origin.starts_with("https://") {
            self.secure
        } else {
            self.loopback
        }
    }

    /// The `Set-Cookie` value of cookie `name` (one of these two): `Path=/`, `Max-Age`,
    /// `HttpOnly`, `SameSite=Lax`, and `Secure` for the https name. A `max_age` of 0 deletes
    /// it.
    pub(crate) fn set_cookie(self, name: &str, value: &str, max_age: u64) -> HeaderValue {
        let secure = if name == self.secure { "; Secure" } else { "" };
        let max_age = max_age.to_string();
        let mut cookie = String::with_capacity(name.len() + value.len() + 64);
        for part in [
            name,
            "=",
            value,
            "; Path=/; Max-Age=",
            &max_age,
            "; HttpOnly; SameSite=Lax",
            secure,
        ] {
            cookie.push_str(part);
        }
        HeaderValue::from_str(&cookie).expect("coauth's cookies are base64url and ASCII attributes")
    }

    /// This cookie's values among the request's cookies, with the name each came under, in
    /// the order sent.
    pub(crate) fn read(self, headers: &HeaderMap) -> impl Iterator<Item = (&'static str, &str)> {
        request_cookies(headers).filter_map(move |(name, value)| {
            if name == self.secure {
                Some((self.secure, value))
            } else if name == self.loopback {
                Some((self.loopback, value))
            } else {
                None
            }
        })
    }
}

/// Every `name=value` pair of the request's `Cookie` headers, in the order sent.
fn request_cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}
