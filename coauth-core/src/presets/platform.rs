//! Checks shared by the presets whose hosts or paths are filled with what the app gives: the
//! identity platforms (Auth0, Okta, Keycloak, Cognito, Azure AD B2C, Zitadel, Authentik,
//! FusionAuth, Salesforce: a tenant, realm, region, policy or base URL) and Mastodon (an
//! instance). A value that could move a URL to another host or path is refused at `build`,
//! never sent.

// Only the base URL check serves an OAuth 2.0 preset (Mastodon).
#![cfg_attr(not(feature = "oidc"), allow(dead_code))]

use url::Url;

use crate::ConfigError;
use crate::net::{Reach, host_reach};

/// The variable a preset with a base URL sets to `"1"` when the app allowed plain http on
/// loopback ([`check_base_url`]).
pub(crate) const ALLOW_HTTP_LOOPBACK: &str = "allow_http_loopback";

/// `8-4-4-4-12` hexadecimal digits.
pub(crate) fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A DNS host name of at least two labels (letters, digits, inner hyphens; at most 63
/// bytes each, 253 in all) whose last label is not numeric: nothing that could leave the
/// host part of a URL (no `/`, `?`, `#`, `@`, `:`, whitespace, IP literal).
pub(crate) fn is_host_name(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    text.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && labels
            .last()
            .is_some_and(|top| !top.bytes().all(|b| b.is_ascii_digit()))
}

/// A host name ([`is_host_name`]), or fails naming `provider` and `what` it is.
pub(crate) fn check_host_name(provider: &str, what: &str, text: &str) -> Result<(), ConfigError> {
    if is_host_name(text) {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "the {provider} {what} {text:?} must be a host name such as login.example.com \
             (no scheme, path, port or IP address)"
        )))
    }
}

/// One path segment of letters, digits, `-`, `_` and `.` (not `.` or `..`), at most 255
/// bytes: nothing that could add a path segment, a query or a fragment, or step up a
/// level. Fails naming `provider` and `what` it is.
pub(crate) fn check_segment(provider: &str, what: &str, text: &str) -> Result<(), ConfigError> {
    let ok = !text.is_empty()
        && text.len() <= 255
        && text != "."
        && text != ".."
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "the {provider} {what} {text:?} must be one path segment of letters, digits, \
             '-', '_' and '.'"
        )))
    }
}

/// The app's base URL of a self-hosted platform, normalized without a trailing slash:
/// `https` with a host name or public address, or on loopback (plain `http` there too) only
/// when `allow_loopback`; no user name, password, query or fragment. An address literal the
/// outbound policy refuses (private, link-local, ...) is refused here already.
pub(crate) fn check_base_url(
    provider: &str,
    text: &str,
    allow_loopback: bool,
) -> Result<String, ConfigError> {
    let refuse = |why: &str| ConfigError(format!("the {provider} base URL {why}"));
    if text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '{' | '}' | '\\'))
    {
        return Err(refuse("must not contain whitespace, braces or backslashes"));
    }
    let url = Url::parse(text).map_err(|_| refuse("is not an absolute URL"))?;
    let host = url.host_str().ok_or_else(|| refuse("has no host"))?;
    match (url.scheme(), host_reach(host)) {
        (_, Reach::Refused) => {
            return Err(refuse(
                "is on a private, link-local or reserved address, where no provider is",
            ));
        }
        ("https" | "http", Reach::Loopback) if allow_loopback => {}
        (_, Reach::Loopback) => {
            return Err(refuse(
                "is on loopback: allow it explicitly with allow_http_loopback",
            ));
        }
        ("https", Reach::Public) => {}
        _ => return Err(refuse("must use https")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("must not have a query or a fragment"));
    }
    if url
        .path_segments()
        .is_some_and(|mut segments| segments.any(|s| s == ".." || s == "."))
    {
        return Err(refuse("must not have dot segments"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        for good in ["dev-abc.us.auth0.com", "login.example.com", "A-1.example"] {
            assert!(is_host_name(good), "{good}");
        }
        for bad in [
            "",
            "localhost",
            "example.com/",
            "example.com:443",
            "user@example.com",
            "a b.example",
            "-a.example",
            "a..example",
            "10.0.0.1",
            "example.com?x",
            "example.com#x",
        ] {
            assert!(!is_host_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn segments() {
        for good in ["main", "B2C_1_signin", "my-app.v2"] {
            assert!(check_segment("P", "realm", good).is_ok(), "{good}");
        }
        for bad in [
            "", ".", "..", "a/b", "a?b", "a#b", "a b", "a@b", "a%2Fb", "a\\b",
        ] {
            assert!(check_segment("P", "realm", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("P", "https://sso.example.com/", false).unwrap(),
            "https://sso.example.com"
        );
        assert_eq!(
            check_base_url("P", "https://example.com/auth", false).unwrap(),
            "https://example.com/auth"
        );
        assert_eq!(
            check_base_url("P", "http://127.0.0.1:8080", true).unwrap(),
            "http://127.0.0.1:8080"
        );
        for (bad, allow) in [
            ("http://sso.example.com", true),
            ("http://127.0.0.1:8080", false),
            ("https://localhost", false),
            ("https://10.1.2.3", true),
            ("https://169.254.169.254", true),
            ("https://user:pw@sso.example.com", false),
            ("https://sso.example.com/?x=1", false),
            ("https://sso.example.com/#x", false),
            ("ftp://sso.example.com", false),
            ("sso.example.com", false),
            (" https://sso.example.com", false),
            ("https://sso.example.com/{realm}", false),
        ] {
            assert!(check_base_url("P", bad, allow).is_err(), "{bad}");
        }
    }
}
