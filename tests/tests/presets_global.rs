//! The presets of providers outside Russia, each against the mock provider in its quirk
//! mode: a full sign-in through coauth's HTTP resources yields the exact normalized user,
//! and a denial in the provider's own shape is `409 UserDenied` without a token call.

mod presets_support;

use coauth_core::presets::{
    Amazon, Bitbucket, Discord, Dropbox, Facebook, GitLab, Reddit, Spotify, Twitch, X, Yahoo,
};
use coauth_tests::mock_provider::{DISCORD_AVATAR_HASH, Preset};
use presets_support::*;
use serde_json::json;

const PROFILE: &str = "https://profiles.example.test/ada";

#[tokio::test]
async fn facebook() {
    let mock = check_preset(
        Preset::Facebook,
        |id, secret, base| Facebook::new(id, secret).with_hosts(base, base).build(),
        ada(json!({})),
    )
    .await;
    assert_eq!(authorize_param(&mock, "display").as_deref(), Some("popup"));
    assert_eq!(
        authorize_param(&mock, "scope").as_deref(),
        Some("email,public_profile")
    );
    assert_eq!(
        token_field(&mock, "client_secret").as_deref(),
        Some("mock-secret")
    );
}

#[tokio::test]
async fn x_oauth2() {
    let mock = check_preset(
        Preset::X,
        |id, secret, base| X::new(id, secret).with_hosts(base, base).build(),
        ada(json!({"email": null, "profileUrl": "https://x.com/ada", "username": "ada"})),
    )
    .await;
    // Basic plus client_id in the body, and the PKCE verifier.
    assert!(token_used_basic(&mock));
    assert_eq!(
        token_field(&mock, "client_id").as_deref(),
        Some("mock-client")
    );
    assert!(token_field(&mock, "code_verifier").is_some());
}

#[tokio::test]
async fn discord() {
    let avatar = format!("https://cdn.discordapp.com/avatars/583231/{DISCORD_AVATAR_HASH}.png");
    check_preset(
        Preset::Discord,
        |id, secret, base| Discord::new(id, secret).with_hosts(base, base).build(),
        ada(json!({"emailVerified": true, "avatarUrl": avatar,
            "profileUrl": "https://discord.com/users/583231", "username": "ada"})),
    )
    .await;
}

#[tokio::test]
async fn gitlab_self_hosted() {
    let mock = check_preset(
        Preset::GitLab,
        |id, secret, base| GitLab::new(id, secret).with_base_url(base).build(),
        ada(json!({"emailVerified": true, "profileUrl": PROFILE, "username": "ada"})),
    )
    .await;
    assert!(token_field(&mock, "code_verifier").is_some());
}

#[tokio::test]
async fn spotify() {
    let mock = check_preset(
        Preset::Spotify,
        |id, secret, base| Spotify::new(id, secret).with_hosts(base, base).build(),
        // Spotify documents the email as unverified.
        ada(
            json!({"id": "ada", "emailVerified": false, "profileUrl": PROFILE,
            "username": "ada"}),
        ),
    )
    .await;
    assert!(token_used_basic(&mock));
}

#[tokio::test]
async fn twitch() {
    let mock = check_preset(
        Preset::Twitch,
        |id, secret, base| Twitch::new(id, secret).with_hosts(base, base).build(),
        ada(json!({"profileUrl": "https://www.twitch.tv/ada", "username": "ada"})),
    )
    .await;
    assert_eq!(
        token_field(&mock, "client_secret").as_deref(),
        Some("mock-secret")
    );
}

#[tokio::test]
async fn reddit() {
    // icon_img arrives HTML-escaped.
    let avatar = format!("{ADA_AVATAR}?width=256&s=4f2a");
    let mock = check_preset(
        Preset::Reddit,
        |id, secret, base| Reddit::new(id, secret).with_hosts(base, base).build(),
        ada(json!({"name": "ada", "email": null, "avatarUrl": avatar,
            "profileUrl": "https://www.reddit.com/user/ada", "username": "ada"})),
    )
    .await;
    assert_eq!(
        authorize_param(&mock, "duration").as_deref(),
        Some("permanent")
    );
    assert!(token_used_basic(&mock));
}

#[tokio::test]
async fn dropbox() {
    check_preset(
        Preset::Dropbox,
        |id, secret, base| Dropbox::new(id, secret).with_hosts(base, base).build(),
        ada(json!({"id": "dbid:583231", "emailVerified": true})),
    )
    .await;
}

#[tokio::test]
async fn bitbucket() {
    let mock = check_preset(
        Preset::Bitbucket,
        |id, secret, base| Bitbucket::new(id, secret).with_hosts(base, base).build(),
        ada(json!({"emailVerified": true, "profileUrl": PROFILE, "username": "ada"})),
    )
    .await;
    // /2.0/user, then /2.0/user/emails.
    assert_eq!(mock.profile_calls(), 2);
}

#[tokio::test]
async fn amazon() {
    check_preset(
        Preset::Amazon,
        |id, secret, base| Amazon::new(id, secret).with_hosts(base, base).build(),
        ada(json!({"avatarUrl": null})),
    )
    .await;
}

#[tokio::test]
async fn yahoo() {
    check_preset(
        Preset::Yahoo,
        |id, secret, base| Yahoo::new(id, secret).with_hosts(base, base).build(),
        ada(json!({"emailVerified": true, "username": "ada"})),
    )
    .await;
}
