//! GitHub: OAuth 2.0 with a form-encoded token answer unless JSON is asked for, errors sent
//! with HTTP 200, a required `User-Agent`, an email that is `null` on `/user` unless the
//! user made it public (then read the primary verified one from `/user/emails`), and an RFC
//! 9207 `iss` in its answers.

use async_trait::async_trait;
use url::Url;

use crate::http_client::HttpClient;
use crate::oauth2::{
    ClientAuth, OAuth2Config, OAuth2Provider, ProfileFetcher, claim_text, get_profile_json,
    parse_endpoint,
};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error, Secret};

/// The GitHub preset.
///
/// ```
/// let github = coauth_core::presets::GitHub::new("client-id", "client-secret").build();
/// # let _ = github;
/// ```
#[derive(Debug, Clone)]
pub struct GitHub {
    client_id: String,
    client_secret: Secret,
    web_base: String,
    api_base: String,
}

/// GitHub's API asks every client to send this media type.
const GITHUB_JSON: &str = "application/vnd.github+json";

impl GitHub {
    /// GitHub with the OAuth app's client id and secret, on github.com.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        GitHub {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            web_base: "https://github.com".into(),
            api_base: "https://api.github.com".into(),
        }
    }

    /// Another GitHub host: `web_base` serves `/login/oauth/*`, `api_base` serves `/user`
    /// (GitHub Enterprise Server: `https://HOST` and `https://HOST/api/v3`).
    pub fn with_hosts(mut self, web_base: impl Into<String>, api_base: impl Into<String>) -> Self {
        self.web_base = web_base.into();
        self.api_base = api_base.into();
        self
    }

    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let web = self.web_base.trim_end_matches('/');
        let api = self.api_base.trim_end_matches('/');
        let mut config = OAuth2Config::new(
            self.client_id,
            self.client_secret,
            &format!("{web}/login/oauth/authorize"),
            &format!("{web}/login/oauth/access_token"),
        )?;
        config.default_scopes = vec!["read:user".into(), "user:email".into()];
        config.client_auth = ClientAuth::Post;
        // GitHub has no prompt=none: a silent attempt would show the consent page.
        config.supports_prompt_none = false;
        // GitHub sends RFC 9207 `iss` with its answers: its issuer is `/login/oauth` on the
        // web host (`https://github.com/login/oauth` for github.com).
        config.issuer = Some(format!("{web}/login/oauth"));
        let profile = GitHubProfile {
            user_url: parse_endpoint(&format!("{api}/user"))?,
            emails_url: parse_endpoint(&format!("{api}/user/emails"))?,
        };
        Ok(OAuth2Provider::new(config, profile))
    }

    /// Builds the provider for the default hosts, which are always valid.
    pub fn build(self) -> OAuth2Provider {
        self.try_build()
            .expect("GitHub's endpoints are valid URLs unless with_hosts changed them")
    }
}

/// Reads GitHub's `/user`, and `/user/emails` when the email is not public.
#[derive(Debug, Clone)]
pub struct GitHubProfile {
    user_url: Url,
    emails_url: Url,
}

#[async_trait]
impl ProfileFetcher for GitHubProfile {
    async fn fetch(
        &self,
        http: &dyn HttpClient,
        credentials: &Credentials,
    ) -> Result<(User, serde_json::Value), Error> {
        let headers = [
            ("accept", GITHUB_JSON),
            ("x-github-api-version", "2022-11-28"),
        ];
        let profile = get_profile_json(http, self.user_url.as_str(), credentials, &headers).await?;
        let id = claim_text(&profile, "id")
            .ok_or_else(|| Error::Provider("GitHub's profile has no id".into()))?;
        let login = claim_text(&profile, "login");
        let mut user = User {
            id,
            name: claim_text(&profile, "name").or_else(|| login.clone()),
            email: claim_text(&profile, "email"),
            email_verified: None,
            avatar_url: claim_text(&profile, "avatar_url"),
            profile_url: claim_text(&profile, "html_url"),
            username: login,
        };
        if user.email.is_none() {
            let emails =
                get_profile_json(http, self.emails_url.as_str(), credentials, &headers).await?;
            let primary = emails.as_array().and_then(|emails| {
                emails.iter().find(|email| {
                    email.get("primary") == Some(&serde_json::Value::Bool(true))
                        && email.get("verified") == Some(&serde_json::Value::Bool(true))
                })
            });
            if let Some(primary) = primary {
                user.email = claim_text(primary, "email");
                user.email_verified = Some(true);
            }
        }
        Ok((user, profile))
    }
}
