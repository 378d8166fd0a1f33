//! The JSON wire protocol between coauth.js and the server resources.

use serde::{Deserialize, Serialize};

use crate::Error;

/// Longest accepted `providerType`.
const MAX_PROVIDER_NAME: usize = 64;

/// `POST {base}/auth_url` request body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthUrlRequest {
    /// Name of the provider, as registered in the app.
    pub provider_type: String,
    /// The result page URL the provider will redirect to; must be allowed exactly.
    pub redirect_uri: String,
    /// The app's identity value, sealed and returned in the result.
    #[serde(default)]
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
}

/// The client's `auth` options: requested scopes plus provider-specific settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthOptions {
    /// Scopes to request; the provider's defaults when empty.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Provider-specific settings.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `POST {base}/auth_url` answer.
#[derive(Debug, Clone, Serialize)]
pub struct AuthUrlResponse {
    /// The provider's authorization URL.
    pub url: String,
    /// The sealed flow, to send back to `result`.
    pub flow: String,
}

/// `POST {base}/result` request body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResultRequest {
    /// Name of the provider; must be the one the flow was started with.
    pub provider_type: String,
    /// The sealed flow from `auth_url`.
    pub flow: String,
    /// The parameters the provider sent to the result page.
    pub response: serde_json::Map<String, serde_json::Value>,
    /// Requested fields and provider-specific settings.
    #[serde(default)]
    pub result: ResultOptions,
}

/// The client's `result` options: requested profile fields plus provider-specific settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ResultOptions {
    /// Provider profile fields to return in the result's `fields`.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Provider-specific settings.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Parses a JSON request body, mapping every failure to [`Error::Validation`].
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|error| {
        // serde's message names the offending field and position, never the value.
        Error::Validation(format!("malformed request body: {error}"))
    })
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
        assert_eq!(request.auth.extra["hd"], "x.example");
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
