//! Google: OpenID Connect with documented static endpoints, ID tokens whose `iss` is either
//! `https://accounts.google.com` or the legacy `accounts.google.com`, a boolean
//! `email_verified`, and the optional Workspace `hd` restriction.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::spec::{OidcPreset, PresetContext, Refresh, preset};
use crate::Error;
use crate::oauth2::{ClientAuth, Prompt};
use crate::provider::User;

/// Google, declared (developers.google.com/identity/openid-connect).
const GOOGLE: OidcPreset = OidcPreset {
    name: "Google",
    issuer: "https://accounts.google.com",
    scheme_less_issuer: true,
    authorize: "https://accounts.google.com/o/oauth2/v2/auth",
    token: "https://oauth2.googleapis.com/token",
    jwks: "https://www.googleapis.com/oauth2/v3/certs",
    // The ID token carries the profile claims; no userinfo call is needed.
    userinfo: None,
    client_auth: ClientAuth::Post,
    vars: &[("hd", "")],
    claims_hook: Some(hosted_domain),
    refresh: Refresh::WithParam("access_type", "offline"),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Google preset.
    ///
    /// ```
    /// let google = coauth_core::presets::Google::new("client-id", "client-secret").build()?;
    /// # let _ = google;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Google = GOOGLE
}

impl Google {
    /// Only accounts of this Google Workspace domain: sends `hd` and requires the ID token's
    /// `hd` claim to equal it.
    pub fn hosted_domain(mut self, domain: impl Into<String>) -> Google {
        let domain = domain.into();
        self.builder = self
            .builder
            .var("hd", domain.clone())
            .authorize_param("hd", domain);
        self
    }

    /// Asks for a refresh token: `access_type=offline`, and `prompt=consent` on interactive
    /// sign-ins (Google sends a refresh token only with a fresh consent). A silent attempt
    /// sends `prompt=none` alone: the two prompts never share a URL.
    pub fn offline_access(mut self) -> Google {
        self.builder = self
            .builder
            .authorize_param("access_type", "offline")
            .prompt(Prompt::Consent);
        self
    }
}

/// With a Workspace domain required, the ID token's `hd` must name it.
fn hosted_domain(
    context: &PresetContext,
    claims: &Map<String, Value>,
    _: &BTreeMap<String, String>,
    _: &mut User,
) -> Result<(), Error> {
    let domain = context.var("hd");
    if !domain.is_empty() && claims.get("hd").and_then(Value::as_str) != Some(domain) {
        return Err(Error::Provider(
            "the Google account is not in the required Workspace domain".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_access_uses_the_typed_prompt() {
        let google = Google::new("id", "secret")
            .offline_access()
            .build()
            .unwrap();
        let config = google.config();
        assert_eq!(config.prompt, Some(Prompt::Consent));
        // Never as a fixed parameter, which would also go out with a silent `prompt=none`.
        assert!(
            !config
                .extra_authorize_params
                .iter()
                .any(|(name, _)| name == "prompt")
        );
        let plain = Google::new("id", "secret").build().unwrap();
        assert_eq!(plain.config().prompt, None);
        assert_eq!(plain.config().additional_issuers, ["accounts.google.com"]);
    }

    #[test]
    fn a_required_domain_is_checked() {
        let context = |hd: &str| PresetContext {
            client_id: "id".into(),
            secret: crate::Secret::new(""),
            vars: vec![("hd", hd.to_owned())],
        };
        let claims = |hd: Option<&str>| {
            let mut claims = Map::new();
            if let Some(hd) = hd {
                claims.insert("hd".into(), hd.into());
            }
            claims
        };
        let check = |required: &str, hd| {
            hosted_domain(
                &context(required),
                &claims(hd),
                &BTreeMap::new(),
                &mut User::default(),
            )
        };
        assert!(check("", None).is_ok());
        assert!(check("example.com", Some("example.com")).is_ok());
        assert_eq!(
            check("example.com", None).unwrap_err().code(),
            "ProviderError"
        );
        assert_eq!(
            check("example.com", Some("other.com")).unwrap_err().code(),
            "ProviderError"
        );
    }
}
