//! Calls to a provider's API on the user's behalf, as profile fetchers make them.
//!
//! Providers disagree on everything around such a call: the method (Dropbox and VK ID want
//! `POST`), where the access token goes (a `Bearer` header, Yandex's `OAuth` scheme, or an
//! `access_token` query or form parameter for VK, Mail.ru and Odnoklassniki), extra headers
//! (Twitch's `Client-Id`), and how errors come back (HTTP 200 with `{"error": {...}}` from VK,
//! `{"error_code": ..., "error_msg": ...}` from Odnoklassniki). [`ApiRequest`] covers them
//! all, so a preset only says what its provider wants.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, header};
use url::Url;

use crate::Error;
use crate::failure::{api_answer, api_answer_marked};
use crate::http_client::HttpClient;
use crate::provider::Credentials;

/// One call to a provider API that answers JSON.
///
/// ```
/// # use coauth_core::oauth2::ApiRequest;
/// # fn example(credentials: &coauth_core::Credentials) -> Result<(), coauth_core::Error> {
/// let url = url::Url::parse("https://api.example/me").unwrap();
/// let request = ApiRequest::get(&url)
///     .bearer(credentials)
///     .query("fields", "id,name")
///     .header("client-id", "my-client")?;
/// # let _ = request; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ApiRequest {
    method: Method,
    url: Url,
    headers: Vec<(HeaderName, HeaderValue)>,
    form: Option<Vec<(String, String)>>,
    json: Option<String>,
}

impl ApiRequest {
    /// A `GET` of `url`.
    pub fn get(url: &Url) -> Self {
        ApiRequest::new(Method::GET, url)
    }

    /// A `POST` to `url`, with an empty body unless [`ApiRequest::form`] adds fields.
    pub fn post(url: &Url) -> Self {
        ApiRequest::new(Method::POST, url)
    }

    fn new(method: Method, url: &Url) -> Self {
        ApiRequest {
            method,
            url: url.clone(),
            headers: Vec::new(),
            form: None,
            json: None,
        }
    }

    /// Sends the access token as `Authorization: Bearer <token>`.
    pub fn bearer(self, credentials: &Credentials) -> Self {
        self.authorization("Bearer", credentials)
    }

    /// Sends the access token as `Authorization: <scheme> <token>` (Yandex: `OAuth`).
    pub fn authorization(mut self, scheme: &str, credentials: &Credentials) -> Self {
        let value = format!("{scheme} {}", credentials.access_token.expose());
        // A token with characters a header cannot carry is sent as a broken header, which
        // the provider refuses; the value is never echoed in a message.
        if let Ok(mut value) = HeaderValue::from_str(&value) {
            value.set_sensitive(true);
            self.headers.push((header::AUTHORIZATION, value));
        }
        self
    }

    /// Sends the access token as `Authorization: <token>`, without a scheme (ClickUp).
    pub fn bare_authorization(mut self, credentials: &Credentials) -> Self {
        if let Ok(mut value) = HeaderValue::from_str(credentials.access_token.expose()) {
            value.set_sensitive(true);
            self.headers.push((header::AUTHORIZATION, value));
        }
        self
    }

    /// Sends `body` as an `application/json` body (a GraphQL query) instead of a form.
    pub fn json(mut self, body: impl Into<String>) -> Self {
        self.json = Some(body.into());
        self
    }

    /// Adds a query parameter to the URL.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.url.query_pairs_mut().append_pair(name, value);
        self
    }

    /// Adds a field to an `application/x-www-form-urlencoded` body.
    pub fn form(mut self, name: &str, value: &str) -> Self {
        self.form
            .get_or_insert_with(Vec::new)
            .push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a header. Fails when `name` or `value` is not a valid header.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Provider(format!("{name:?} is not a valid header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::Provider(format!("the value of header {name} is not a valid header"))
        })?;
        self.headers.push((name, value));
        Ok(self)
    }

    /// Sends the request and returns the JSON answer, refusing HTTP errors and the error
    /// bodies providers send with HTTP 200.
    pub async fn send(self, http: &dyn HttpClient) -> Result<serde_json::Value, Error> {
        let response = self.execute(http).await?;
        api_answer(response.status(), response.body())
    }

    /// Sends the request and returns the JSON answer of an API that says in every answer
    /// whether it succeeded: the value at JSON pointer `pointer` must be `ok` (TikTok's
    /// `/error/code` is `ok`, Naver's `/resultcode` is `00`), and any other value is the
    /// error's code. HTTP errors are refused as by [`ApiRequest::send`].
    pub async fn send_expecting(
        self,
        http: &dyn HttpClient,
        pointer: &str,
        ok: &str,
    ) -> Result<serde_json::Value, Error> {
        let response = self.execute(http).await?;
        api_answer_marked(response.status(), response.body(), pointer, ok)
    }

    /// Sends the request.
    async fn execute(self, http: &dyn HttpClient) -> Result<http::Response<Bytes>, Error> {
        let mut builder = Request::builder()
            .method(self.method)
            .uri(self.url.as_str());
        let has_accept = self.headers.iter().any(|(name, _)| name == header::ACCEPT);
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        if !has_accept {
            builder = builder.header(header::ACCEPT, "application/json");
        }
        let body = match (self.form, self.json) {
            (_, Some(json)) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Bytes::from(json)
            }
            (Some(form), None) => {
                builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form)
                    .finish()
                    .into()
            }
            (None, None) => Bytes::new(),
        };
        let request = builder
            .body(body)
            .map_err(|_| Error::Provider("the profile URL is not a valid URI".into()))?;
        let response = http.execute(request).await?;
        crate::trace::record_status(response.status());
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_shapes() {
        let url = Url::parse("https://api.example/me?v=1").unwrap();
        let request = ApiRequest::post(&url)
            .query("a", "b c")
            .form("client_id", "x&y")
            .header("client-id", "abc")
            .unwrap();
        assert_eq!(request.url.as_str(), "https://api.example/me?v=1&a=b+c");
        assert_eq!(request.form.as_deref().unwrap()[0].1, "x&y");
        assert!(ApiRequest::get(&url).header("client-id", "a\nb").is_err());
        assert!(ApiRequest::get(&url).header("bad name", "a").is_err());
    }
}
