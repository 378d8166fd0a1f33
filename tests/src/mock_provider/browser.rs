//! A minimal browser for the mock provider's
//! [`MockIdp::decide`](crate::mock::MockIdp::decide): load the authorize page, read its
//! form, press a button, report where the provider redirects.

use axum::body::Bytes;
use http::header::{CONTENT_TYPE, LOCATION, USER_AGENT};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use url::Url;

/// A plain HTTP/1 client that never follows redirects.
pub(super) fn http_client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// An answer, fully read.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

/// Sends `request` and reads the whole answer.
pub(super) async fn send(
    client: &Client<HttpConnector, Full<Bytes>>,
    request: Request<Full<Bytes>>,
) -> Result<Answer, String> {
    let uri = request.uri().clone();
    let response = client
        .request(request)
        .await
        .map_err(|e| format!("{uri}: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("{uri}: reading the body: {e}"))?
        .to_bytes();
    Ok(Answer {
        status: parts.status,
        headers: parts.headers,
        body,
    })
}

const BROWSER: &str = "coauth-mock-browser/1.0";

pub(super) async fn decide(authorize_url: &str, approve: bool) -> Result<Url, String> {
    let page_url = Url::parse(authorize_url)
        .map_err(|e| format!("bad authorize URL {authorize_url:?}: {e}"))?;
    let client = http_client();
    let request = Request::builder()
        .method(Method::GET)
        .uri(page_url.as_str())
        .header(USER_AGENT, BROWSER)
        .body(Full::default())
        .map_err(|e| format!("building the authorize request: {e}"))?;
    let page = send(&client, request).await?;
    if page.status.is_redirection() {
        // auto_approve: the provider answered without a page.
        return location(&page_url, &page);
    }
    if page.status != StatusCode::OK {
        return Err(format!(
            "authorize page answered {}: {}",
            page.status,
            String::from_utf8_lossy(&page.body)
        ));
    }
    let html =
        std::str::from_utf8(&page.body).map_err(|_| "authorize page is not UTF-8".to_owned())?;
    let form = Form::parse(html)?;
    let button_id = if approve { "approve" } else { "deny" };
    let button = form
        .buttons
        .iter()
        .find(|b| b.get("id") == Some(button_id))
        .ok_or_else(|| format!("authorize page has no #{button_id} button"))?;
    let mut fields = form.fields.clone();
    if let (Some(name), Some(value)) = (button.get("name"), button.get("value")) {
        fields.push((name.to_owned(), value.to_owned()));
    }
    let action = page_url
        .join(&form.action)
        .map_err(|e| format!("bad form action {:?}: {e}", form.action))?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    let request = Request::builder()
        .method(form.method.as_str())
        .uri(action.as_str())
        .header(USER_AGENT, BROWSER)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("building the decision request: {e}"))?;
    let answer = send(&client, request).await?;
    if !answer.status.is_redirection() {
        return Err(format!(
            "decision answered {} instead of a redirect: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        ));
    }
    location(&action, &answer)
}

/// The Location header, resolved against the request URL as a browser would.
fn location(base: &Url, answer: &Answer) -> Result<Url, String> {
    let value = answer
        .headers
        .get(LOCATION)
        .ok_or_else(|| format!("{} without a Location header", answer.status))?
        .to_str()
        .map_err(|_| "Location header is not ASCII".to_owned())?;
    base.join(value)
        .map_err(|e| format!("bad Location {value:?}: {e}"))
}

/// The first form of a page, as far as a browser submitting it needs.
struct Form {
    method: String,
    action: String,
    /// Hidden inputs, in document order.
    fields: Vec<(String, String)>,
    buttons: Vec<Attributes>,
}

impl Form {
    fn parse(html: &str) -> Result<Form, String> {
        let start = html
            .find("<form")
            .ok_or_else(|| "authorize page has no form".to_owned())?;
        let end = html[start..]
            .find("</form>")
            .map_or(html.len(), |i| start + i);
        let form_html = &html[start..end];
        let mut tags = tags(form_html);
        let (_, form) = tags
            .next()
            .ok_or_else(|| "unterminated <form> tag".to_owned())?;
        let method = form.get("method").unwrap_or("get").to_ascii_uppercase();
        let action = form.get("action").unwrap_or("").to_owned();
        let mut fields = Vec::new();
        let mut buttons = Vec::new();
        for (name, attributes) in tags {
            match name.as_str() {
                "input" if attributes.get("type") == Some("hidden") => {
                    if let Some(field) = attributes.get("name") {
                        let value = attributes.get("value").unwrap_or("");
                        fields.push((field.to_owned(), value.to_owned()));
                    }
                }
                "button" => buttons.push(attributes),
                _ => {}
            }
        }
        Ok(Form {
            method,
            action,
            fields,
            buttons,
        })
    }
}

/// A tag's attributes, values unescaped.
struct Attributes(Vec<(String, String)>);

impl Attributes {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every start tag in `html`: lower-cased name and attributes.
fn tags(html: &str) -> impl Iterator<Item = (String, Attributes)> + '_ {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find('<')?;
            rest = &rest[open + 1..];
            let name_len = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            if name_len == 0 {
                continue; // an end tag, comment or doctype
            }
            let name = rest[..name_len].to_ascii_lowercase();
            rest = &rest[name_len..];
            let (attributes, after) = parse_attributes(rest);
            rest = after;
            return Some((name, attributes));
        }
    })
}

/// Parses attributes up to the closing `>`; returns them and the text after the tag.
fn parse_attributes(mut s: &str) -> (Attributes, &str) {
    let mut attributes = Vec::new();
    loop {
        s = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if s.is_empty() {
            return (Attributes(attributes), s);
        }
        if let Some(after) = s.strip_prefix('>') {
            return (Attributes(attributes), after);
        }
        let name_len = s
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(s.len())
            .max(1);
        let name = s[..name_len].to_ascii_lowercase();
        s = s[name_len..].trim_start();
        let value = if let Some(after_eq) = s.strip_prefix('=') {
            let after_eq = after_eq.trim_start();
            let (raw, after) = match after_eq.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after_eq[1..];
                    let close = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..close], inner.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after_eq
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(after_eq.len());
                    (&after_eq[..end], &after_eq[end..])
                }
            };
            s = after;
            unescape(raw)
        } else {
            String::new()
        };
        attributes.push((name, value));
    }
}

/// Decodes the character references an HTML escaper produces (named basics and numeric).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').and_then(|semi| {
            let entity = &rest[1..semi];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let number = entity.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_form_fields_and_buttons() {
        let html = r#"<!doctype html><p>x</p><form method="post" action="/go?a=1&amp;b=2">
<input type="hidden" name="state" value="a&quot;b&#39;c&lt;&#x26;">
<input type=hidden name=scope value='x y'>
<input type="text" name="ignored" value="no">
<button id="approve" name="decision" value="approve">Approve</button>
<button id="deny" name="decision" value="deny">Deny</button></form>"#;
        let form = Form::parse(html).unwrap();
        assert_eq!(form.method, "POST");
        assert_eq!(form.action, "/go?a=1&b=2");
        assert_eq!(
            form.fields,
            vec![
                ("state".to_owned(), "a\"b'c<&".to_owned()),
                ("scope".to_owned(), "x y".to_owned()),
            ]
        );
        assert_eq!(form.buttons.len(), 2);
        assert_eq!(form.buttons[1].get("value"), Some("deny"));
    }

    #[test]
    fn unescape_leaves_stray_ampersands() {
        assert_eq!(unescape("a & b &zz; &#65;"), "a & b &zz; A");
        assert_eq!(unescape(&super::super::page::escape("<\"'&>")), "<\"'&>");
    }
}
