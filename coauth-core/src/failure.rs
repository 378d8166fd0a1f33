//! Names every failure a provider reports, in one place: the error parameters of its
//! redirect, the HTTP status and body of its token and API answers (including the error
//! bodies some send with HTTP 200) and of the documents it publishes (OpenID discovery,
//! JWKS), and the text of its messages, cut to a harmless code.
//!
//! The engines and presets never decide an error code themselves. They hand what the
//! provider sent to a function here, and contribute their provider's own shapes as data: the
//! [`DenialRule`]s a provider declares ([`crate::Provider::denial_rules`]) say how its
//! redirect reports that the user refused.
//!
//! The codes follow the wire protocol's error table (see [`Error`]): a refusal by the user
//! is `UserDenied`; a 5xx, or an error the provider itself calls temporary, is
//! `ProviderTechnicalError`; anything else the provider refused or garbled is
//! `ProviderError`. Transport failures are [`Error::Transport`], named by [`Error::code`].

use std::collections::BTreeMap;

use http::StatusCode;
use serde_json::Value;

use crate::Error;

/// One shape in which a provider's redirect says the user refused: a redirect parameter,
/// and the value it must have.
///
/// ```
/// use coauth_core::DenialRule;
/// // Facebook reports a cancelled dialog as `error_code=200` or `error_code=4201`.
/// const FACEBOOK: &[DenialRule] = &[
///     DenialRule::equals("error", "access_denied"),
///     DenialRule::equals("error_code", "200"),
///     DenialRule::equals("error_code", "4201"),
/// ];
/// # let _ = FACEBOOK;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DenialRule {
    param: &'static str,
    value: Option<&'static str>,
}

impl DenialRule {
    /// The redirect carries `param` with exactly `value` (compared ignoring ASCII case).
    pub const fn equals(param: &'static str, value: &'static str) -> DenialRule {
        DenialRule {
            param,
            value: Some(value),
        }
    }

    /// The redirect carries `param` at all, whatever its value (OAuth 1.0a's `denied`).
    pub const fn present(param: &'static str) -> DenialRule {
        DenialRule { param, value: None }
    }

    /// Whether `params` match this rule.
    pub fn matches(&self, params: &BTreeMap<String, String>) -> bool {
        match (params.get(self.param), self.value) {
            (Some(given), Some(value)) => given.eq_ignore_ascii_case(value),
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// RFC 6749 section 4.1.2.1: `error=access_denied`. What every provider is assumed to send
/// unless it declares more.
pub const STANDARD_DENIALS: &[DenialRule] = &[DenialRule::equals("error", "access_denied")];

/// OAuth 1.0a (Twitter's shape): the callback carries `denied=<request token>`.
pub const OAUTH1_DENIALS: &[DenialRule] = &[DenialRule::present("denied")];

/// Reads the error a provider's redirect reports, if any: [`Error::UserDenied`] when it
/// matches one of `denials`, else [`Error::ProviderRedirect`] for an `error` or `error_code`
/// parameter, else `None` (not an error).
pub fn redirect_error(params: &BTreeMap<String, String>, denials: &[DenialRule]) -> Option<Error> {
    if denials.iter().any(|rule| rule.matches(params)) {
        return Some(Error::UserDenied("the user denied access".into()));
    }
    let error = match (params.get("error"), params.get("error_code")) {
        (Some(error), _) => error.clone(),
        (None, Some(code)) => format!("error_code {code}"),
        (None, None) => return None,
    };
    let error = sanitize(&error);
    Some(Error::ProviderRedirect {
        temporary: is_temporary(&error),
        error,
    })
}

/// Turns a provider's `error` value (a code, or an object with a message) from an answer
/// to `step` ("token request", "profile request", ...) into the right error, keeping only a
/// sanitized code.
pub(crate) fn provider_error(step: &str, error: &Value) -> Error {
    let code = match error {
        Value::String(code) => code.clone(),
        Value::Object(object) => object
            .get("message")
            .or_else(|| object.get("error_msg"))
            .and_then(value_as_text)
            .unwrap_or_default(),
        other => other.to_string(),
    };
    let safe = sanitize(&code);
    if is_temporary(&safe) {
        Error::ProviderTechnical(format!(
            "the provider reported a temporary failure ({safe})"
        ))
    } else {
        Error::Provider(format!("the provider refused the {step} ({safe})"))
    }
}

/// Whether a provider's (sanitized) error code calls the failure temporary: RFC 6749's
/// `server_error` and `temporarily_unavailable`, VK's `Unknown error occurred` and
/// `Internal server error`, Odnoklassniki's `UNKNOWN : Unknown error`.
fn is_temporary(code: &str) -> bool {
    let lower = code.to_ascii_lowercase();
    matches!(lower.as_str(), "server_error" | "temporarily_unavailable")
        || lower.contains("unknown error")
        || lower.contains("internal server error")
}

/// The error in a token endpoint's answer, if it is one: a 5xx, an `error` field (also with
/// HTTP 200), or another non-success status (Twitch's `{"status": 400, "message": ...}`).
pub(crate) fn token_answer_error(
    status: StatusCode,
    fields: Option<&serde_json::Map<String, Value>>,
) -> Option<Error> {
    if status.is_server_error() {
        return Some(Error::ProviderTechnical(format!(
            "the provider's token endpoint failed with HTTP {}",
            status.as_u16()
        )));
    }
    let Some(fields) = fields else {
        return Some(Error::Provider(format!(
            "the provider's token answer is malformed (HTTP {})",
            status.as_u16()
        )));
    };
    if let Some(error) = fields.get("error") {
        return Some(provider_error("token request", error));
    }
    if !status.is_success() {
        return Some(Error::Provider(format!(
            "the provider's token endpoint refused the request with HTTP {}{}",
            status.as_u16(),
            message_detail(fields.get("message"))
        )));
    }
    None
}

/// Reads a provider API's JSON answer: a 5xx is a technical failure, any status but 200 or
/// a body that is not JSON is refused, and so is a 200 carrying an error object (VK's
/// `{"error": {...}}`, Odnoklassniki's top-level `error_code`).
pub(crate) fn api_answer(status: StatusCode, body: &[u8]) -> Result<Value, Error> {
    let json = json_answer("profile", status, body)?;
    if let Some(error) = json.get("error") {
        return Err(provider_error("profile request", error));
    }
    if json.get("error_code").is_some() {
        return Err(provider_error("profile request", &json));
    }
    Ok(json)
}

/// Reads the JSON answer of a provider API that says in every answer whether it succeeded:
/// the value at `pointer` must be `ok` (TikTok's `/error/code` is `ok`, Naver's
/// `/resultcode` is `00`); any other value is the error's code, and an answer without one is
/// refused too. Statuses are read as [`json_answer`] reads them; the provider's other fields
/// named `error` are not errors here (TikTok sends an `error` object with every answer).
pub(crate) fn api_answer_marked(
    status: StatusCode,
    body: &[u8],
    pointer: &str,
    ok: &str,
) -> Result<Value, Error> {
    let json = json_answer("profile", status, body)?;
    match json.pointer(pointer).and_then(value_as_text) {
        Some(code) if code == ok => Ok(json),
        Some(code) => Err(provider_error("profile request", &Value::String(code))),
        None => Err(Error::Provider(
            "the provider's profile answer does not say whether it succeeded".into(),
        )),
    }
}

/// A provider's JSON answer, from an API (`what` is `profile`) or a document it publishes
/// (its OpenID `discovery` document, its `JWKS`): a 5xx is a technical failure, any status
/// but 200 is refused (with the answer's `message`, sanitized, when it has one), and so is
/// a body that is not JSON.
pub(crate) fn json_answer(what: &str, status: StatusCode, body: &[u8]) -> Result<Value, Error> {
    if status.is_server_error() {
        return Err(Error::ProviderTechnical(format!(
            "the provider's {what} endpoint failed with HTTP {}",
            status.as_u16()
        )));
    }
    let json = serde_json::from_slice::<Value>(body);
    if status != StatusCode::OK {
        let message = json.as_ref().ok().and_then(|json| json.get("message"));
        return Err(Error::Provider(format!(
            "the provider's {what} endpoint refused the request with HTTP {}{}",
            status.as_u16(),
            message_detail(message)
        )));
    }
    json.map_err(|_| {
        Error::Provider(format!(
            "the provider's {what} answer is malformed (HTTP {})",
            status.as_u16()
        ))
    })
}

/// The error of an OAuth 1.0a endpoint's answer to `step` ("request token", "access
/// token", "profile"), given that its status is not a success: a 5xx is technical, anything
/// else names the provider's error code (Twitter's `{"errors":[{"code":32,...}]}`, a JSON or
/// form `error`), never the body itself.
#[cfg(feature = "oauth1")]
pub(crate) fn oauth1_answer_error(step: &str, status: StatusCode, body: &[u8]) -> Error {
    if status.is_server_error() {
        return Error::ProviderTechnical(format!(
            "the provider's {step} endpoint failed with HTTP {}",
            status.as_u16()
        ));
    }
    let code = if let Ok(json) = serde_json::from_slice::<Value>(body) {
        json.pointer("/errors/0/code")
            .map(|code| code.to_string())
            .or_else(|| json.get("error").and_then(value_as_text))
    } else {
        std::str::from_utf8(body).ok().and_then(|text| {
            url::form_urlencoded::parse(text.trim().as_bytes())
                .find(|(name, _)| name == "error")
                .map(|(_, value)| value.into_owned())
        })
    };
    let detail = code
        .map(|code| sanitize(&code))
        .filter(|code| !code.is_empty())
        .map(|code| format!(", error {code}"))
        .unwrap_or_default();
    Error::Provider(format!(
        "the provider refused the {step} request (HTTP {}{detail})",
        status.as_u16()
    ))
}

/// ` (message)` from a provider's `message` field, sanitized; empty when there is none.
fn message_detail(message: Option<&Value>) -> String {
    message
        .and_then(value_as_text)
        .map(|message| format!(" ({})", sanitize(&message)))
        .unwrap_or_default()
}

/// A provider's error text reduced to a short run of harmless characters, for messages:
/// at most 64 of `[A-Za-z0-9_. -]`.
pub(crate) fn sanitize(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
        .take(64)
        .collect()
}

/// A JSON string as it is, or a number in decimal.
pub(crate) fn value_as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
