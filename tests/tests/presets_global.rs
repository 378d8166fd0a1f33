//! The presets of providers outside Russia, each against the mock provider in its quirk
//! mode: a full sign-in through coauth's HTTP resources yields the exact normalized user,
//! and a denial in the provider's own shape is `409 UserDenied` without a token call.

mod presets_support;

use coauth_core::presets::{
    Amazon, Bitbucket, Discord, Dropbox, Facebook, GitLab, Google, Microsoft, Reddit, Spotify,
    Twitch, X, Yahoo,
};
use coauth_tests::fixture::{assert_error, assert_ok, query_json, query_param};
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_oidc::{ClientAuthMode, MockOidc, MockOidcConfig, Quirks};
use coauth_tests::mock_provider::{DISCORD_AVATAR_HASH, MockUser, Preset};
use presets_support::*;
use serde_json::json;

const PROFILE: &str = "https://profiles.example.test/ada";

#[tokio::test]
async fn facebook() {
    let mock = check_preset(
        Preset::Facebook,
        |id, secret, base| {
            Facebook::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        // The large picture: the mock answers a bare `picture` with a 50 px one elsewhere.
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
    assert_pkce(&mock);
}

/// Facebook reports a dialog the user cancelled as `error_code=4201` (no `error`): a denial
/// like `error_code=200`, not a provider failure.
#[tokio::test]
async fn facebook_cancelled_dialog_is_user_denied() {
    let (mock, facebook) = preset_against(Preset::Facebook, |id, secret, base| {
        Facebook::new(id, secret)
            .with_hosts(base, base)
            .build()
            .unwrap()
    })
    .await;
    let app = preset_app("facebook", facebook).await;
    let started = app.start("facebook").await;
    let state = query_param(&started.url, "state").expect("the authorization URL has a state");
    let response = app
        .finish(
            "facebook",
            &started,
            json!({"error_code": "4201", "error_message": "User canceled the Dialog flow",
                "state": state}),
        )
        .await;
    assert_error(&response, 409, "UserDenied");
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

#[tokio::test]
async fn x_oauth2() {
    let mock = check_preset(
        Preset::X,
        |id, secret, base| X::new(id, secret).with_hosts(base, base).build().unwrap(),
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
    let mock = check_preset(
        Preset::Discord,
        |id, secret, base| {
            Discord::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"emailVerified": true, "avatarUrl": avatar,
            "profileUrl": "https://discord.com/users/583231", "username": "ada"})),
    )
    .await;
    assert_pkce(&mock);
}

/// Discord's `prompt=none` never answers `login_required`: a silent attempt could only time
/// out, so it is refused up front, as GitHub's is.
#[tokio::test]
async fn discord_refuses_silent_mode() {
    let (mock, discord) = preset_against(Preset::Discord, |id, secret, base| {
        Discord::new(id, secret)
            .with_hosts(base, base)
            .build()
            .unwrap()
    })
    .await;
    let app = preset_app("discord", discord).await;
    let response = app.auth_url_in_mode("discord", "silent").await;
    assert_error(&response, 400, "InputError");
    assert_eq!(mock.calls(Endpoint::Authorize), 0);
    // A popup still starts, without any prompt.
    let started = app.start("discord").await;
    assert_eq!(query_param(&started.url, "prompt"), None);
}

#[tokio::test]
async fn gitlab_self_hosted() {
    let mock = check_preset(
        Preset::GitLab,
        |id, secret, base| {
            GitLab::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"emailVerified": true, "profileUrl": PROFILE, "username": "ada"})),
    )
    .await;
    assert!(token_field(&mock, "code_verifier").is_some());
}

#[tokio::test]
async fn spotify() {
    let mock = check_preset(
        Preset::Spotify,
        |id, secret, base| {
            Spotify::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
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
        |id, secret, base| {
            Twitch::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        // Twitch documents the email it returns as the user's verified address.
        ada(
            json!({"emailVerified": true, "profileUrl": "https://www.twitch.tv/ada",
            "username": "ada"}),
        ),
    )
    .await;
    assert_eq!(
        token_field(&mock, "client_secret").as_deref(),
        Some("mock-secret")
    );
    assert_no_pkce(&mock);
}

/// Twitch returns no unverified email, so a user without a verified one has neither an
/// email nor `emailVerified`.
#[tokio::test]
async fn twitch_without_a_verified_email() {
    let (mock, twitch) = preset_against(Preset::Twitch, |id, secret, base| {
        Twitch::new(id, secret)
            .with_hosts(base, base)
            .build()
            .unwrap()
    })
    .await;
    mock.set_user(MockUser {
        email_verified: false,
        ..user()
    });
    let app = preset_app("twitch", twitch).await;
    let body = assert_ok(&journey(&mock, &app, "twitch", Decision::Approve).await);
    assert_eq!(
        body["user"],
        ada(json!({"email": null, "emailVerified": null,
            "profileUrl": "https://www.twitch.tv/ada", "username": "ada"}))
    );
}

#[tokio::test]
async fn reddit() {
    // icon_img arrives HTML-escaped.
    let avatar = format!("{ADA_AVATAR}?width=256&s=4f2a");
    let mock = check_preset(
        Preset::Reddit,
        |id, secret, base| {
            Reddit::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"name": "ada", "email": null, "avatarUrl": avatar,
            "profileUrl": "https://www.reddit.com/user/ada", "username": "ada"})),
    )
    .await;
    // A one-hour token only: a refresh token is asked for with offline access alone.
    assert_eq!(
        authorize_param(&mock, "duration").as_deref(),
        Some("temporary")
    );
    assert!(token_used_basic(&mock));
    assert_no_pkce(&mock);
}

#[tokio::test]
async fn reddit_offline_access_asks_for_a_permanent_token() {
    let (mock, reddit) = preset_against(Preset::Reddit, |id, secret, base| {
        Reddit::new(id, secret)
            .with_hosts(base, base)
            .offline_access()
            .build()
            .unwrap()
    })
    .await;
    let app = preset_app("reddit", reddit).await;
    assert_ok(&journey(&mock, &app, "reddit", Decision::Approve).await);
    let query = mock.last_authorize_query().unwrap();
    let durations: Vec<&str> = query
        .iter()
        .filter(|(name, _)| name == "duration")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(durations, ["permanent"]);
}

#[tokio::test]
async fn dropbox() {
    check_preset(
        Preset::Dropbox,
        |id, secret, base| {
            Dropbox::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"id": "dbid:583231", "emailVerified": true})),
    )
    .await;
}

#[tokio::test]
async fn bitbucket() {
    let mock = check_preset(
        Preset::Bitbucket,
        |id, secret, base| {
            Bitbucket::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"emailVerified": true, "profileUrl": PROFILE, "username": "ada"})),
    )
    .await;
    // /2.0/user, then /2.0/user/emails.
    assert_eq!(mock.calls(Endpoint::Profile), 2);
    assert_no_pkce(&mock);
}

/// The user is `account_id`, Atlassian's stable id, and nothing else: a profile without one
/// is refused, not keyed by its `uuid` (one account would get two ids).
#[tokio::test]
async fn bitbucket_without_account_id_is_refused() {
    let (mock, bitbucket) = preset_against(Preset::Bitbucket, |id, secret, base| {
        Bitbucket::new(id, secret)
            .with_hosts(base, base)
            .build()
            .unwrap()
    })
    .await;
    assert_refused_without_an_id(&mock, "bitbucket", bitbucket).await;
}

#[tokio::test]
async fn amazon() {
    let mock = check_preset(
        Preset::Amazon,
        |id, secret, base| {
            Amazon::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"avatarUrl": null})),
    )
    .await;
    assert_pkce(&mock);
}

#[tokio::test]
async fn yahoo() {
    // The Yahoo mode refuses an authorization request without a code challenge.
    let mock = check_preset(
        Preset::Yahoo,
        |id, secret, base| {
            Yahoo::new(id, secret)
                .with_hosts(base, base)
                .build()
                .unwrap()
        },
        ada(json!({"emailVerified": true, "username": "ada"})),
    )
    .await;
    assert_pkce(&mock);
}

/// A silent attempt is `prompt=none` and nothing else: Google's offline access asks for
/// `prompt=consent` on a popup, never in the same URL as `prompt=none`.
#[tokio::test]
async fn google_offline_access_in_silent_mode_sends_prompt_none_only() {
    let google = Google::new("client-id", "client-secret")
        .offline_access()
        .build();
    let app = preset_app("google", google).await;
    let prompts = |url: &str| -> Vec<String> {
        url::Url::parse(url)
            .unwrap()
            .query_pairs()
            .filter(|(name, _)| name == "prompt")
            .map(|(_, value)| value.into_owned())
            .collect()
    };
    let started = app.start("google").await;
    assert_eq!(prompts(&started.url), ["consent"]);
    assert_eq!(query_json(&started.url)["access_type"], json!("offline"));
    let silent = assert_ok(&app.auth_url_in_mode("google", "silent").await);
    let url = silent["url"].as_str().expect("the answer has a url");
    assert_eq!(prompts(url), ["none"]);
}

/// A tenant named by a domain name: its own endpoints, and its tokens, whose `iss` carries
/// the tenant's id, accepted through the `tid` template.
#[tokio::test]
async fn microsoft_domain_name_tenant_signs_in() {
    const TENANT_ID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let mock = MockOidc::start(MockOidcConfig {
        quirks: Quirks::Microsoft {
            tid: TENANT_ID.into(),
        },
        iss_parameter: false,
        client_auth: ClientAuthMode::Post,
        ..MockOidcConfig::default()
    })
    .await;
    let microsoft = Microsoft::new("oidc-client", "oidc-secret")
        .with_hosts(mock.base_url(), mock.base_url())
        .tenant("contoso.onmicrosoft.com")
        .build()
        .expect("a domain name is a tenant");
    let app = preset_app("microsoft", microsoft).await;
    let started = app.start("microsoft").await;
    assert!(
        started.url.starts_with(&format!(
            "{}/contoso.onmicrosoft.com/oauth2/v2.0/authorize?",
            mock.base_url()
        )),
        "{}",
        started.url
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = assert_ok(&app.finish("microsoft", &started, params).await);
    assert_eq!(body["user"]["id"], "248289761001");
    assert_eq!(mock.calls(Endpoint::Token), 1);
}

/// The authorization request carried an S256 challenge and the token request its verifier
/// (the mock checks that they match).
fn assert_pkce(mock: &coauth_tests::mock_provider::MockProvider) {
    assert_eq!(
        authorize_param(mock, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(token_field(mock, "code_verifier").is_some());
}

/// No PKCE, for a provider whose documentation has none.
fn assert_no_pkce(mock: &coauth_tests::mock_provider::MockProvider) {
    assert_eq!(authorize_param(mock, "code_challenge"), None);
    assert_eq!(token_field(mock, "code_verifier"), None);
}
