//! Discord: the avatar is a hash to build a CDN URL from (animated when it starts with
//! `a_`), users without one get a default avatar chosen from their id (or, for legacy
//! accounts, their discriminator), and `global_name` is the display name.

use super::preset_client::{ApiProfile, PresetClient, preset_builder, required_id, text};
use crate::oauth2::{ClientAuth, OAuth2Provider};
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

const CDN: &str = "https://cdn.discordapp.com";

/// The Discord preset. Everything is on `discord.com` (web host: the authorize page; API
/// host: `/api/oauth2/token` and `/api/users/@me`).
///
/// ```
/// let discord = coauth_core::presets::Discord::new("client-id", "client-secret").build();
/// # let _ = discord;
/// ```
#[derive(Debug, Clone)]
pub struct Discord {
    client: PresetClient,
}

preset_builder!(Discord, "Discord", web: "https://discord.com", api: "https://discord.com");

impl Discord {
    /// Builds the provider. Fails when a host URL is invalid.
    pub fn try_build(self) -> Result<OAuth2Provider, ConfigError> {
        let client = &self.client;
        let mut config = client.config(
            &client.web("/oauth2/authorize"),
            &client.api("/api/oauth2/token"),
            &["identify", "email"],
            ClientAuth::Basic,
            false,
        )?;
        // `prompt=none` skips the consent screen for a user who authorized the app before.
        config.supports_prompt_none = true;
        let me = client.api_endpoint("/api/users/@me")?;
        let profile = ApiProfile::bearer_get(me, map_profile);
        Ok(OAuth2Provider::new(config, profile))
    }
}

fn map_profile(
    profile: serde_json::Value,
    _: &Credentials,
) -> Result<(User, serde_json::Value), Error> {
    let id = required_id(&profile, "/id", "Discord")?;
    let username = text(&profile, "/username");
    let email = text(&profile, "/email");
    let user = User {
        name: text(&profile, "/global_name").or_else(|| username.clone()),
        email_verified: email
            .as_ref()
            .and_then(|_| profile.get("verified").and_then(serde_json::Value::as_bool)),
        email,
        avatar_url: Some(avatar_url(
            &id,
            text(&profile, "/avatar").as_deref(),
            text(&profile, "/discriminator").as_deref(),
        )),
        profile_url: Some(format!("https://discord.com/users/{id}")),
        username,
        id,
    };
    Ok((user, profile))
}

/// The avatar's CDN URL: the user's own (`.gif` when animated), else the default one.
pub(crate) fn avatar_url(id: &str, hash: Option<&str>, discriminator: Option<&str>) -> String {
    if let Some(hash) = hash {
        let extension = if hash.starts_with("a_") { "gif" } else { "png" };
        return format!("{CDN}/avatars/{id}/{hash}.{extension}");
    }
    // Users on the new username system have discriminator "0": index (id >> 22) % 6.
    let index = match discriminator.and_then(|d| d.parse::<u64>().ok()) {
        Some(legacy) if legacy != 0 => legacy % 5,
        _ => id
            .parse::<u64>()
            .map_or(0, |snowflake| (snowflake >> 22) % 6),
    };
    format!("{CDN}/embed/avatars/{index}.png")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::preset_client::test_credentials;
    use serde_json::json;

    #[test]
    fn avatar_urls() {
        assert_eq!(
            avatar_url(
                "80351110224678912",
                Some("8342729096ea3675442027381ff50dfe"),
                Some("0")
            ),
            "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png"
        );
        assert_eq!(
            avatar_url(
                "80351110224678912",
                Some("a_1269e74af4df7417b13759eae50c83dc"),
                None
            ),
            "https://cdn.discordapp.com/avatars/80351110224678912/a_1269e74af4df7417b13759eae50c83dc.gif"
        );
        // (80351110224678912 >> 22) % 6 = 19157069555 % 6 = 5
        assert_eq!(
            avatar_url("80351110224678912", None, Some("0")),
            "https://cdn.discordapp.com/embed/avatars/5.png"
        );
        assert_eq!(
            avatar_url("80351110224678912", None, Some("1337")),
            "https://cdn.discordapp.com/embed/avatars/2.png"
        );
    }

    #[test]
    fn global_name_wins_and_verified_needs_an_email() {
        let credentials = test_credentials("t", json!({}));
        let (user, _) = map_profile(
            json!({"id": "1", "username": "nelly", "global_name": "Nelly", "verified": true}),
            &credentials,
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("Nelly"));
        assert_eq!(user.email_verified, None);
        let (user, _) = map_profile(
            json!({"id": "1", "username": "nelly", "email": "n@x.test", "verified": false}),
            &credentials,
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("nelly"));
        assert_eq!(user.email_verified, Some(false));
    }
}
