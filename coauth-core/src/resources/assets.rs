//! The client script, as a classic script (`coauth.js`) and as an ES module
//! (`coauth.mjs`), with strong ETags and conditional requests.
//!
//! coauth's own pages (the auth page, the result pages) load the script as
//! `coauth.js?v=<version>`, the version being its ETag's hash: that URL is cached for a year
//! (`immutable`), so a popup's pages run it from the browser's cache instead of asking the
//! server again on every sign-in; a new coauth.js has a new version, and the pages, never
//! cached, name it at once. The plain `coauth.js` that apps load is revalidated every time.

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

/// The version coauth's pages name coauth.js by: its ETag without the quotes.
pub(super) static SCRIPT_VERSION: LazyLock<String> = LazyLock::new(|| {
    SCRIPT_ETAG
        .to_str()
        .unwrap_or("")
        .trim_matches('"')
        .to_owned()
});

/// `page` with its `src="coauth.js"` naming the script's current version.
pub(super) fn with_script_version(page: &str) -> String {
    page.replace(
        "src=\"coauth.js\"",
        &format!("src=\"coauth.js?v={}\"", *SCRIPT_VERSION),
    )
}

/// Whether `request` names the script by its current version (`?v=<version>`, as coauth's
/// pages do).
fn names_the_version(request: &http::request::Parts, version: &str) -> bool {
    request.uri.query().is_some_and(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .any(|(name, value)| name == "v" && value == version)
    })
}

pub(super) fn serve_script(
    request: &http::request::Parts,
    script: &'static str,
    etag: &HeaderValue,
    version: Option<&str>,
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
    let versioned = version.is_some_and(|version| names_the_version(request, version));
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if versioned {
            // This content, for good: the next version has another URL.
            "public, max-age=31536000, immutable"
        } else {
            // Revalidate every time: the ETag makes that a 304 without a body, and an
            // upgrade of coauth reaches browsers at once.
            "no-cache"
        }),
    );
    if not_modified {
        return Ok(response);
    }
    Ok(finish_read(request, response))
}
