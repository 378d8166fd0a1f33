//! ID token validation: the JWS header against the provider's algorithm allowlist, then every
//! claim read and type-checked from the raw JSON (a string `exp` is an error, never "absent":
//! the CVE-2026-25537 class), then the signature with a key from the issuer's JWKS only.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::Error;
use crate::crypto::constant_time_eq;
use crate::jose::Algorithm;

/// Longest ID token accepted, in bytes.
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Longest `sub` accepted (OpenID Connect Core 1.0 section 2).
const MAX_SUB_LEN: usize = 255;

/// Which `iss` values identify the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IssuerRule {
    /// One of these exact strings; the first is the issuer discovery must name.
    Exact(Vec<String>),
    /// Microsoft's multi-tenant issuer: the template with `{tenantid}` replaced by the token's
    /// own `tid` claim, which must look like a tenant GUID.
    TenantTemplate(String),
}

/// The placeholder in a tenant-templated issuer.
pub(crate) const TENANT_PLACEHOLDER: &str = "{tenantid}";

impl IssuerRule {
    /// The issuer string discovery metadata must carry.
    pub(crate) fn canonical(&self) -> &str {
        match self {
            IssuerRule::Exact(issuers) => &issuers[0],
            IssuerRule::TenantTemplate(template) => template,
        }
    }

    /// Whether `iss` names this provider, given the token's claims.
    pub(crate) fn accepts(&self, iss: &str, claims: &Map<String, Value>) -> bool {
        match self {
            IssuerRule::Exact(issuers) => issuers.iter().any(|issuer| issuer == iss),
            IssuerRule::TenantTemplate(template) => claims
                .get("tid")
                .and_then(Value::as_str)
                .filter(|tid| is_tenant_id(tid))
                .is_some_and(|tid| template.replace(TENANT_PLACEHOLDER, tid) == iss),
        }
    }

    /// Whether an RFC 9207 `iss` redirect parameter may come from this provider: an exact
    /// issuer, or for a template any tenant's issuer (the ID token pins the tenant later).
    pub(crate) fn accepts_response_iss(&self, iss: &str) -> bool {
        match self {
            IssuerRule::Exact(issuers) => issuers.iter().any(|issuer| issuer == iss),
            IssuerRule::TenantTemplate(template) => {
                let Some((prefix, suffix)) = template.split_once(TENANT_PLACEHOLDER) else {
                    return false;
                };
                iss.strip_prefix(prefix)
                    .and_then(|rest| rest.strip_suffix(suffix))
                    .is_some_and(is_tenant_id)
            }
        }
    }
}

/// A Microsoft tenant id: a GUID (36 characters of hex digits and dashes).
fn is_tenant_id(tid: &str) -> bool {
    tid.len() == 36 && tid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// An ID token split and decoded, signature not yet checked. Its `Debug` shows the header
/// and the claims' names, not the token nor the claims' values (the nonce is one).
pub(crate) struct Unverified<'a> {
    pub(crate) alg: Algorithm,
    pub(crate) kid: Option<String>,
    pub(crate) signing_input: &'a str,
    pub(crate) signature: &'a str,
    pub(crate) claims: Map<String, Value>,
}

impl std::fmt::Debug for Unverified<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unverified")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("claims", &self.claims.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn invalid(reason: impl std::fmt::Display) -> Error {
    Error::Provider(format!("the provider's ID token is invalid: {reason}"))
}

fn decode_object(part: &str, what: &str) -> Result<Map<String, Value>, Error> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| invalid(format!("its {what} is not base64url")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(invalid(format!("its {what} is not a JSON object"))),
    }
}

/// The `alg` an ID token's header names, when it is `HS256`: what
/// [`crate::oidc::OidcConfig::hs256_client_secret`] lets through to [`verify_hs256`].
pub(crate) fn is_hs256(token: &str) -> bool {
    token
        .split('.')
        .next()
        .and_then(|header| decode_object(header, "header").ok())
        .is_some_and(|header| header.get("alg").and_then(Value::as_str) == Some("HS256"))
}

/// Splits a compact JWS whose header names `HS256`, checks its signature with `secret` (the
/// client secret) and returns its claims, not yet checked. No `crit` extension.
pub(crate) fn verify_hs256(token: &str, secret: &str) -> Result<Map<String, Value>, Error> {
    use hmac::{Hmac, Mac};
    use sha2::Sha256;
    if token.len() > MAX_TOKEN_LEN {
        return Err(invalid("it is too long"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(
            "it is not a signed JWT (three dot-separated parts)",
        ));
    };
    let header_json = decode_object(header, "header")?;
    if header_json.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(invalid("its algorithm is not HS256"));
    }
    if header_json.contains_key("crit") {
        return Err(invalid(
            "it requires header extensions (crit) coauth does not support",
        ));
    }
    if secret.is_empty() {
        return Err(invalid(
            "it is signed with the client secret, which is empty",
        ));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| invalid("its signature is not base64url"))?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .map_err(|_| invalid("the client secret is not an HMAC key"))?;
    mac.update(&token.as_bytes()[..header.len() + 1 + payload.len()]);
    mac.verify_slice(&signature)
        .map_err(|_| invalid("its signature does not verify"))?;
    decode_object(payload, "payload")
}

/// Splits a compact JWS and checks its header: `alg` on the allowlist (never `none`, never an
/// HMAC), no `crit` extension. Key-locating headers (`jku`, `x5u`, `jwk`, `x5c`) are ignored:
/// keys come from the issuer's JWKS only.
pub(crate) fn parse<'a>(token: &'a str, allowed: &[Algorithm]) -> Result<Unverified<'a>, Error> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(invalid("it is too long"));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(
            "it is not a signed JWT (three dot-separated parts)",
        ));
    };
    let header_json = decode_object(header, "header")?;
    let alg_name = header_json
        .get("alg")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("its header has no alg"))?;
    let alg = Algorithm::from_name(alg_name)
        .filter(|alg| allowed.contains(alg))
        .ok_or_else(|| {
            let shown: String = alg_name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(16)
                .collect();
            invalid(format!(
                "algorithm {shown:?} is not allowed for this provider"
            ))
        })?;
    if header_json.contains_key("crit") {
        return Err(invalid(
            "it requires header extensions (crit) coauth does not support",
        ));
    }
    let kid = match header_json.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(_) => return Err(invalid("its kid is not a string")),
    };
    if signature.is_empty() {
        return Err(invalid("it has no signature"));
    }
    let claims = decode_object(payload, "payload")?;
    Ok(Unverified {
        alg,
        kid,
        signing_input: &token[..header.len() + 1 + payload.len()],
        signature,
        claims,
    })
}

/// What the claims must satisfy. Its `Debug` leaves the sealed nonce out.
pub(crate) struct Expected<'a> {
    pub(crate) issuer: &'a IssuerRule,
    pub(crate) client_id: &'a str,
    pub(crate) additional_audiences: &'a [String],
    /// The sealed nonce, when the provider is configured to echo it; `None` when the
    /// provider does not support nonces (then no nonce was sent).
    pub(crate) nonce: Option<&'a str>,
    pub(crate) now: u64,
    pub(crate) leeway: u64,
}

impl std::fmt::Debug for Expected<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expected")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("additional_audiences", &self.additional_audiences)
            .field("nonce", &self.nonce.map(|_| "[redacted]"))
            .field("now", &self.now)
            .field("leeway", &self.leeway)
            .finish()
    }
}

/// A NumericDate claim: absent, or a JSON number. A string, boolean or anything else is an
/// error, never treated as absent.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<f64>, Error> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(number)) => number
            .as_f64()
            .filter(|value| value.is_finite())
            .map(Some)
            .ok_or_else(|| invalid(format!("{name} is not a valid number"))),
        Some(_) => Err(invalid(format!("{name} must be a number"))),
    }
}

fn required_date(claims: &Map<String, Value>, name: &str) -> Result<f64, Error> {
    numeric_date(claims, name)?.ok_or_else(|| invalid(format!("it has no {name}")))
}

/// Checks every claim rule of OpenID Connect Core 1.0 section 3.1.3.7 that does not need the
/// signature: `iss`, `sub`, `aud`, `azp`, `exp`, `iat`, `nbf`, `auth_time` types, `nonce`.
pub(crate) fn check_claims(
    claims: &Map<String, Value>,
    expected: &Expected<'_>,
) -> Result<(), Error> {
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("it has no iss string"))?;
    if !expected.issuer.accepts(iss, claims) {
        return Err(invalid("it was issued by another issuer"));
    }
    match claims.get("sub") {
        Some(Value::String(sub)) if !sub.is_empty() && sub.len() <= MAX_SUB_LEN => {}
        _ => {
            return Err(invalid(
                "its sub is missing or not a string of 1 to 255 characters",
            ));
        }
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| invalid("its aud holds a non-string"))
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(invalid("its aud is missing or not a string or array")),
    };
    if !audiences.contains(&expected.client_id) {
        return Err(invalid("it was issued for another client (aud)"));
    }
    let trusted = |aud: &&str| {
        *aud == expected.client_id || expected.additional_audiences.iter().any(|a| a == aud)
    };
    if !audiences.iter().all(trusted) {
        return Err(invalid(
            "its aud names an audience this client does not trust",
        ));
    }
    match claims.get("azp") {
        None if audiences.len() > 1 => {
            return Err(invalid("it has several audiences but no azp"));
        }
        None => {}
        Some(Value::String(azp)) if azp == expected.client_id => {}
        Some(_) => return Err(invalid("its azp is not this client")),
    }
    let now = expected.now as f64;
    let leeway = expected.leeway as f64;
    let exp = required_date(claims, "exp")?;
    if now >= exp + leeway {
        return Err(invalid("it has expired (exp)"));
    }
    let iat = required_date(claims, "iat")?;
    if iat > now + leeway {
        return Err(invalid("it was issued in the future (iat)"));
    }
    if let Some(nbf) = numeric_date(claims, "nbf")?
        && nbf > now + leeway
    {
        return Err(invalid("it is not valid yet (nbf)"));
    }
    numeric_date(claims, "auth_time")?;
    if let Some(sealed) = expected.nonce {
        match claims.get("nonce") {
            Some(Value::String(nonce)) if constant_time_eq(nonce, sealed) => {}
            Some(Value::String(_)) => {
                return Err(invalid("its nonce is not the one this sign-in sent"));
            }
            _ => return Err(invalid("it has no nonce string")),
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "id_token_tests.rs"]
mod tests;
