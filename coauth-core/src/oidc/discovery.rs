//! OpenID Provider metadata: given statically by a preset, or discovered from the configured
//! issuer only (`{issuer}/.well-known/openid-configuration`, whose `issuer` must equal the
//! configured one exactly: OpenID Connect Discovery 1.0 section 4.3).

use bytes::Bytes;
use http::{Method, Request, header};
use serde_json::Value;
use url::Url;

use crate::failure::json_answer;
use crate::http_client::HttpClient;
use crate::oauth2::parse_endpoint;
use crate::{ConfigError, Error};

/// What coauth needs to know about an OpenID provider.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderMetadata {
    /// The issuer identifier (for Microsoft's multi-tenant endpoints, the template with
    /// `{tenantid}`).
    pub issuer: String,
    /// The authorization endpoint.
    pub authorization_endpoint: Url,
    /// The token endpoint.
    pub token_endpoint: Url,
    /// The userinfo endpoint, when the provider has one coauth should call.
    pub userinfo_endpoint: Option<Url>,
    /// The JWKS with the keys ID tokens are signed with.
    pub jwks_uri: Url,
    /// RFC 9207: the provider sends `iss` with every authorization response, so coauth
    /// requires it.
    pub iss_parameter_supported: bool,
}

impl ProviderMetadata {
    /// Static metadata for a provider whose endpoints are documented (no discovery call).
    pub fn new(
        issuer: impl Into<String>,
        authorization_endpoint: &str,
        token_endpoint: &str,
        jwks_uri: &str,
    ) -> Result<ProviderMetadata, ConfigError> {
        Ok(ProviderMetadata {
            issuer: issuer.into(),
            authorization_endpoint: parse_endpoint(authorization_endpoint)?,
            token_endpoint: parse_endpoint(token_endpoint)?,
            userinfo_endpoint: None,
            jwks_uri: parse_endpoint(jwks_uri)?,
            iss_parameter_supported: false,
        })
    }

    /// Adds the userinfo endpoint.
    pub fn with_userinfo(
        mut self,
        userinfo_endpoint: &str,
    ) -> Result<ProviderMetadata, ConfigError> {
        self.userinfo_endpoint = Some(parse_endpoint(userinfo_endpoint)?);
        Ok(self)
    }

    /// Declares that the provider sends RFC 9207's `iss` with every authorization response.
    pub fn with_iss_parameter(mut self, supported: bool) -> ProviderMetadata {
        self.iss_parameter_supported = supported;
        self
    }

    /// Reads a discovery document, checking its issuer against `expected_issuer`.
    pub(crate) fn from_document(
        document: &Value,
        expected_issuer: &str,
    ) -> Result<ProviderMetadata, Error> {
        let malformed =
            |what: &str| Error::Provider(format!("the provider's discovery document {what}"));
        let issuer = document
            .get("issuer")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("has no issuer"))?;
        if issuer != expected_issuer {
            return Err(malformed("names another issuer than the configured one"));
        }
        let endpoint = |name: &str| -> Result<Url, Error> {
            let value = document
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| malformed(&format!("has no {name}")))?;
            parse_endpoint(value).map_err(|_| malformed(&format!("has an invalid {name}")))
        };
        let userinfo_endpoint = match document.get("userinfo_endpoint") {
            None | Some(Value::Null) => None,
            Some(_) => Some(endpoint("userinfo_endpoint")?),
        };
        let iss_parameter_supported =
            match document.get("authorization_response_iss_parameter_supported") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(supported)) => *supported,
                Some(_) => {
                    return Err(malformed(
                        "has a non-boolean authorization_response_iss_parameter_supported",
                    ));
                }
            };
        Ok(ProviderMetadata {
            issuer: issuer.to_owned(),
            authorization_endpoint: endpoint("authorization_endpoint")?,
            token_endpoint: endpoint("token_endpoint")?,
            userinfo_endpoint,
            jwks_uri: endpoint("jwks_uri")?,
            iss_parameter_supported,
        })
    }

    /// Checks that every endpoint is https, or http on loopback when `allow_http_loopback`.
    pub(crate) fn check_schemes(&self, allow_http_loopback: bool) -> Result<(), String> {
        let endpoints = [
            Some(&self.authorization_endpoint),
            Some(&self.token_endpoint),
            self.userinfo_endpoint.as_ref(),
            Some(&self.jwks_uri),
        ];
        for url in endpoints.into_iter().flatten() {
            check_scheme(url, allow_http_loopback)?;
        }
        Ok(())
    }
}

/// https everywhere; plain http only for a loopback host and only with the explicit opt-in.
pub(crate) fn check_scheme(url: &Url, allow_http_loopback: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http_loopback && crate::net::is_loopback_url(url) => Ok(()),
        _ => Err(format!(
            "{} must use https (plain http only on loopback with the explicit opt-in)",
            url.origin().ascii_serialization()
        )),
    }
}

/// The discovery URL of an issuer: `{issuer without trailing slash}/.well-known/openid-configuration`.
pub(crate) fn discovery_url(issuer: &str) -> Result<Url, ConfigError> {
    parse_endpoint(&format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    ))
}

/// Sends a GET for a JSON document the provider publishes (`discovery`, `JWKS`) and returns
/// it; [`crate::failure::json_answer`] names what an answer that is not one means.
pub(crate) async fn get_json(http: &dyn HttpClient, url: &Url, what: &str) -> Result<Value, Error> {
    let request = Request::builder()
        .method(Method::GET)
        .uri(url.as_str())
        .header(header::ACCEPT, "application/json")
        .body(Bytes::new())
        .map_err(|_| Error::Provider(format!("the {what} URL is not a valid URI")))?;
    let response = http.execute(request).await?;
    let status = response.status();
    crate::trace::record_status(status);
    json_answer(what, status, response.body())
}

/// Fetches and checks the discovery document at `url`.
pub(crate) async fn discover(
    http: &dyn HttpClient,
    url: &Url,
    expected_issuer: &str,
    allow_http_loopback: bool,
) -> Result<ProviderMetadata, Error> {
    let document = get_json(http, url, "discovery").await?;
    let metadata = ProviderMetadata::from_document(&document, expected_issuer)?;
    metadata.check_schemes(allow_http_loopback).map_err(|why| {
        Error::Provider(format!(
            "the provider's discovery document is refused: {why}"
        ))
    })?;
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        serde_json::json!({
            "issuer": "https://id.example",
            "authorization_endpoint": "https://id.example/auth",
            "token_endpoint": "https://id.example/token",
            "userinfo_endpoint": "https://id.example/me",
            "jwks_uri": "https://keys.example/jwks",
            "authorization_response_iss_parameter_supported": true,
        })
    }

    #[test]
    fn a_document_is_read_and_its_issuer_checked() {
        let metadata = ProviderMetadata::from_document(&document(), "https://id.example").unwrap();
        assert_eq!(metadata.token_endpoint.as_str(), "https://id.example/token");
        assert!(metadata.iss_parameter_supported);
        for expected in [
            "https://id.example/",
            "https://evil.example",
            "http://id.example",
        ] {
            assert!(
                ProviderMetadata::from_document(&document(), expected).is_err(),
                "{expected}"
            );
        }
    }

    #[test]
    fn malformed_documents_are_provider_errors() {
        for (name, value) in [
            ("jwks_uri", Value::Null),
            ("token_endpoint", serde_json::json!("not a url")),
            (
                "authorization_response_iss_parameter_supported",
                serde_json::json!("true"),
            ),
        ] {
            let mut doc = document();
            doc[name] = value;
            let error = ProviderMetadata::from_document(&doc, "https://id.example").unwrap_err();
            assert_eq!(error.code(), "ProviderError", "{name}");
        }
    }

    #[test]
    fn plain_http_needs_loopback_and_the_opt_in() {
        let mut doc = document();
        doc["token_endpoint"] = "http://127.0.0.1:9/token".into();
        let metadata = ProviderMetadata::from_document(&doc, "https://id.example").unwrap();
        assert!(metadata.check_schemes(false).is_err());
        assert!(metadata.check_schemes(true).is_ok());
        doc["token_endpoint"] = "http://id.example/token".into();
        let metadata = ProviderMetadata::from_document(&doc, "https://id.example").unwrap();
        assert!(metadata.check_schemes(true).is_err());
    }

    /// The discovery document's and the JWKS's answers are named by the failure module:
    /// a 5xx is technical, another status or a body that is not JSON is refused.
    #[tokio::test]
    async fn document_answers_are_named_by_the_failure_module() {
        let url = Url::parse("https://id.example/.well-known/openid-configuration").unwrap();
        for (status, body, code) in [
            (503, "down", "ProviderTechnicalError"),
            (404, "<html>", "ProviderError"),
            (200, "<html>", "ProviderError"),
        ] {
            let http = move |_: Request<Bytes>| async move {
                let mut response = http::Response::new(Bytes::from_static(body.as_bytes()));
                *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
                Ok(response)
            };
            for what in ["discovery", "JWKS"] {
                let error = get_json(&http, &url, what).await.unwrap_err();
                assert_eq!(error.code(), code, "{what} {status}");
                assert!(
                    error
                        .to_string()
                        .contains(&format!("the provider's {what} ")),
                    "{error}"
                );
            }
        }
        let issuer = discover(&http_ok(), &url, "https://id.example", false)
            .await
            .map(|metadata| metadata.issuer);
        assert_eq!(issuer.unwrap(), "https://id.example");
    }

    fn http_ok() -> impl HttpClient {
        |_: Request<Bytes>| async { Ok(http::Response::new(Bytes::from(document().to_string()))) }
    }

    #[test]
    fn discovery_urls_follow_the_issuer() {
        assert_eq!(
            discovery_url("https://id.example/realms/x/")
                .unwrap()
                .as_str(),
            "https://id.example/realms/x/.well-known/openid-configuration"
        );
    }
}
