//! Reddit: HTTP Basic is the only client authentication the token endpoint takes,
//! `duration=permanent` asks for a refresh token, the API lives on `oauth.reddit.com`, and
//! `icon_img` comes HTML-escaped (`&amp;`). Reddit gives no email.

use super::preset_client::{ApiProfile, PresetClient, preset_builder, required_id, text};
use crate::oauth2::{ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The Reddit preset. `www.reddit.com` (the web host) serves `/api/v1/authorize` and
/// `/api/v1/access_token`, `oauth.reddit.com` (the API host) serves `/api/v1/me`.
///
/// ```
/// let reddit = coauth_core::presets::Reddit::new("client-id", "client-secret").build();
/// # let _ = reddit;
/// ```
#[derive(Debug, Clone)]
pub struct Reddit {
    client: PresetClient,
}

preset_builder!(Reddit, "Reddit", web: "https://www.reddit.com", api: "https://oauth.reddit.com");

impl Reddit {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let mut config = client.config(
            &client.web("/api/v1/authorize"),
            &client.web("/api/v1/access_token"),
            &["identity"],
            ClientAuth::Basic,
            false,
        )?;
        config.extra_authorize_params = vec![("duration".into(), "permanent".into())];
        let me = client.api_endpoint("/api/v1/me")?;
        let profile = ApiProfile::bearer_get(me, map_profile);
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let name = text(&profile, "/name");
    let user = User {
        id: required_id(&profile, "/id", "Reddit")?,
        name: name.clone(),
        email: None,
        email_verified: None,
        avatar_url: text(&profile, "/icon_img")
            .or_else(|| text(&profile, "/snoovatar_img"))
            .map(|url| url.replace("&amp;", "&")),
        profile_url: name
            .as_ref()
            .map(|name| format!("https://www.reddit.com/user/{name}")),
        username: name,
    };
    Ok((user, profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn icon_is_unescaped() {
        let (user, _) = map_profile(
            json!({"id": "abc12", "name": "spez",
                   "icon_img": "https://styles.redditmedia.com/i.png?width=256&amp;s=1f"}),
            &test_credentials("t", json!({})),
        )
        .unwrap();
        assert_eq!(
            user.avatar_url.as_deref(),
            Some("https://styles.redditmedia.com/i.png?width=256&s=1f")
        );
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://www.reddit.com/user/spez")
        );
    }
}
