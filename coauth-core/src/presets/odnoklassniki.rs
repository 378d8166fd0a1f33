//! Odnoklassniki (OK.ru): `;`-separated scopes, and a REST API (`fb.do`) whose every call
//! carries the app's public `application_key` and an MD5 signature:
//! `sig = md5(sorted "k=v" pairs without access_token + md5(access_token + secret))`.
//! API errors come with HTTP 200 as `{"error_code", "error_msg"}`.

use md5::{Digest, Md5};

use super::preset_client::{ApiProfile, PresetClient, hex, preset_builder, required_id, text};
use crate::oauth2::{ApiRequest, ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error, Secret};

/// The Odnoklassniki preset. `connect.ok.ru` (the web host) serves `/oauth/authorize`,
/// `api.ok.ru` (the API host) serves `/oauth/token.do` and `/fb.do`.
///
/// ```
/// let ok = coauth_core::presets::Odnoklassniki::new("app-id", "secret-key", "PUBLICKEY").build();
/// # let _ = ok;
/// ```
#[derive(Debug, Clone)]
pub struct Odnoklassniki {
    client: PresetClient,
    application_key: String,
}

preset_builder!(Odnoklassniki, "Odnoklassniki");

impl Odnoklassniki {
    /// Odnoklassniki with the app's id, secret key and public key (`application_key`).
    pub fn new(
        app_id: impl Into<String>,
        secret_key: impl Into<Secret>,
        application_key: impl Into<String>,
    ) -> Self {
        Odnoklassniki {
            client: PresetClient::new(
                app_id,
                secret_key,
                "https://connect.ok.ru",
                "https://api.ok.ru",
            ),
            application_key: application_key.into(),
        }
    }

    /// Builds the provider. Fails when a host URL is invalid or the public key is empty.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        if self.application_key.is_empty() {
            return Err(ConfigError(
                "Odnoklassniki needs the app's public key (application_key)".into(),
            ));
        }
        let client = &self.client;
        let mut config = client.config(
            &client.web("/oauth/authorize"),
            &client.api("/oauth/token.do"),
            &["VALUABLE_ACCESS", "GET_EMAIL"],
            ClientAuth::Post,
            false,
        )?;
        config.scope_separator = ";";
        let api = client.api_endpoint("/fb.do")?;
        let secret = client.secret.clone();
        let application_key = self.application_key;
        let profile = ApiProfile::new(
            move |credentials: &Credentials| {
                let token = credentials.access_token.expose();
                let params = [
                    ("application_key", application_key.as_str()),
                    ("fields", "uid,name,first_name,last_name,email,pic190x190"),
                    ("format", "json"),
                    ("method", "users.getCurrentUser"),
                ];
                let sig = signature(&params, token, &secret);
                let request = params
                    .iter()
                    .fold(ApiRequest::get(&api), |request, (name, value)| {
                        request.query(name, value)
                    });
                Ok(request.query("sig", &sig).query("access_token", token))
            },
            map_profile,
        );
        Ok(OAuth2Provider::new(config, profile))
    }
}

/// The signature of an API call: `md5(sorted "k=v" pairs + md5(access_token + secret))`,
/// lower-case hex. `params` must not include `access_token` or `sig`.
pub(crate) fn signature(params: &[(&str, &str)], access_token: &str, secret: &Secret) -> String {
    let session_secret = hex(&Md5::digest(
        format!("{access_token}{}", secret.expose()).as_bytes(),
    ));
    let mut pairs: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    hex(&Md5::digest(
        format!("{}{session_secret}", pairs.concat()).as_bytes(),
    ))
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let id = required_id(&profile, "/uid", "Odnoklassniki")?;
    let user = User {
        name: text(&profile, "/name"),
        email: text(&profile, "/email"),
        email_verified: None,
        avatar_url: text(&profile, "/pic190x190"),
        profile_url: Some(format!("https://ok.ru/profile/{id}")),
        username: None,
        id,
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn signature_known_vector() {
        // Computed independently with Python's hashlib for the same inputs.
        let params = [
            ("method", "users.getCurrentUser"),
            ("application_key", "CBAFJIICABABABABA"),
            ("format", "json"),
            ("fields", "uid,name,email"),
        ];
        assert_eq!(
            signature(&params, "tkn1", &Secret::new("sec1")),
            "17dbe5df8ff125d8d2005ae7dad3d40c"
        );
    }

    #[test]
    fn profile_and_public_key() {
        let (user, _) = map_profile(
            json!({"uid": "575412345678", "name": "Ivan Petrov", "pic190x190": "https://i.ok/p"}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://ok.ru/profile/575412345678")
        );
        assert!(Odnoklassniki::new("id", "s", "").try_build().is_err());
    }
}
