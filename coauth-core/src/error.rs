//! The one error type of coauth and its mapping to the wire protocol's error table.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

use crate::HttpError;

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
    /// An outbound call to the provider failed in transport, as the [`crate::HttpClient`]
    /// reported it. Its code follows the table: [`HttpError::Connect`] and
    /// [`HttpError::Timeout`] are `ProviderConnectionError` (500), the others
    /// (`BodyTooLarge`, `Forbidden`, `Other`) `ProviderError` (500). Its
    /// [`std::error::Error::source`] is the [`HttpError`], whose own source is the I/O,
    /// hyper or TLS error behind it, for the app's logs; the message never names the URL.
    #[error("{}", transport_message(.0))]
    Transport(#[source] HttpError),
}

/// The message of [`Error::Transport`]: what failed, for people, then the transport's reason.
fn transport_message(error: &HttpError) -> String {
    match error {
        HttpError::Connect(_) | HttpError::Timeout => {
            format!("the sign-in provider could not be reached ({error})")
        }
        HttpError::BodyTooLarge { .. } => {
            format!("the sign-in provider's answer was refused: {error}")
        }
        HttpError::Forbidden(_) | HttpError::Other(_) => {
            format!("the sign-in provider could not be called: {error}")
        }
    }
}

/// Whether a transport failure is a connection failure (`ProviderConnectionError`) rather
/// than another provider failure (`ProviderError`).
fn is_connection_failure(error: &HttpError) -> bool {
    matches!(error, HttpError::Connect(_) | HttpError::Timeout)
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
            Error::Transport(error) if is_connection_failure(error) => "ProviderConnectionError",
            Error::Transport(_) => "ProviderError",
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
            Error::ProviderConnection(_)
            | Error::ProviderTechnical(_)
            | Error::Provider(_)
            | Error::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
            (
                Error::Transport(HttpError::Connect("refused".into())),
                "ProviderConnectionError",
                500,
            ),
            (
                Error::Transport(HttpError::Timeout),
                "ProviderConnectionError",
                500,
            ),
            (
                Error::Transport(HttpError::BodyTooLarge { limit: 1 }),
                "ProviderError",
                500,
            ),
            (
                Error::Transport(HttpError::Forbidden("no".into())),
                "ProviderError",
                500,
            ),
            (
                Error::Transport(HttpError::Other("cut".into())),
                "ProviderError",
                500,
            ),
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

    /// The messages of transport failures are the ones the flat variants carried before:
    /// what failed for people, then the transport's reason; and the cause stays reachable.
    #[test]
    fn transport_errors_keep_their_message_and_cause() {
        use std::error::Error as _;

        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let error = Error::from(HttpError::Connect(
            crate::HttpErrorDetail::new("tcp connect error").with_source(io),
        ));
        assert_eq!(
            error.to_string(),
            "the sign-in provider could not be reached (could not connect: tcp connect error)"
        );
        let http = error.source().expect("the HttpError");
        assert!(http.is::<HttpError>());
        let io = http.source().expect("the io::Error");
        assert_eq!(
            io.downcast_ref::<std::io::Error>()
                .map(std::io::Error::kind),
            Some(std::io::ErrorKind::ConnectionRefused)
        );
        assert_eq!(
            Error::from(HttpError::BodyTooLarge { limit: 8 }).to_string(),
            "the sign-in provider's answer was refused: the answer is larger than 8 bytes"
        );
        assert_eq!(
            Error::from(HttpError::Forbidden("plain http".into())).to_string(),
            "the sign-in provider could not be called: plain http"
        );
    }

    #[test]
    fn method_not_allowed_names_the_allowed_methods() {
        let response = Error::MethodNotAllowed { allow: "POST" }.to_response();
        assert_eq!(response.headers()[header::ALLOW], "POST");
    }
}
