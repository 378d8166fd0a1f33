//! The presets of Russian providers (VK, VK ID, Yandex, Mail.ru, Odnoklassniki), each against
//! the mock provider in its quirk mode: a full sign-in through coauth's HTTP resources
//! yields the exact normalized user, and a denial in the provider's own shape is
//! `409 UserDenied` without a token call.

mod presets_support;

use coauth_core::presets::{MailRu, Odnoklassniki, Vk, VkId, Yandex};
use coauth_tests::mock_provider::{OK_APPLICATION_KEY, Preset, YANDEX_AVATAR_ID};
use http::header;
use presets_support::*;

const AVATAR: &str = "https://avatars.example.test/ada.png";
const NAME: Option<&str> = Some("Ada Lovelace");
const EMAIL: Option<&str> = Some("ada@example.test");

#[tokio::test]
async fn vk_email_from_the_token_answer() {
    let mock = mock(Preset::Vk).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let vk = Vk::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        None,
        Some(AVATAR),
        Some("https://vk.com/ada"),
        Some("ada"),
    );
    assert_preset(&mock, vk, expected).await;
    assert_eq!(authorize_param(&mock, "v").as_deref(), Some("5.199"));
    assert_eq!(authorize_param(&mock, "scope").as_deref(), Some("email"));
}

#[tokio::test]
async fn vk_id_device_id_goes_to_the_token_request() {
    let mock = mock(Preset::VkId).await;
    let (id, _) = client();
    let base = mock.base_url();
    let vk_id = VkId::new(id).with_hosts(&base, &base).build();
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        None,
        Some(AVATAR),
        Some("https://vk.com/id583231"),
        None,
    );
    assert_preset(&mock, vk_id, expected).await;
    let token = mock.last_token_request().unwrap();
    assert!(token.headers.get(header::AUTHORIZATION).is_none());
    assert!(token_field(&mock, "client_secret").is_none());
    assert!(token_field(&mock, "device_id").is_some_and(|d| !d.is_empty()));
    assert!(token_field(&mock, "state").is_some());
    assert!(token_field(&mock, "code_verifier").is_some());
}

#[tokio::test]
async fn yandex() {
    let mock = mock(Preset::Yandex).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let yandex = Yandex::new(id, secret).with_hosts(&base, &base).build();
    let avatar = format!("https://avatars.yandex.net/get-yapic/{YANDEX_AVATAR_ID}/islands-200");
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        None,
        Some(&avatar),
        None,
        Some("ada"),
    );
    assert_preset(&mock, yandex, expected).await;
    assert!(token_used_basic(&mock));
}

#[tokio::test]
async fn mailru() {
    let mock = mock(Preset::MailRu).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let mailru = MailRu::new(id, secret).with_hosts(&base, &base).build();
    let expected = user_json("583231", NAME, EMAIL, None, Some(AVATAR), None, Some("ada"));
    assert_preset(&mock, mailru, expected).await;
}

#[tokio::test]
async fn odnoklassniki_signed_api_call() {
    let mock = mock(Preset::Odnoklassniki).await;
    let (id, secret) = client();
    let base = mock.base_url();
    let ok = Odnoklassniki::new(id, secret, OK_APPLICATION_KEY)
        .with_hosts(&base, &base)
        .build();
    let expected = user_json(
        "583231",
        NAME,
        EMAIL,
        None,
        Some(AVATAR),
        Some("https://ok.ru/profile/583231"),
        None,
    );
    assert_preset(&mock, ok, expected).await;
    assert_eq!(
        authorize_param(&mock, "scope").as_deref(),
        Some("VALUABLE_ACCESS;GET_EMAIL")
    );
}
