//! [`ErrorHook`]: app code that sees every refusal and failure of the resources, to count
//! or report them.

use crate::Error;

/// Which coauth resource a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Step {
    /// `POST {base}/auth_url`: a sign-in starts.
    AuthUrl,
    /// `POST {base}/result`: a sign-in finishes.
    Result,
    /// `POST {base}/result_frame`: a sign-in finishes through the frame transport.
    ResultFrame,
    /// `GET {base}/coauth.js` or `{base}/coauth.mjs`: the browser client.
    Script,
    /// `GET {base}/auth_page`: the stub page the popup opens on.
    AuthPage,
    /// `GET|POST {base}/result_page`: the page the provider redirects to.
    ResultPage,
    /// `GET {base}/session`: the signed-in user.
    Session,
    /// `POST {base}/sign_out`: the session ends.
    SignOut,
}

impl Step {
    /// The step's name as logs and metrics show it: `auth_url`, `result`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Step::AuthUrl => "auth_url",
            Step::Result => "result",
            Step::ResultFrame => "result_frame",
            Step::Script => "script",
            Step::AuthPage => "auth_page",
            Step::ResultPage => "result_page",
            Step::Session => "session",
            Step::SignOut => "sign_out",
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One refusal or failure, as an [`ErrorHook`] sees it.
///
/// Its `Debug` shows the request's method and path only: the headers hold the binding
/// cookie and the query of a result page holds the authorization code and `state`
/// (SECURITY.md item 30).
#[non_exhaustive]
pub struct ErrorEvent<'a> {
    /// The resource the request reached.
    pub step: Step,
    /// The provider the request named, once it is known to be a well-formed provider name
    /// (it may still be one the app does not have).
    pub provider: Option<&'a str>,
    /// The fingerprint of the flow the request carried (`result`), the same short value
    /// coauth's logs name the flow by; never the flow itself.
    pub flow: Option<&'a str>,
    /// What went wrong; [`Error::code`], [`Error::status`] and [`Error::browser_message`]
    /// are what the client gets, its `Display` the detail (for a provider-side failure,
    /// more than the browser is told), and [`std::error::Error::source`] the cause when
    /// there is one (a transport error).
    pub error: &'a Error,
    /// The request's head: method, URI, headers (cookies included: the hook must not log
    /// them), extensions.
    pub request: &'a http::request::Parts,
}

impl std::fmt::Debug for ErrorEvent<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ErrorEvent")
            .field("step", &self.step)
            .field("provider", &self.provider)
            .field("flow", &self.flow)
            .field("error", &self.error)
            .field("method", &self.request.method)
            .field("path", &self.request.uri.path())
            .finish_non_exhaustive()
    }
}

/// App code that sees every refusal and failure of the resources: `ValidationError` and
/// `InputError` refusals, denials and provider failures, before coauth answers the client.
///
/// It runs inline on the request, so it should be quick (count, or hand the event to a
/// channel); it cannot change the answer. Any `Fn(&ErrorEvent)` is one:
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use coauth_core::{Coauth, ErrorEvent, presets::GitHub};
///
/// let failures = Arc::new(AtomicU64::new(0));
/// let counter = failures.clone();
/// let coauth = Coauth::builder()
///     .secret("a random app secret, at least 32 bytes long!")
///     .provider("github", GitHub::new("client-id", "client-secret").build())
///     .redirect_uri("https://app.example/coauth/result_page")
///     .error_hook(move |event: &ErrorEvent<'_>| {
///         if event.error.code().starts_with("Provider") {
///             counter.fetch_add(1, Ordering::Relaxed);
///         }
///     })
///     .build()
///     .expect("valid configuration");
/// # let _ = coauth;
/// ```
pub trait ErrorHook: Send + Sync + 'static {
    /// Called once for each refused or failed request.
    fn on_error(&self, event: &ErrorEvent<'_>);
}

impl<F> ErrorHook for F
where
    F: Fn(&ErrorEvent<'_>) + Send + Sync + 'static,
{
    fn on_error(&self, event: &ErrorEvent<'_>) {
        self(event)
    }
}
