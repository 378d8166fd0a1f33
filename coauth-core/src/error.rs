//! The one error type of coauth and its mapping to the wire protocol's error table.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

/// Everything that can go wrong in a sign-in, as the server reports it.
///
/// Each variant maps to exactly one `code` of the wire protocol ([`Error::code`]) and one HTTP
/// status ([`Error::status`]). Messages are written for people and never contain a secret,
/// an authorization code or a token.
///
/// The error's `Display` is the detailed message, for the app's logs (coauth logs it) and
/// its [`crate::ErrorHook`]. The browser gets [`Error::browser_message`] instead, which is
/// fixed for failures on the provider's side: how a connection failed, or what a provider
/// answered, is none of the browser's business (SECURITY.md item 40).
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
    /// The provider's redirect reported a failure other than a denial
    /// (`error=login_required`, `error=invalid_scope`, `error=server_error`, ...):
    /// `ProviderTechnicalError` when it is a temporary one, `ProviderError` otherwise (500).
    ///
    /// The browser delivered that redirect, so the provider's error code is nothing to hide
    /// from it, and its [`Error::browser_message`] keeps the code: that is how an app tells
    /// a silent sign-in's `login_required` from other failures.
    #[error("{}", redirect_message(.error, *.temporary))]
    ProviderRedirect {
        /// The provider's error code as the redirect carried it, cut to 64 characters of
        /// `[A-Za-z0-9_. -]`.
        error: String,
        /// Whether the provider called the failure temporary (`server_error`,
        /// `temporarily_unavailable`).
        temporary: bool,
    },
    /// An outbound call to the provider failed in transport, as the [`crate::HttpClient`]
    /// reported it. Its code follows the table: [`HttpError::Connect`] and
    /// [`HttpError::Timeout`] are `ProviderConnectionError` (500), the others
    /// (`BodyTooLarge`, `Forbidden`, `Other`) `ProviderError` (500). Its
    /// [`std::error::Error::source`] is the [`HttpError`], whose own source is the I/O,
    /// hyper or TLS error behind it, for the app's logs; the message never names the URL.
    #[error("{}", transport_message(.0))]
    Transport(#[source] HttpError),
}

/// The browser's message for a connection failure (`ProviderConnectionError`).
const CONNECTION_MESSAGE: &str = "the sign-in provider could not be reached";
/// The browser's message for a temporary provider failure (`ProviderTechnicalError`).
const TECHNICAL_MESSAGE: &str = "the sign-in provider failed; try again later";
/// The browser's message for any other provider failure (`ProviderError`).
const PROVIDER_MESSAGE: &str =
    "the sign-in provider refused the sign-in or gave an answer that cannot be used";

/// The message of [`Error::ProviderRedirect`].
fn redirect_message(error: &str, temporary: bool) -> String {
    if temporary {
        format!("the provider reported a temporary failure ({error})")
    } else {
        format!("the provider refused the sign-in ({error})")
    }
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
            Error::ProviderRedirect {
                temporary: true, ..
            } => "ProviderTechnicalError",
            Error::ProviderRedirect { .. } => "ProviderError",
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
            | Error::ProviderRedirect { .. }
            | Error::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message the browser gets in the error answer ([`Error::to_json`]).
    ///
    /// For the client's own mistakes and a denial (`ValidationError`, `InputError`,
    /// `UserDenied`) it is the error's message: it describes the request, quoting at most a
    /// short, sanitized piece of it. For a failure on the provider's side it is fixed per
    /// code: "the sign-in provider could not be reached" (`ProviderConnectionError`), "the
    /// sign-in provider failed; try again later" (`ProviderTechnicalError`), "the sign-in
    /// provider refused the sign-in or gave an answer that cannot be used"
    /// (`ProviderError`); except [`Error::ProviderRedirect`], whose error code came from
    /// the browser. The detail stays in the error's `Display`, for the logs and the
    /// [`crate::ErrorHook`].
    pub fn browser_message(&self) -> String {
        match self {
            Error::ProviderRedirect { .. } => self.to_string(),
            _ => match self.code() {
                "ProviderConnectionError" => CONNECTION_MESSAGE.to_owned(),
                "ProviderTechnicalError" => TECHNICAL_MESSAGE.to_owned(),
                "ProviderError" => PROVIDER_MESSAGE.to_owned(),
                _ => self.to_string(),
            },
        }
    }

    /// The error as the JSON body of the wire protocol: `{"code": ..., "message": ...}`,
    /// with [`Error::browser_message`] as the message.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "code": self.code(), "message": self.browser_message() })
    }

    /// The complete HTTP answer for this error, as every adapter sends it.
    pub fn to_response(&self) -> Response<Bytes> {
        let mut response = json_response(self.status(), &self.to_json());
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

/// Why an outbound request failed.
///
/// Each variant carries a message for people (never a URL, a secret or a token) and, for
/// transport failures, the underlying error (I/O, hyper, TLS) as its
/// [`std::error::Error::source`], so an app's logs can show the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpError {
    /// The connection could not be made: DNS, refused, TLS, or a proxy that could not be
    /// reached or refused the tunnel.
    Connect(HttpErrorDetail),
    /// The request did not complete within the client's time limit.
    Timeout,
    /// The answer is larger than the client accepts.
    BodyTooLarge {
        /// The largest answer body accepted, in bytes.
        limit: usize,
    },
    /// The URL is not allowed by the outbound policy (plain http, private address, ...).
    Forbidden(HttpErrorDetail),
    /// Any other transport failure.
    Other(HttpErrorDetail),
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::Connect(detail) => write!(f, "could not connect: {detail}"),
            HttpError::Timeout => f.write_str("the request timed out"),
            HttpError::BodyTooLarge { limit } => {
                write!(f, "the answer is larger than {limit} bytes")
            }
            HttpError::Forbidden(detail) | HttpError::Other(detail) => detail.fmt(f),
        }
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HttpError::Connect(detail)
            | HttpError::Forbidden(detail)
            | HttpError::Other(detail) => detail
                .cause()
                .map(|cause| cause as &(dyn std::error::Error + 'static)),
            HttpError::Timeout | HttpError::BodyTooLarge { .. } => None,
        }
    }
}

/// The message of an [`HttpError`] and, when there is one, the error that caused it.
///
/// Built from a message (`"offline".into()`, [`HttpErrorDetail::new`]) and optionally given
/// its cause with [`HttpErrorDetail::with_source`]. Two details are equal when their
/// messages are: causes (I/O, hyper, TLS errors) cannot be compared.
#[derive(Clone)]
pub struct HttpErrorDetail {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl HttpErrorDetail {
    /// A detail with `message` and no cause.
    pub fn new(message: impl Into<String>) -> Self {
        HttpErrorDetail {
            message: message.into(),
            source: None,
        }
    }

    /// The same detail, caused by `source` (what [`std::error::Error::source`] of the
    /// [`HttpError`] returns).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The message, as the error displays it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error that caused this one, if known.
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }
}

impl std::fmt::Display for HttpErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Debug for HttpErrorDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("HttpErrorDetail");
        debug.field("message", &self.message);
        if let Some(source) = &self.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl PartialEq for HttpErrorDetail {
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
    }
}

impl Eq for HttpErrorDetail {}

impl From<String> for HttpErrorDetail {
    fn from(message: String) -> Self {
        HttpErrorDetail::new(message)
    }
}

impl From<&str> for HttpErrorDetail {
    fn from(message: &str) -> Self {
        HttpErrorDetail::new(message)
    }
}

/// Every transport failure becomes [`Error::Transport`], which keeps the [`HttpError`] (and
/// its cause) as its source; its code follows the wire protocol's table:
/// `ProviderConnectionError` for [`HttpError::Connect`] and [`HttpError::Timeout`],
/// `ProviderError` for the others.
impl From<HttpError> for Error {
    fn from(error: HttpError) -> Self {
        Error::Transport(error)
    }
}

/// A JSON answer with `Cache-Control: no-store`, as every resource and error answer is sent.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response<Bytes> {
    json_bytes_response(status, body.to_string().into_bytes())
}

/// [`json_response`] of a body already serialized.
pub(crate) fn json_bytes_response(status: StatusCode, body: Vec<u8>) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

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
                Error::ProviderRedirect {
                    error: "login_required".into(),
                    temporary: false,
                },
                "ProviderError",
                500,
            ),
            (
                Error::ProviderRedirect {
                    error: "server_error".into(),
                    temporary: true,
                },
                "ProviderTechnicalError",
                500,
            ),
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

    /// The browser gets a fixed message for each provider-side code, whatever the detail;
    /// the detail stays the error's `Display`. The client's own mistakes, denials and the
    /// provider's redirect errors (which came through the browser) keep their message.
    #[test]
    fn provider_side_failures_give_the_browser_a_fixed_message() {
        let io = std::io::Error::other("dns error: no such host");
        let detailed = [
            (
                Error::from(HttpError::Connect(
                    crate::HttpErrorDetail::new("tcp connect error: 10.1.2.3:443").with_source(io),
                )),
                CONNECTION_MESSAGE,
            ),
            (Error::Transport(HttpError::Timeout), CONNECTION_MESSAGE),
            (
                Error::ProviderConnection("tls handshake: bad certificate".into()),
                CONNECTION_MESSAGE,
            ),
            (
                Error::ProviderTechnical("the token endpoint answered HTTP 503".into()),
                TECHNICAL_MESSAGE,
            ),
            (
                Error::Provider("the provider refused the token request (invalid_grant)".into()),
                PROVIDER_MESSAGE,
            ),
            (
                Error::Transport(HttpError::Forbidden("plain http to 10.0.0.1".into())),
                PROVIDER_MESSAGE,
            ),
            (
                Error::Transport(HttpError::BodyTooLarge { limit: 1048576 }),
                PROVIDER_MESSAGE,
            ),
        ];
        for (error, fixed) in detailed {
            assert_eq!(error.browser_message(), fixed);
            assert_eq!(error.to_json()["message"], fixed);
            let body = String::from_utf8_lossy(error.to_response().body()).into_owned();
            assert!(body.contains(fixed), "{body}");
            assert_ne!(error.to_string(), fixed, "the detail stays in Display");
            for detail in [
                "10.1.2.3",
                "dns",
                "tls",
                "503",
                "invalid_grant",
                "10.0.0.1",
                "1048576",
            ] {
                assert!(!body.contains(detail), "{detail} in {body}");
            }
        }
        for error in [
            Error::Validation("providerType is required".into()),
            Error::Input("the redirect URI is not allowed".into()),
            Error::UserDenied("the user denied access".into()),
            Error::ProviderRedirect {
                error: "login_required".into(),
                temporary: false,
            },
        ] {
            assert_eq!(error.browser_message(), error.to_string());
        }
        assert!(
            Error::ProviderRedirect {
                error: "login_required".into(),
                temporary: false
            }
            .browser_message()
            .contains("login_required")
        );
    }

    #[test]
    fn method_not_allowed_names_the_allowed_methods() {
        let response = Error::MethodNotAllowed { allow: "POST" }.to_response();
        assert_eq!(response.headers()[header::ALLOW], "POST");
    }
}
