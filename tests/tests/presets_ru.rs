//! The presets of Russian providers (VK, VK ID, Yandex, Mail.ru, Odnoklassniki), each against
//! the mock provider in its quirk mode: a full sign-in through coauth's HTTP resources
//! yields the exact normalized user, and a denial in the provider's own shape is
//! `409 UserDenied` without a token call.

mod presets_support;

use coauth_core::presets::{MailRu, Odnoklassniki, Vk, VkId, Yandex};
use coauth_tests::mock_provider::{OK_APPLICATION_KEY, Preset, YANDEX_AVATAR_ID};
use http::header;
use presets_support::*;
use serde_json::json;

#[tokio::test]
async fn vk_email_from_the_token_answer() {
    let mock = check_preset(
        Preset::Vk,
        |id, secret, base| Vk::new(id, secret).with_hosts(base, base).build().unwrap(),
        ada(json!({"profileUrl": "https://vk.com/ada", "username": "ada"})),
    )
    .await;
    assert_eq!(authorize_param(&mock, "v").as_deref(), Some("5.199"));
    assert_eq!(authorize_param(&mock, "scope").as_deref(), Some("email"));
}

#[tokio::test]
async fn vk_id_device_id_goes_to_the_token_request() {
    let mock = check_preset(
        Preset::VkId,
        |id, _, base| VkId::new(id).with_hosts(base, base).build().unwrap(),
        ada(json!({"profileUrl": "https://vk.com/id583231"})),
    )
    .await;
    let token = mock.last_token_request().unwrap();
    assert!(token.headers.get(header::AUTHORIZATION).is_none());
    assert!(token_field(&mock, "client_secret").is_none());
    assert!(token_field(&mock, "device_id").is_some_and(|d| !d.is_empty()));
    assert!(token_field(&mock, "state").is_some());
    assert!(token_field(&mock, "code_verifier").is_some());
}

#[tokio::test]
async fn yandex() {
    let avatar = format!("https://avatars.yandex.net/get-yapic/{YANDEX_AVATAR_ID}/islands-200");
    let mock = check_preset(
        Preset::Yandex,
        |id, secret, base| {
            Yandex::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"avatarUrl": avatar, "username": "ada"})),
    )
    .await;
    assert!(token_used_basic(&mock));
}

#[tokio::test]
async fn mailru() {
    let mock = check_preset(
        Preset::MailRu,
        |id, secret, base| {
            MailRu::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"username": "ada"})),
    )
    .await;
    // PKCE, as OAuth Mail documents it on /login.
    assert_eq!(
        authorize_param(&mock, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(token_field(&mock, "code_verifier").is_some());
}

/// The user is Mail.ru's stable `id` and nothing else: an answer without one is refused, not
/// keyed by the email (one account would get two ids).
#[tokio::test]
async fn mailru_without_an_id_is_refused() {
    let (mock, mailru) = preset_against(Preset::MailRu, |id, secret, base| {
        MailRu::new(id, secret)
            .with_hosts(base, base)
            .build()
            .unwrap()
    })
    .await;
    assert_refused_without_an_id(&mock, "mailru", mailru).await;
}

#[tokio::test]
async fn odnoklassniki_signed_api_call() {
    let mock = check_preset(
        Preset::Odnoklassniki,
        |id, secret, base| {
            Odnoklassniki::new(id, secret, OK_APPLICATION_KEY)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"profileUrl": "https://ok.ru/profile/583231"})),
    )
    .await;
    assert_eq!(
        authorize_param(&mock, "scope").as_deref(),
        Some("VALUABLE_ACCESS;GET_EMAIL")
    );
}
