//! [`HttpClient`] for async closures: a stub, a recorder or a wrapper around another client
//! is a closure, not a struct with a trait impl.

use std::future::Future;

use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, Response};

use super::{HttpClient, HttpError};

/// Every closure (or function) that takes the request and returns a future of the answer
/// is an [`HttpClient`]: `|request: Request<Bytes>| async move { ... }`, or an async closure
/// `async |request: Request<Bytes>| { ... }` that captures nothing.
///
/// The closure must be `Send + Sync` and its future `Send`, as for any client; to plug it
/// into an app with [`crate::CoauthBuilder::http_client`] it must also be `'static` (own or
/// share what it captures, an `Arc` for instance). Name the argument's type: the compiler
/// infers a closure's argument from a bound on the closure itself, not through this impl.
/// A closure with state clones it into the future it returns, as the counting client below
/// does; an async closure that captures state is not an `Fn` returning a future (its future
/// borrows the closure), so it is not a client.
///
/// A client that fails every request, one that answers from memory, and one that wraps
/// another client:
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// use coauth_core::bytes::Bytes;
/// use coauth_core::http::{Request, Response};
/// use coauth_core::{HttpClient, HttpError};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let offline = async |_: Request<Bytes>| Err(HttpError::Connect("offline".into()));
/// let request = || Request::get("https://id.example/token").body(Bytes::new()).unwrap();
/// assert!(matches!(
///     offline.execute(request()).await,
///     Err(HttpError::Connect(_))
/// ));
///
/// let token = |_: Request<Bytes>| async {
///     Ok(Response::new(Bytes::from_static(br#"{"access_token":"t"}"#)))
/// };
/// let answer = token.execute(request()).await.unwrap();
/// assert_eq!(answer.body(), r#"{"access_token":"t"}"#);
///
/// // Counts the requests, then lets another client answer them.
/// let calls = Arc::new(AtomicUsize::new(0));
/// let counted = Arc::clone(&calls);
/// let inner: Arc<dyn HttpClient> = Arc::new(token);
/// let counting = move |request: Request<Bytes>| {
///     counted.fetch_add(1, Ordering::SeqCst);
///     let inner = Arc::clone(&inner);
///     async move { inner.execute(request).await }
/// };
/// assert!(counting.execute(request()).await.is_ok());
/// assert_eq!(calls.load(Ordering::SeqCst), 1);
/// // Plugged into an app like any client.
/// let builder = coauth_core::Coauth::builder().http_client(counting);
/// # drop(builder);
/// # }
/// ```
#[async_trait]
impl<F, Fut> HttpClient for F
where
    F: Fn(Request<Bytes>) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Response<Bytes>, HttpError>> + Send,
{
    async fn execute(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        self(request).await
    }
}
