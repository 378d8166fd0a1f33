//! The frame transport: `POST {base}/result_frame`, a form posted into a hidden iframe and
//! answered with a page that hands the result step's answer to its parent window.

use bytes::Bytes;
use http::{HeaderValue, Method, Response, header};

use super::{FORM, JSON, Resource, Seen, is_media_type, page_response, script_safe_json};
use crate::Error;
use crate::protocol::{ResultRequest, parse_json};

/// The frame result page, naming coauth.js by its version.
static FRAME_RESULT_PAGE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| super::assets::with_script_version(coauth_js::FRAME_RESULT_PAGE));

impl Resource {
    /// The frame transport: the same checks and answer as `/result`, for a form posted
    /// into a hidden iframe, answered with a page that hands the answer to its parent.
    ///
    /// A cross-site form must not finish someone else's sign-in in the victim's browser
    /// (SECURITY.md item 2), so on top of `/result`'s checks (allowed `Origin`, binding
    /// cookie, no cross-site `Sec-Fetch-Site`) a form is accepted only when
    /// `Sec-Fetch-Site`, if sent, is `same-origin`.
    pub(super) async fn result_frame(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
        seen: &mut Seen,
    ) -> Result<Response<Bytes>, Error> {
        if parts.method != Method::POST {
            return Err(Error::MethodNotAllowed { allow: "POST" });
        }
        if !is_media_type(&parts.headers, FORM) {
            return Err(Error::UnsupportedMediaType { expected: FORM });
        }
        let form = FrameForm::parse(&body);
        let answer = match self.finish_frame(parts, &form, seen).await {
            Ok(answer) => answer,
            Err(error) => {
                self.report(&error, seen, parts);
                error.to_response()
            }
        };
        Ok(frame_page(form.id(), answer))
    }

    async fn finish_frame(
        &self,
        parts: &http::request::Parts,
        form: &FrameForm,
        seen: &mut Seen,
    ) -> Result<Response<Bytes>, Error> {
        let request = form.check()?;
        let site = parts
            .headers
            .get("sec-fetch-site")
            .map(|v| v.to_str().unwrap_or(""));
        if site.is_some_and(|site| site != "same-origin") {
            return Err(Error::Input(
                "the result frame accepts same-origin requests only".into(),
            ));
        }
        let body: ResultRequest = parse_json(request.as_bytes())?;
        seen.provider(&body.provider_type);
        seen.flow(&body.flow);
        // The result hook reads the form's extra fields from the request's extensions.
        let mut parts = parts.clone();
        parts.extensions.insert(FrameFields(form.extra.clone()));
        self.finish(body, &parts).await
    }
}

/// The extra fields of a `POST /result_frame` form (every field but `request` and `id`,
/// in order): the data the client's `authResultFrameRequest` was given in `extra.fields`.
/// The result hook finds them in the request's extensions:
/// `request.extensions.get::<FrameFields>()`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameFields(pub Vec<(String, String)>);

/// Most extra fields a frame form may carry.
const MAX_FRAME_FIELDS: usize = 32;

/// A `/result_frame` form: `request` (the JSON body `/result` takes), `id` (the client's
/// message id, echoed in the answer) and the app's extra fields.
#[derive(Debug, Default)]
pub(super) struct FrameForm {
    request: Vec<String>,
    id: Vec<String>,
    extra: Vec<(String, String)>,
}

impl FrameForm {
    pub(super) fn parse(body: &[u8]) -> FrameForm {
        let mut form = FrameForm::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            match name.as_ref() {
                "request" => form.request.push(value.into_owned()),
                "id" => form.id.push(value.into_owned()),
                _ => form.extra.push((name.into_owned(), value.into_owned())),
            }
        }
        form
    }

    /// The message id when it is one the client makes: 1 to 64 characters of
    /// `[A-Za-z0-9_-]`, sent once. It is echoed into the page, so nothing else passes.
    fn id(&self) -> Option<&str> {
        match self.id.as_slice() {
            [id] if (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Some(id)
            }
            _ => None,
        }
    }

    /// The JSON request, once the form's shape is right.
    fn check(&self) -> Result<&str, Error> {
        if self.id().is_none() {
            return Err(Error::Validation(
                "the frame request needs one id of 1-64 letters, digits, '-' or '_'".into(),
            ));
        }
        if self.extra.len() > MAX_FRAME_FIELDS {
            return Err(Error::Validation(format!(
                "the frame request carries more than {MAX_FRAME_FIELDS} extra fields"
            )));
        }
        match self.request.as_slice() {
            [request] => Ok(request),
            [] => Err(Error::Validation(
                "the frame request has no request field".into(),
            )),
            _ => Err(Error::Validation(
                "the frame request has more than one request field".into(),
            )),
        }
    }
}

/// The page that carries `answer` (a JSON answer of the result step, the app hook's answer,
/// or an error) to the parent window: `{id, status, data}` as inert JSON. The status is the
/// answer's, and so are its headers (the hook's `Set-Cookie` above all) except those that
/// describe the body, which is now the page.
pub(super) fn frame_page(id: Option<&str>, answer: Response<Bytes>) -> Response<Bytes> {
    let (parts, body) = answer.into_parts();
    let is_json = is_media_type(&parts.headers, JSON);
    let data = if is_json {
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null)
    } else {
        serde_json::Value::String(String::from_utf8_lossy(&body).into_owned())
    };
    let carried = serde_json::json!({
        "id": id,
        "status": parts.status.as_u16(),
        "data": data,
    });
    let html = FRAME_RESULT_PAGE.replacen(
        coauth_js::FRAME_RESULT_PLACEHOLDER,
        &script_safe_json(&carried),
        1,
    );
    let mut response = page_response(html);
    *response.status_mut() = parts.status;
    let headers = response.headers_mut();
    for (name, value) in &parts.headers {
        let describes_body = name.as_str().starts_with("content-")
            || name == header::X_FRAME_OPTIONS
            || name == header::ETAG
            || name == header::LAST_MODIFIED;
        if describes_body {
            continue;
        }
        if name == header::CACHE_CONTROL {
            headers.insert(header::CACHE_CONTROL, value.clone());
        } else {
            headers.append(name.clone(), value.clone());
        }
    }
    let length = response.body().len();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
}

#[cfg(test)]
mod tests {
    use super::super::pages::PAGE_CSP;
    use super::*;
    use crate::error::json_response;
    use http::StatusCode;

    #[test]
    fn a_frame_page_carries_status_data_and_cookies_but_not_body_headers() {
        let mut answer = json_response(
            StatusCode::CONFLICT,
            &serde_json::json!({"code": "UserDenied"}),
        );
        let headers = answer.headers_mut();
        headers.append(header::SET_COOKIE, HeaderValue::from_static("a=1"));
        headers.append(header::SET_COOKIE, HeaderValue::from_static("b=2"));
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("ALLOWALL"),
        );
        let page = frame_page(Some("id-1"), answer);
        assert_eq!(page.status(), StatusCode::CONFLICT);
        let headers = page.headers();
        assert_eq!(headers.get_all(header::SET_COOKIE).iter().count(), 2);
        assert!(!headers.contains_key(header::CONTENT_ENCODING));
        assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], PAGE_CSP);
        let html = std::str::from_utf8(page.body()).unwrap();
        let open = r#"<script type="application/json" id="coauth-result">"#;
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find("</script>").unwrap();
        let carried: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(
            carried,
            serde_json::json!({"id": "id-1", "status": 409, "data": {"code": "UserDenied"}})
        );
        assert!(!html.contains(coauth_js::FRAME_RESULT_PLACEHOLDER));
    }

    #[test]
    fn frame_form_ids_are_checked_before_they_are_echoed() {
        let form = FrameForm::parse(b"request=%7B%7D&id=ab-_09&x=1&x=2");
        assert_eq!(form.id(), Some("ab-_09"));
        assert_eq!(form.check().unwrap(), "{}");
        assert_eq!(
            form.extra,
            [("x".into(), "1".into()), ("x".into(), "2".into())]
        );
        for body in [
            &b"request=1"[..],
            b"request=1&id=",
            b"request=1&id=a%3Cb",
            b"request=1&id=a&id=a",
        ] {
            let form = FrameForm::parse(body);
            assert_eq!(form.id(), None);
            assert_eq!(form.check().unwrap_err().code(), "ValidationError");
        }
    }
}
