//! The presets of providers outside Russia, each against the mock provider in its quirk
//! mode: a full sign-in through coauth's HTTP resources yields the exact normalized user,
//! and a denial in the provider's own shape is `409 UserDenied` without a token call.

mod presets_support;

use coauth_core::presets::{
    Amazon, Bitbucket, Discord, Dropbox, Facebook, GitLab, Reddit, Spotify, Twitch, X, Yahoo,
};
use coauth_tests::mock_provider::{DISCORD_AVATAR_HASH, Preset};
use presets_support::*;

const AVATAR: &str = "https://avatars.example.test/ada.png";
const PROFILE: &str = "https://profiles.example.test/ada";
const NAME: Option<&str> = Some("Ada Lovelace");
const EMAIL: Option<&str> = Some("ada@example.test");

#[tokio::test]
async fn facebook() {
    let mock = mock(Preset::Facebook).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let facebook = Facebook::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json("583231", NAME, EMAIL, None, Some(AVATAR), None, None);
    assert_preset(&mock, facebook, expected).await;
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
    let mock = mock(Preset::X).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let x = X::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json(
        "583231",
        NAME,
        None,
        None,
        Some(AVATAR),
        Some("https://x.com/ada"),
        Some("ada"),
    );
    assert_preset(&mock, x, expected).await;
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
    let mock = mock(Preset::Discord).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let discord = Discord::new(id, secret).with_hosts(&base, &base).build();
    let avatar = format!("https://cdn.discordapp.com/avatars/583231/{DISCORD_AVATAR_HASH}.png");
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        Some(true),
        Some(&avatar),
        Some("https://discord.com/users/583231"),
        Some("ada"),
    );
    assert_preset(&mock, discord, expected).await;
}

#[tokio::test]
async fn gitlab_self_hosted() {
    let mock = mock(Preset::GitLab).await;
    let (id, secret) = client();
    let gitlab = GitLab::new(id, secret)
        .with_base_url(mock.base_url())
        .build();
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        Some(true),
        Some(AVATAR),
        Some(PROFILE),
        Some("ada"),
    );
    assert_preset(&mock, gitlab, expected).await;
    assert!(token_field(&mock, "code_verifier").is_some());
}

#[tokio::test]
async fn spotify() {
    let mock = mock(Preset::Spotify).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let spotify = Spotify::new(id, secret).with_hosts(&base, &base).build();
    // Spotify documents the email as unverified.
    let expected = user_json(
        "ada",
        NAME,
        EMAIL,
        Some(false),
        Some(AVATAR),
        Some(PROFILE),
        Some("ada"),
    );
    assert_preset(&mock, spotify, expected).await;
    assert!(token_used_basic(&mock));
}

#[tokio::test]
async fn twitch() {
    let mock = mock(Preset::Twitch).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let twitch = Twitch::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        None,
        Some(AVATAR),
        Some("https://www.twitch.tv/ada"),
        Some("ada"),
    );
    assert_preset(&mock, twitch, expected).await;
    assert_eq!(
        token_field(&mock, "client_secret").as_deref(),
        Some("mock-secret")
    );
}

#[tokio::test]
async fn reddit() {
    let mock = mock(Preset::Reddit).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let reddit = Reddit::new(id, secret).with_hosts(&base, &base).build();
    // icon_img arrives HTML-escaped.
    let avatar = format!("{AVATAR}?width=256&s=4f2a");
    let expected = user_json(
        "583231",
        Some("ada"),
        None,
        None,
        Some(&avatar),
        Some("https://www.reddit.com/user/ada"),
        Some("ada"),
    );
    assert_preset(&mock, reddit, expected).await;
    assert_eq!(
        authorize_param(&mock, "duration").as_deref(),
        Some("permanent")
    );
    assert!(token_used_basic(&mock));
}

#[tokio::test]
async fn dropbox() {
    let mock = mock(Preset::Dropbox).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let dropbox = Dropbox::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json(
        "dbid:583231",
        NAME,
        EMAIL,
        Some(true),
        Some(AVATAR),
        None,
        None,
    );
    assert_preset(&mock, dropbox, expected).await;
}

#[tokio::test]
async fn bitbucket() {
    let mock = mock(Preset::Bitbucket).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let bitbucket = Bitbucket::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        Some(true),
        Some(AVATAR),
        Some(PROFILE),
        Some("ada"),
    );
    assert_preset(&mock, bitbucket, expected).await;
    // /2.0/user, then /2.0/user/emails.
    assert_eq!(mock.profile_calls(), 2);
}

#[tokio::test]
async fn amazon() {
    let mock = mock(Preset::Amazon).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let amazon = Amazon::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json("583231", NAME, EMAIL, None, None, None, None);
    assert_preset(&mock, amazon, expected).await;
}

#[tokio::test]
async fn yahoo() {
    let mock = mock(Preset::Yahoo).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let yahoo = Yahoo::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        Some(true),
        Some(AVATAR),
        None,
        Some("ada"),
    );
    assert_preset(&mock, yahoo, expected).await;
}
