//! The mock's own RFC 5849 code: `Authorization` header parsing, percent-encoding, the
//! signature base string, and HMAC-SHA1 verification. Written apart from coauth-core's.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// RFC 3986 unreserved characters, the only ones RFC 5849 section 3.6 leaves as they are.
const UNRESERVED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// Percent-encodes per RFC 5849 section 3.6.
pub(super) fn encode(text: &str) -> String {
    text.bytes().fold(String::new(), |mut out, byte| {
        if UNRESERVED.contains(&byte) {
            out.push(byte as char);
        } else {
            out += &format!("%{byte:02X}");
        }
        out
    })
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+` in header values).
pub(super) fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .ok_or_else(|| format!("truncated escape in {text:?}"))?;
            let byte =
                u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape in {text:?}"))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{text:?} is not UTF-8 once decoded"))
}

/// The protocol parameters of an `Authorization: OAuth ...` header (RFC 5849 section
/// 3.5.1), decoded, `realm` left out.
pub(super) fn parse_authorization(header: &str) -> Result<Vec<(String, String)>, String> {
    let (scheme, rest) = header
        .trim()
        .split_once(' ')
        .ok_or_else(|| "the Authorization header has no parameters".to_owned())?;
    if !scheme.eq_ignore_ascii_case("OAuth") {
        return Err(format!("the Authorization scheme is {scheme:?}, not OAuth"));
    }
    let mut params = Vec::new();
    for field in rest.split(',') {
        let field = field.trim();
        if field.is_empty() {
            continue;
        }
        let (name, quoted) = field
            .split_once('=')
            .ok_or_else(|| format!("Authorization field {field:?} has no value"))?;
        let value = quoted
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| format!("Authorization field {name:?} is not quoted"))?;
        let name = decode(name.trim())?;
        if name == "realm" {
            continue;
        }
        if params.iter().any(|(n, _): &(String, String)| *n == name) {
            return Err(format!("Authorization field {name:?} is repeated"));
        }
        params.push((name, decode(value)?));
    }
    Ok(params)
}

/// The signature base string (RFC 5849 section 3.4.1) from the method, the base string URI
/// the mock computes for itself, and every request parameter except `oauth_signature`.
pub(super) fn base_string(method: &str, base_uri: &str, params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| name != "oauth_signature")
        .map(|(name, value)| (encode(name), encode(value)))
        .collect();
    // By encoded name, then encoded value (section 3.4.1.3.2). Sorting joined "name=value"
    // strings would be wrong: "a-=1" sorts before "a=1".
    encoded.sort_unstable();
    let normalized = encoded
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    [method.to_owned(), base_uri.to_owned(), normalized]
        .iter()
        .map(|part| encode(part))
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether `signature` (base64) is the HMAC-SHA1 of `base` under the consumer and token
/// secrets; compared in constant time.
pub(super) fn signature_matches(
    base: &str,
    consumer_secret: &str,
    token_secret: &str,
    signature: &str,
) -> bool {
    let Ok(given) = STANDARD.decode(signature) else {
        return false;
    };
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key.as_bytes()) else {
        return false;
    };
    mac.update(base.as_bytes());
    mac.verify_slice(&given).is_ok()
}
