//! Discord: the avatar is a hash to build a CDN URL from (animated when it starts with
//! `a_`), users without one get a default avatar chosen from their id (or, for legacy
//! accounts, their discriminator), and `global_name` is the display name. PKCE is sent
//! (Discord takes S256 with a verifier of at least 43 characters; its maintainers confirm
//! the support, though one scope, `role_connections.write`, refuses it). No silent sign-in:
//! Discord's `prompt=none` only skips the consent screen of an app the user authorized
//! before and never answers `login_required`, so a silent attempt would show a page in a
//! hidden frame and time out.

use serde_json::Value;

use super::spec::{
    EmailVerified, Hooks, OAuth2Preset, PresetContext, ProfileCall, ProfileUrl, UserFields, api,
    preset, text, web,
};
use crate::Error;
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};

const CDN: &str = "https://cdn.discordapp.com";

/// Discord, declared.
const DISCORD: OAuth2Preset = OAuth2Preset {
    name: "Discord",
    web: "https://discord.com",
    api: "https://discord.com",
    authorize: web("/oauth2/authorize"),
    token: api("/api/oauth2/token"),
    scopes: &["identify", "email"],
    client_auth: ClientAuth::Basic,
    // prompt=none never answers login_required at Discord.
    silent: false,
    profile: ProfileCall::bearer_get(api("/api/users/@me")),
    user: UserFields {
        name: &["/global_name", "/username"],
        username: &["/username"],
        email: &["/email"],
        email_verified: EmailVerified::Field("/verified"),
        profile_url: ProfileUrl::Template("https://discord.com/users/{/id}"),
        ..UserFields::id("/id")
    },
    hooks: Hooks {
        user: Some(avatar),
        request: None,
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Discord preset. Everything is on `discord.com` (web host: the authorize page; API
    /// host: `/api/oauth2/token` and `/api/users/@me`).
    ///
    /// ```
    /// let discord = coauth_core::presets::Discord::new("client-id", "client-secret").build()?;
    /// # let _ = discord;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Discord = DISCORD
}

/// Every user has an avatar: the CDN URL of the hash, or the default one.
fn avatar(
    _: &PresetContext,
    profile: &mut Value,
    _: &Credentials,
    user: &mut User,
) -> Result<(), Error> {
    let hash = text(profile, "/avatar");
    let discriminator = text(profile, "/discriminator");
    user.avatar_url = Some(avatar_url(
        &user.id,
        hash.as_deref(),
        discriminator.as_deref(),
    ));
    Ok(())
}

/// The avatar's CDN URL: the user's own (`.gif` when animated), else the default one.
fn avatar_url(id: &str, hash: Option<&str>, discriminator: Option<&str>) -> String {
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
    use crate::presets::spec::{fetch_profile, map_user, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[test]
    fn pkce_and_no_silent_sign_in() {
        let discord = Discord::new("id", "secret").build().unwrap();
        // prompt=none never answers login_required at Discord.
        assert!(!discord.config().supports_prompt_none);
        assert!(discord.config().pkce);
    }

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
        let user = map_user(
            &DISCORD.user,
            &json!({"id": "1", "username": "nelly", "global_name": "Nelly", "verified": true}),
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("Nelly"));
        assert_eq!(user.email_verified, None);
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://discord.com/users/1")
        );
        let user = map_user(
            &DISCORD.user,
            &json!({"id": "1", "username": "nelly", "email": "n@x.test", "verified": false}),
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("nelly"));
        assert_eq!(user.email_verified, Some(false));
    }

    #[tokio::test]
    async fn every_user_has_an_avatar() {
        let avatar_of = |profile: Value| async move {
            let http = move |_: Request<Bytes>| {
                let body = Bytes::from(profile.to_string());
                async move { Ok(Response::new(body)) }
            };
            let discord = Discord::new("id", "secret");
            let credentials = test_credentials("t", json!({}));
            let (user, _) = fetch_profile(discord.builder, &http, &credentials)
                .await
                .unwrap();
            user.avatar_url.unwrap()
        };
        assert_eq!(
            avatar_of(json!({"id": "80351110224678912", "avatar": "a_1f"})).await,
            "https://cdn.discordapp.com/avatars/80351110224678912/a_1f.gif"
        );
        assert_eq!(
            avatar_of(json!({"id": "80351110224678912", "avatar": null, "discriminator": "0"}))
                .await,
            "https://cdn.discordapp.com/embed/avatars/5.png"
        );
    }
}
