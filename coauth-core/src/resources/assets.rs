//! The client script, as a classic script (`coauth.js`) and as an ES module
//! (`coauth.mjs`), with strong ETags and conditional requests.

use std::sync::LazyLock;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};

use super::{check_read_method, finish_read};
use crate::Error;

/// A strong ETag for an embedded asset, computed once.
fn asset_etag(asset: &str) -> HeaderValue {
    let hash = crate::crypto::sha256_b64(asset.as_bytes());
    HeaderValue::from_str(&format!("\"{}\"", &hash[..27])).expect("base64url is a valid header")
}

pub(super) static SCRIPT_ETAG: LazyLock<HeaderValue> =
    LazyLock::new(|| asset_etag(coauth_js::COAUTH_JS));
pub(super) static MODULE_ETAG: LazyLock<HeaderValue> =
    LazyLock::new(|| asset_etag(coauth_js::COAUTH_MJS));

pub(super) fn serve_script(
    request: &http::request::Parts,
    script: &'static str,
    etag: &HeaderValue,
) -> Result<Response<Bytes>, Error> {
    check_read_method(request, "GET, HEAD")?;
    let etag = etag.clone();
    let not_modified = request
        .headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag.to_str().unwrap_or("")
        });
    let mut response = if not_modified {
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        let mut response = Response::new(Bytes::from_static(script.as_bytes()));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        );
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    // Revalidate every time: the ETag makes that a 304 without a body, and an upgrade of
    // coauth reaches browsers at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if not_modified {
        return Ok(response);
    }
    Ok(finish_read(request, response))
}
