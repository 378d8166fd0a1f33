//! The one error type of coauth and its mapping to the wire protocol's error table.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

/// Everything that can go wrong in a sign-in, as the server reports it.
///
/// Each variant maps to exactly one `code` of the wire protocol ([`Error::code`]) and one HTTP
/// status ([`Error::status`]). Messages are written for people and never contain a secret,
/// an authorization code or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request or its options are malformed (`ValidationError`, 400).
    #[error("{0}")]
    Validation(String),
    /// The request body is larger than the resource accepts (`ValidationError`, 413).
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The largest body the resource accepts, in bytes.
        limit: usize,
    },
    /// The request's `Content-Type` is not the one the resource accepts (`ValidationError`, 415).
    #[error("request body must be {expected}")]
    UnsupportedMediaType {
        /// The media type the resource accepts.
        expected: &'static str,
    },
    /// The resource does not answer this HTTP method (`ValidationError`, 405, with `Allow`).
    #[error("method not allowed; use {allow}")]
    MethodNotAllowed {
        /// The value of the `Allow` header: the methods the resource answers.
        allow: &'static str,
    },
    /// Data sent to the server are invalid: unknown provider, bad or expired flow, state
    /// mismatch, redirect URI not allowed, foreign origin (`InputError`, 400).
    #[error("{0}")]
    Input(String),
    /// The user refused at the provider (`UserDenied`, 409).
    #[error("{0}")]
    UserDenied(String),
    /// The provider could not be reached: DNS, connect, TLS or timeout
    /// (`ProviderConnectionError`, 500).
    #[error("{0}")]
    ProviderConnection(String),
    /// The provider answered 5xx or reported a temporary failure
    /// (`ProviderTechnicalError`, 500).
    #[error("{0}")]
    ProviderTechnical(String),
    /// Any other provider failure: malformed answer, error body, invalid token
    /// (`ProviderError`, 500).
    #[error("{0}")]
    Provider(String),
}

impl Error {
    /// The error's code in the wire protocol, e.g. `"InputError"`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_)
            | Error::PayloadTooLarge { .. }
            | Error::UnsupportedMediaType { .. }
            | Error::MethodNotAllowed { .. } => "ValidationError",
            Error::Input(_) => "InputError",
            Error::UserDenied(_) => "UserDenied",
            Error::ProviderConnection(_) => "ProviderConnectionError",
            Error::ProviderTechnical(_) => "ProviderTechnicalError",
            Error::Provider(_) => "ProviderError",
        }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Validation(_) | Error::Input(_) => StatusCode::BAD_REQUEST,
            Error::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Error::UserDenied(_) => StatusCode::CONFLICT,
            Error::ProviderConnection(_) | Error::ProviderTechnical(_) | Error::Provider(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The error as the JSON body of the wire protocol: `{"code": ..., "message": ...}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "code": self.code(), "message": self.to_string() })
    }

    /// The complete HTTP answer for this error, as every adapter sends it.
    pub fn to_response(&self) -> Response<Bytes> {
        let mut response = crate::resources::json_response(self.status(), &self.to_json());
        if let Error::MethodNotAllowed { allow } = self {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// A configuration mistake found when a [`crate::Coauth`] or a provider is built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid coauth configuration: {0}")]
pub struct ConfigError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_follow_the_table() {
        let cases = [
            (Error::Validation("x".into()), "ValidationError", 400),
            (Error::PayloadTooLarge { limit: 1 }, "ValidationError", 413),
            (
                Error::MethodNotAllowed { allow: "POST" },
                "ValidationError",
                405,
            ),
            (Error::Input("x".into()), "InputError", 400),
            (Error::UserDenied("x".into()), "UserDenied", 409),
            (
                Error::ProviderConnection("x".into()),
                "ProviderConnectionError",
                500,
            ),
            (
                Error::ProviderTechnical("x".into()),
                "ProviderTechnicalError",
                500,
            ),
            (Error::Provider("x".into()), "ProviderError", 500),
        ];
        for (error, code, status) in cases {
            assert_eq!(error.code(), code);
            assert_eq!(error.status().as_u16(), status);
            let response = error.to_response();
            assert_eq!(response.status().as_u16(), status);
            let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
            assert_eq!(body["code"], code);
        }
    }

    #[test]
    fn method_not_allowed_names_the_allowed_methods() {
        let response = Error::MethodNotAllowed { allow: "POST" }.to_response();
        assert_eq!(response.headers()[header::ALLOW], "POST");
    }
}
