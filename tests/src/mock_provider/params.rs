//! OAuth request parameters, parsed the way RFC 6749 §3.1 asks: a parameter sent twice is
//! an error, and a parameter sent without a value counts as omitted.

use std::collections::HashMap;

/// Decoded `application/x-www-form-urlencoded` parameters (query string or body).
pub(super) struct Params {
    values: HashMap<String, String>,
}

impl Params {
    /// Parses `input`; a repeated parameter name is an error naming it.
    pub(super) fn parse(input: &[u8]) -> Result<Params, String> {
        let mut values = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(input) {
            if values
                .insert(name.clone().into_owned(), value.into_owned())
                .is_some()
            {
                return Err(format!("parameter `{name}` is repeated"));
            }
        }
        Ok(Params { values })
    }

    /// The parameter's value, or `None` when it is absent or empty.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Decodes every pair, keeping order and duplicates (for recordings).
pub(super) fn pairs(input: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(input).into_owned().collect()
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space, `%XX` a byte),
/// strictly: a malformed escape or invalid UTF-8 is `None`.
pub(super) fn form_decode(component: &str) -> Option<String> {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// RFC 7636 `43*128unreserved`, the grammar of both code_verifier and code_challenge.
pub(super) fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameter_is_an_error() {
        assert!(Params::parse(b"a=1&a=2").is_err());
        let p = Params::parse(b"a=1&b=&c=x+y%21").unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x y!"));
    }

    #[test]
    fn form_decode_is_strict() {
        assert_eq!(form_decode("a+b%3Ac%25").as_deref(), Some("a b:c%"));
        assert_eq!(form_decode("bad%2"), None);
        assert_eq!(form_decode("bad%zz"), None);
        assert_eq!(form_decode("%+1"), None);
        assert_eq!(form_decode("%ff"), None);
        assert_eq!(form_decode("%C3%A9").as_deref(), Some("é"));
    }

    #[test]
    fn pkce_grammar() {
        assert!(is_pkce_value(&"a".repeat(43)));
        assert!(is_pkce_value(&"-._~9Z".repeat(22)[..128]));
        assert!(!is_pkce_value(&"a".repeat(42)));
        assert!(!is_pkce_value(&"a".repeat(129)));
        assert!(!is_pkce_value(&format!("{}+", "a".repeat(43))));
    }
}
