//! GitLab: gitlab.com or a self-hosted instance at any base URL, PKCE, and the REST API's
//! `/api/v4/user`, whose `confirmed_at` says whether the primary email was confirmed.

use super::preset_client::{ApiProfile, PresetClient, preset_builder, required_id, text};
use crate::oauth2::{ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The GitLab preset: `gitlab.com` unless [`GitLab::with_base_url`] names a self-hosted
/// instance. The web host serves `/oauth/authorize`, the API host `/oauth/token` and
/// `/api/v4/user`.
///
/// ```
/// let gitlab = coauth_core::presets::GitLab::new("application-id", "secret")
///     .with_base_url("https://gitlab.example.com")
///     .build();
/// # let _ = gitlab;
/// ```
#[derive(Debug, Clone)]
pub struct GitLab {
    client: PresetClient,
}

preset_builder!(GitLab, "GitLab", web: "https://gitlab.com", api: "https://gitlab.com");

impl GitLab {
    /// A self-hosted GitLab at `base_url`, e.g. `https://gitlab.example.com`.
    pub fn with_base_url(self, base_url: impl Into<String>) -> Self {
        let base_url = base_url.into();
        self.with_hosts(base_url.clone(), base_url)
    }

    /// Builds the provider. Fails when the base URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let config = client.config(
            &client.web("/oauth/authorize"),
            &client.api("/oauth/token"),
            &["read_user"],
            ClientAuth::Post,
            true,
        )?;
        let me = client.api_endpoint("/api/v4/user")?;
        let profile = ApiProfile::bearer_get(me, map_profile);
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let email = text(&profile, "/email");
    let user = User {
        id: required_id(&profile, "/id", "GitLab")?,
        name: text(&profile, "/name"),
        // `confirmed_at` is set once the user confirmed the primary email.
        email_verified: email
            .as_ref()
            .and_then(|_| text(&profile, "/confirmed_at").map(|_| true)),
        email,
        avatar_url: text(&profile, "/avatar_url"),
        profile_url: text(&profile, "/web_url"),
        username: text(&profile, "/username"),
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn confirmed_email_only_with_confirmed_at() {
        let credentials = test_credentials("t", json!({}));
        let profile = json!({"id": 1, "username": "ada", "email": "a@x.test",
                             "confirmed_at": "2012-05-23T09:05:22Z"});
        let (user, _) = map_profile(profile, &credentials).unwrap();
        assert_eq!(user.id, "1");
        assert_eq!(user.email_verified, Some(true));
        let (user, _) = map_profile(
            json!({"id": 1, "email": "a@x.test", "confirmed_at": null}),
            &credentials,
        )
        .unwrap();
        assert_eq!(user.email_verified, None);
    }

    #[test]
    fn self_hosted_base_url() {
        let gitlab = GitLab::new("id", "secret").with_base_url("https://git.example/");
        let provider = gitlab.try_build().unwrap();
        assert_eq!(
            provider.config().token_url.as_str(),
            "https://git.example/oauth/token"
        );
        assert!(
            GitLab::new("id", "s")
                .with_base_url("not a url")
                .try_build()
                .is_err()
        );
    }
}
