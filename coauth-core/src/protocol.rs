//! The JSON wire protocol between coauth.js and the server resources.

use serde::{Deserialize, Serialize};

use crate::Error;

mod unique;

/// Longest accepted `providerType`.
const MAX_PROVIDER_NAME: usize = 64;

/// Longest accepted `identity`, in bytes of compact JSON (as it is sealed). With it, the
/// sealed flow always fits the 4096 characters the result step accepts (SECURITY.md item
/// 37), so `auth_url` never hands out a flow that cannot finish.
pub const MAX_IDENTITY_BYTES: usize = 1024;

/// Longest piece of a malformed body's description that a `ValidationError` message keeps:
/// serde's text can quote what the client sent (an unknown member's name, a string of the
/// wrong type), and an answer echoes no more than a short piece of it (SECURITY.md item 40).
const MAX_PARSE_DETAIL: usize = 120;

/// `POST {base}/auth_url` request body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthUrlRequest {
    /// Name of the provider, as registered in the app.
    pub provider_type: String,
    /// The result page URL the provider will redirect to; must be allowed exactly.
    pub redirect_uri: String,
    /// The app's identity value, sealed and returned in the result: at most
    /// [`MAX_IDENTITY_BYTES`] of JSON, without a repeated key in any object.
    #[serde(default, deserialize_with = "unique::value")]
    pub identity: serde_json::Value,
    /// `popup` (default) or `silent`.
    #[serde(default)]
    pub mode: Mode,
    /// Scopes and provider-specific settings.
    #[serde(default)]
    pub auth: AuthOptions,
}

/// How the client runs the flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// In a popup window; the provider may show pages.
    #[default]
    Popup,
    /// In a hidden iframe; the provider must answer without showing anything.
    Silent,
    /// The whole page goes to the provider and comes back, for browsers where popups cannot
    /// work; the provider may show pages.
    Redirect,
}

impl Mode {
    /// The mode's name on the wire (`"popup"`, `"silent"`, `"redirect"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Popup => "popup",
            Mode::Silent => "silent",
            Mode::Redirect => "redirect",
        }
    }
}

/// The client's `auth` options: requested scopes plus provider-specific settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthOptions {
    /// Scopes to request; the provider's defaults when empty.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Provider-specific settings; a repeated key, at any depth, is refused.
    #[serde(flatten, deserialize_with = "unique::map")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `POST {base}/auth_url` answer.
///
/// Its `Debug` shows neither the sealed flow nor the authorization URL's query, which
/// carries `state`, the nonce or an OAuth 1.0a request token (SECURITY.md item 30).
#[derive(Clone, Serialize)]
pub struct AuthUrlResponse {
    /// The provider's authorization URL.
    pub url: String,
    /// The sealed flow, to send back to `result`.
    pub flow: String,
}

/// `POST {base}/result` request body.
///
/// Its `Debug` shows the names of the `response` parameters but not their values (the
/// authorization code, `state`, an OAuth 1.0a verifier), nor the sealed flow (SECURITY.md
/// item 30).
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResultRequest {
    /// Name of the provider; must be the one the flow was started with.
    pub provider_type: String,
    /// The sealed flow from `auth_url`.
    pub flow: String,
    /// The parameters the provider sent to the result page; a repeated key, at any depth,
    /// is refused.
    #[serde(deserialize_with = "unique::map")]
    pub response: serde_json::Map<String, serde_json::Value>,
    /// Where the provider's answer arrived: the result page's `location.origin +
    /// location.pathname`. It must name the flow's redirect URI (its origin and path), or the
    /// result is refused before any call to the provider (provider mix-up, SECURITY.md
    /// item 33). Required: a request without it (empty when the member is missing) is
    /// refused with `InputError`.
    #[serde(default)]
    pub redirect_uri: String,
    /// Requested fields and provider-specific settings.
    #[serde(default)]
    pub result: ResultOptions,
    /// `true`: the request carries no answer (an empty `response`, no `redirectUri`) and
    /// waits for it instead: the server answers once the provider's redirect for this flow
    /// reaches its result page, if it does within seconds, or else with 204 No Content (the
    /// early answer; SECURITY.md item 47).
    #[serde(default)]
    pub wait: bool,
}

/// The client's `result` options: requested profile fields plus provider-specific settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ResultOptions {
    /// Provider profile fields to return in the result's `fields`.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Provider-specific settings; a repeated key, at any depth, is refused.
    #[serde(flatten, deserialize_with = "unique::map")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Parses a JSON request body, mapping every failure to [`Error::Validation`].
///
/// The message says what is wrong and where (line and column), keeping at most a short,
/// sanitized piece of serde's description, which may quote the client's input.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|error| {
        let text = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        let description = text.strip_suffix(&position).unwrap_or(&text);
        let mut message = format!(
            "malformed request body: {}",
            echo_text(description, MAX_PARSE_DETAIL)
        );
        if error.line() > 0 {
            message.push_str(&position);
        }
        Error::Validation(message)
    })
}

/// Checks the size of a flow's `identity`: at most [`MAX_IDENTITY_BYTES`] of compact JSON.
pub(crate) fn check_identity(identity: &serde_json::Value) -> Result<(), Error> {
    let len = serde_json::to_string(identity).map_or(usize::MAX, |json| json.len());
    if len > MAX_IDENTITY_BYTES {
        return Err(Error::Validation(format!(
            "identity is longer than {MAX_IDENTITY_BYTES} bytes of JSON"
        )));
    }
    Ok(())
}

/// A name the client sent (a provider, a key), made fit to appear in a message: at most
/// `max` characters, each outside `[A-Za-z0-9_.-]` shown as `?`, `...` when cut.
pub(crate) fn echo(text: &str, max: usize) -> String {
    let mut echoed: String = text
        .chars()
        .take(max)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '?'
            }
        })
        .collect();
    if text.chars().nth(max).is_some() {
        echoed.push_str("...");
    }
    echoed
}

/// A description that may quote the client's input (serde's), made fit for a message: at
/// most `max` characters, control characters, non-ASCII and `<`, `>`, `&` shown as `?`, `...`
/// when cut.
fn echo_text(text: &str, max: usize) -> String {
    let mut echoed: String = text
        .chars()
        .take(max)
        .map(|c| {
            if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '<' | '>' | '&') {
                c
            } else {
                '?'
            }
        })
        .collect();
    if text.chars().nth(max).is_some() {
        echoed.push_str("...");
    }
    echoed
}

impl std::fmt::Debug for AuthUrlResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let without_query = self.url.split(['?', '#']).next().unwrap_or_default();
        f.debug_struct("AuthUrlResponse")
            .field("url", &format_args!("{without_query}?[redacted]"))
            .field(
                "flow",
                &format_args!("[sealed, {} characters]", self.flow.len()),
            )
            .finish()
    }
}

impl std::fmt::Debug for ResultRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultRequest")
            .field("provider_type", &self.provider_type)
            .field(
                "flow",
                &format_args!("[sealed, {} characters]", self.flow.len()),
            )
            .field("response", &self.response.keys().collect::<Vec<_>>())
            .field("result", &self.result)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

pub(crate) fn check_provider_name(name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::Validation("providerType is required".into()));
    }
    if name.len() > MAX_PROVIDER_NAME {
        return Err(Error::Validation("providerType is too long".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_url_request_defaults() {
        let request: AuthUrlRequest =
            parse_json(br#"{"providerType":"github","redirectUri":"https://a.example/r"}"#)
                .unwrap();
        assert_eq!(request.mode, Mode::Popup);
        assert!(request.identity.is_null());
        assert!(request.auth.scope.is_empty());
    }

    #[test]
    fn provider_specific_options_are_kept() {
        let request: AuthUrlRequest = parse_json(
            br#"{"providerType":"g","redirectUri":"r","mode":"silent","auth":{"scope":["a"],"hd":"x.example"}}"#,
        )
        .unwrap();
        assert_eq!(request.mode, Mode::Silent);
        assert_eq!(request.auth.scope, ["a"]);
        let redirect: AuthUrlRequest =
            parse_json(br#"{"providerType":"g","redirectUri":"r","mode":"redirect"}"#).unwrap();
        assert_eq!(redirect.mode, Mode::Redirect);
        assert_eq!(redirect.mode.as_str(), "redirect");
        assert!(
            parse_json::<AuthUrlRequest>(br#"{"providerType":"g","redirectUri":"r","mode":"tab"}"#)
                .is_err()
        );
        assert_eq!(request.auth.extra["hd"], "x.example");
    }

    #[test]
    fn result_request_reads_where_the_answer_arrived() {
        let request: ResultRequest = parse_json(
            br#"{"providerType":"g","flow":"f","response":{},"redirectUri":"https://a.example/r"}"#,
        )
        .unwrap();
        assert_eq!(request.redirect_uri, "https://a.example/r");
        // Missing parses as empty, which the result step refuses as InputError.
        let request: ResultRequest =
            parse_json(br#"{"providerType":"g","flow":"f","response":{}}"#).unwrap();
        assert_eq!(request.redirect_uri, "");
        let error = parse_json::<ResultRequest>(
            br#"{"providerType":"g","flow":"f","response":{},"redirectUri":5}"#,
        )
        .unwrap_err();
        assert_eq!(error.code(), "ValidationError");
    }

    /// A repeated key inside `response`, `identity` or the `auth` and `result` options is
    /// refused, at any depth, rather than read as its last value (SECURITY.md item 38).
    #[test]
    fn repeated_keys_are_refused_at_every_depth() {
        let result_bodies = [
            r#"{"providerType":"g","flow":"f","response":{"state":"a","state":"b"}}"#,
            r#"{"providerType":"g","flow":"f","response":{"code":"c","x":{"k":1,"k":2}}}"#,
            r#"{"providerType":"g","flow":"f","response":{},"result":{"fields":[],"a":1,"a":2}}"#,
            r#"{"providerType":"g","flow":"f","response":{},"result":{"a":[{"k":1,"k":1}]}}"#,
        ];
        for body in result_bodies {
            let error = parse_json::<ResultRequest>(body.as_bytes()).unwrap_err();
            assert_eq!(error.code(), "ValidationError", "{body}");
            assert!(error.to_string().contains("repeated"), "{body}: {error}");
        }
        let auth_bodies = [
            r#"{"providerType":"g","redirectUri":"r","identity":{"id":1,"id":2}}"#,
            r#"{"providerType":"g","redirectUri":"r","identity":[{"a":{"b":1,"b":1}}]}"#,
            r#"{"providerType":"g","redirectUri":"r","auth":{"hd":"a","hd":"b"}}"#,
            r#"{"providerType":"g","redirectUri":"r","auth":{"scope":["a"],"scope":["b"]}}"#,
            r#"{"providerType":"g","redirectUri":"r","auth":{"x":{"y":1,"y":2}}}"#,
        ];
        for body in auth_bodies {
            let error = parse_json::<AuthUrlRequest>(body.as_bytes()).unwrap_err();
            assert_eq!(error.code(), "ValidationError", "{body}");
        }
        // The same key in different objects is no repetition, and values keep their types.
        let request: AuthUrlRequest = parse_json(
            br#"{"providerType":"g","redirectUri":"r","identity":{"a":{"id":1},"b":{"id":2.5},"c":[null,true,"s",-3]},"auth":{"hd":"x","o":{"hd":"y"}}}"#,
        )
        .unwrap();
        assert_eq!(
            request.identity,
            serde_json::json!({"a": {"id": 1}, "b": {"id": 2.5}, "c": [null, true, "s", -3]})
        );
        assert_eq!(request.auth.extra["o"]["hd"], "y");
        let request: ResultRequest = parse_json(
            br#"{"providerType":"g","flow":"f","response":{"code":"c","state":"s"},"result":{"fields":["a"],"k":{"k":1}}}"#,
        )
        .unwrap();
        assert_eq!(request.response["state"], "s");
        assert_eq!(request.result.extra["k"]["k"], 1);
    }

    /// `identity` is capped at [`MAX_IDENTITY_BYTES`] of JSON, with the limit in the message.
    #[test]
    fn identity_is_capped() {
        let fits = serde_json::Value::String("i".repeat(MAX_IDENTITY_BYTES - 2));
        assert!(check_identity(&fits).is_ok());
        assert!(check_identity(&serde_json::Value::Null).is_ok());
        let over = serde_json::Value::String("i".repeat(MAX_IDENTITY_BYTES - 1));
        let error = check_identity(&over).unwrap_err();
        assert_eq!(error.code(), "ValidationError");
        assert!(error.to_string().contains("1024"), "{error}");
        // Counted as JSON: escapes count.
        let escaped = serde_json::Value::String("\n".repeat(MAX_IDENTITY_BYTES / 2));
        assert!(check_identity(&escaped).is_err());
    }

    /// A malformed body's message keeps only a short, sanitized piece of what the client
    /// sent, however long or hostile (SECURITY.md item 40).
    #[test]
    fn validation_messages_echo_only_a_short_sanitized_piece() {
        let long = "z".repeat(10_000);
        let bodies = [
            format!(r#"{{"providerType":"g","redirectUri":"r","{long}":1}}"#),
            format!(r#"{{"providerType":"g","redirectUri":"r","mode":"{long}"}}"#),
            format!(r#"{{"providerType":"g","redirectUri":"r","auth":{{"scope":"{long}"}}}}"#),
            format!(
                r#"{{"providerType":"g","redirectUri":"r","identity":{{"{long}":1,"{long}":2}}}}"#
            ),
            r#"{"providerType":"g","redirectUri":"r","<img src=x> ":1}"#.to_owned(),
        ];
        for body in &bodies {
            let error = parse_json::<AuthUrlRequest>(body.as_bytes()).unwrap_err();
            let message = error.to_string();
            assert_eq!(error.code(), "ValidationError");
            assert!(message.len() < 200, "{message}");
            assert!(!message.contains(&"z".repeat(121)), "{message}");
            assert!(
                !message.contains('<') && !message.contains('\u{2028}'),
                "{message}"
            );
            assert!(message.contains(" at line 1 column "), "{message}");
        }
        assert_eq!(echo("github", 64), "github");
        assert_eq!(echo("</script>", 64), "??script?");
        assert_eq!(echo(&"a".repeat(70), 64), format!("{}...", "a".repeat(64)));
    }

    #[test]
    fn debug_shows_no_flow_code_or_state() {
        let request: ResultRequest = parse_json(
            br#"{"providerType":"g","flow":"sealed-flow-xyz","response":{"code":"code-xyz","state":"state-xyz"}}"#,
        )
        .unwrap();
        let text = format!("{request:?}");
        assert!(
            text.contains("\"code\"") && text.contains("\"state\""),
            "{text}"
        );
        assert!(!text.contains("xyz"), "{text}");
        let answer = AuthUrlResponse {
            url: "https://p.example/authorize?state=state-xyz&nonce=nonce-xyz".into(),
            flow: "sealed-flow-xyz".into(),
        };
        let text = format!("{answer:?}");
        assert!(text.contains("https://p.example/authorize"), "{text}");
        assert!(!text.contains("xyz"), "{text}");
    }

    #[test]
    fn malformed_bodies_are_validation_errors() {
        for body in [
            &b"{"[..],
            b"[]",
            br#"{"redirectUri":"r"}"#,
            br#"{"providerType":"g","redirectUri":"r","surprise":1}"#,
            br#"{"providerType":"g","providerType":"h","redirectUri":"r"}"#,
            br#"{"providerType":"g","redirectUri":"r","mode":"sideways"}"#,
        ] {
            let error = parse_json::<AuthUrlRequest>(body).unwrap_err();
            assert_eq!(error.code(), "ValidationError");
        }
    }
}
