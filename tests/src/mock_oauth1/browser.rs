//! A minimal browser for the OAuth 1.0a mock's
//! [`MockIdp::decide`](crate::mock::MockIdp::decide): load the authorization page, read its
//! form, press a button, report where the provider redirects.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, LOCATION};
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use url::Url;

/// An answer, fully read.
struct Answer {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

async fn send(method: Method, url: &Url, form: Option<String>) -> Result<Answer, String> {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut request = Request::builder().method(method).uri(url.as_str());
    if form.is_some() {
        request = request.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let request = request
        .body(Full::new(Bytes::from(form.unwrap_or_default())))
        .map_err(|e| format!("building a request to {url}: {e}"))?;
    let response = client
        .request(request)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("{url}: reading the body: {e}"))?
        .to_bytes();
    Ok(Answer {
        status,
        location,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

pub(super) async fn decide(authorize_url: &str, approve: bool) -> Result<Url, String> {
    let page_url = Url::parse(authorize_url)
        .map_err(|e| format!("bad authorize URL {authorize_url:?}: {e}"))?;
    let page = send(Method::GET, &page_url, None).await?;
    if page.status != StatusCode::OK {
        return Err(format!(
            "authorize page answered {}: {}",
            page.status, page.body
        ));
    }
    let form_start = page
        .body
        .find("<form")
        .ok_or("the authorize page has no form")?;
    let form = &page.body[form_start..];
    let action = attribute(form, "action").ok_or("the form has no action")?;
    let button = if approve { "approve" } else { "deny" };
    if !form.contains(&format!("id=\"{button}\"")) {
        return Err(format!("the authorize page has no #{button} button"));
    }
    let token_input = form
        .find("name=\"oauth_token\"")
        .map(|at| &form[at..])
        .ok_or("the form has no oauth_token field")?;
    let token = attribute(token_input, "value").ok_or("the oauth_token field has no value")?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("oauth_token", &token)
        .append_pair("decision", button)
        .finish();
    let target = page_url
        .join(&action)
        .map_err(|e| format!("bad form action {action:?}: {e}"))?;
    let answer = send(Method::POST, &target, Some(body)).await?;
    if !answer.status.is_redirection() {
        return Err(format!(
            "the decision answered {} instead of a redirect: {}",
            answer.status, answer.body
        ));
    }
    let location = answer.location.ok_or("a redirect without Location")?;
    target
        .join(&location)
        .map_err(|e| format!("bad Location {location:?}: {e}"))
}

/// The first double-quoted `name="..."` attribute in `html`, unescaped.
fn attribute(html: &str, name: &str) -> Option<String> {
    let marker = format!("{name}=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(
        html[start..end]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}
