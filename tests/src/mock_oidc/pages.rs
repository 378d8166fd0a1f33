//! The mock's HTML: the consent page, Apple's auto-submitting `form_post` page, and a
//! minimal browser that presses the consent buttons for the Rust tests.

use std::fmt::Write as _;

use axum::body::Bytes;
use http::header::{CONTENT_TYPE, LOCATION};
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use url::Url;

use crate::mock::Callback;

/// Escapes text for element content and quoted attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn hidden_inputs(fields: &[(String, String)]) -> String {
    let mut html = String::new();
    for (name, value) in fields {
        // Writing to a String cannot fail.
        let _ = writeln!(
            html,
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape(name),
            escape(value)
        );
    }
    html
}

/// The consent page: the authorization request as hidden fields, Approve and Deny.
pub(super) fn consent(
    action: &str,
    fields: &[(String, String)],
    user: &str,
    client: &str,
) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mock OpenID provider — sign in</title></head>
<body><main>
<h1>Mock OpenID provider — sign in</h1>
<p><strong id="client">{client}</strong> asks to sign you in as <strong id="user-name">{user}</strong>.</p>
<form method="post" action="{action}">
{inputs}<button id="approve" name="decision" value="approve">Approve</button>
<button id="deny" name="decision" value="deny">Deny</button>
</form>
</main></body></html>
"#,
        client = escape(client),
        user = escape(user),
        action = escape(action),
        inputs = hidden_inputs(fields),
    )
}

/// Apple's answer: a page that POSTs the parameters to the redirect URI at once.
pub(super) fn form_post(redirect_uri: &str, fields: &[(String, String)]) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Continue</title></head>
<body>
<form id="form_post" method="post" action="{action}">
{inputs}<noscript><button>Continue</button></noscript>
</form>
<script>document.getElementById('form_post').submit();</script>
</body></html>
"#,
        action = escape(redirect_uri),
        inputs = hidden_inputs(fields),
    )
}

/// The `action` and hidden fields of the first form of a page this module rendered.
fn read_form(html: &str) -> Result<(String, Vec<(String, String)>), String> {
    let form = html.find("<form").ok_or("the page has no form")?;
    let html = &html[form..];
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let form_tag = &html[..html.find('>').ok_or("unterminated form tag")?];
    let action = attribute(form_tag, "action").ok_or("the form has no action")?;
    let mut fields = Vec::new();
    for input in html.split("<input ").skip(1) {
        let tag = &input[..input.find('>').unwrap_or(input.len())];
        if let (Some(name), Some(value)) = (attribute(tag, "name"), attribute(tag, "value")) {
            fields.push((name, value));
        }
    }
    Ok((action, fields))
}

async fn send(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    request: Request<Full<Bytes>>,
) -> Result<(StatusCode, http::HeaderMap, String), String> {
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok((
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

/// Loads the consent page, submits it, and reads the provider's answer to the client.
pub(super) async fn decide(authorize_url: &str, approve: bool) -> Result<Callback, String> {
    let page_url = Url::parse(authorize_url).map_err(|e| format!("bad authorize URL: {e}"))?;
    let client = Client::builder(TokioExecutor::new()).build_http();
    let request = Request::get(page_url.as_str())
        .body(Full::default())
        .map_err(|e| e.to_string())?;
    let (status, _, page) = send(&client, request).await?;
    if status != StatusCode::OK {
        return Err(format!("authorize page answered {status}: {page}"));
    }
    let (action, mut fields) = read_form(&page)?;
    fields.push((
        "decision".into(),
        if approve { "approve" } else { "deny" }.into(),
    ));
    let action = page_url.join(&action).map_err(|e| e.to_string())?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    let request = Request::builder()
        .method(Method::POST)
        .uri(action.as_str())
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let (status, headers, body) = send(&client, request).await?;
    if status.is_redirection() {
        let location = headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or("redirect without a Location")?;
        let target = action.join(location).map_err(|e| e.to_string())?;
        return Ok(Callback::redirect(target));
    }
    if status == StatusCode::OK && body.contains("id=\"form_post\"") {
        let (target, params) = read_form(&body)?;
        let url = action
            .join(&target)
            .map_err(|e| format!("bad form_post action {target:?}: {e}"))?;
        return Ok(Callback { url, params });
    }
    Err(format!("decision answered {status}: {body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_forms_read_back() {
        let fields = vec![
            ("state".to_owned(), "a\"b<c>&'d".to_owned()),
            (
                "user".to_owned(),
                r#"{"name":{"firstName":"G"}}"#.to_owned(),
            ),
        ];
        let (action, read) =
            read_form(&form_post("https://app.example/r?x=1&y=2", &fields)).unwrap();
        assert_eq!(action, "https://app.example/r?x=1&y=2");
        assert_eq!(read, fields);
        let (action, read) = read_form(&consent("/authorize/decision", &fields, "G", "c")).unwrap();
        assert_eq!(action, "/authorize/decision");
        assert_eq!(read, fields);
    }
}
