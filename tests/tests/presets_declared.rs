//! Every preset against a mock provider derived from the preset's own declaration: one line
//! of a table gives a preset its sign-in and denial tests.
//!
//! The OAuth 2.0 presets (`oauth2_table!`) sign in against the mock provider's declared
//! mode (`coauth_tests::mock_provider::declared`), which serves the declared paths, insists
//! on the declared client authentication, PKCE, fixed parameters and token placement, and
//! answers the user's values at the declared pointers. Each row checks that a sign-in
//! through coauth yields the user the mock placed, that a denial is `UserDenied`, that the
//! token call used the declared client authentication and PKCE, and that exactly one token
//! call and one profile call (and one emails call, where declared; none where the user comes
//! with the token) were made.
//!
//! The OpenID Connect presets (`oidc_table!`) sign in against the mock OpenID provider in
//! the preset's quirk mode, or its declared mode (`Quirks::Declared`) for presets without
//! a mode of their own, which takes its paths and issuer from the declaration and the
//! row's variables; the client authentication the mock insists on is the declared one.
//!
//! The provider-specific behaviour the declarations cannot show (signatures, token answer
//! fields, denial shapes other than `error=access_denied`, refresh) is tested by hand in
//! `presets_global.rs`, `presets_ru.rs`, `presets_quirks.rs`, `presets_catalog_work.rs`,
//! `presets_catalog_social.rs`, `presets_catalog_oidc.rs`, `github_preset.rs` and
//! `oidc_presets.rs`.
//!
//! Every preset of `presets::CATALOG` has a row here, or an entry of `TESTED_ELSEWHERE`
//! naming the test file that signs in with it; `every_preset_of_the_catalog_is_tested`
//! fails for a preset with neither.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use coauth_core::oauth2::{ClientAuth, OAuth2Provider};
use coauth_core::oidc::{Algorithm, OidcProvider, SigningKey};
use coauth_core::presets::spec::{
    EmailVerified, Method, OAuth2Preset, OidcPreset, PresetBuilder, ProfileCall, TokenIn, api,
};
use coauth_core::presets::{
    Amazon, AmazonCognito, Apple, Asana, Atlassian, Auth0, Authentik, AzureAdB2c, BattleNet,
    Bitbucket, BoxCom, CATALOG, ClickUp, Coinbase, Declared, Discord, Dribbble, Dropbox, Facebook,
    Figma, FusionAuth, GitHub, GitLab, Google, HubSpot, Instagram, Intuit, Kakao, Keycloak, Line,
    Linear, LinkedIn, MailRu, Mastodon, Microsoft, Miro, Naver, Notion, Odnoklassniki, Okta,
    Patreon, PayPal, Pinterest, Reddit, Roblox, Salesforce, Shopify, Slack, Snapchat, Spotify,
    Strava, Threads, TikTok, Twitch, Vimeo, Vk, VkId, Webex, Weibo, X, Yahoo, YahooJapan, Yandex,
    Zitadel, Zoho, Zoom,
};
use coauth_core::{ConfigError, IntoProvider};
use coauth_tests::fixture::{
    App, Transport, app_builder, assert_error, http_client_with_timeout, json, query_param,
};
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_oidc::{ClientAuthMode, MockOidc, MockOidcConfig, OidcUser, Quirks};
use coauth_tests::mock_provider::MockUser;
use coauth_tests::mock_provider::declared::{
    DeclaredConfig, MockDeclared, PLAIN, RedirectSigner, SHOPIFY_SHOP as SHOP, shopify_hmac,
};
use http::{Response, header};
use serde_json::{Value, json};

/// The provider's name in the apps under test.
const NAME: &str = "preset";
/// The client the declared mock knows.
const CLIENT_ID: &str = "mock-client";
/// Its secret.
const CLIENT_SECRET: &str = "mock-secret";
/// The user at the declared mock: a numeric id, as most providers use.
const ADA_ID: &str = "583231";
/// Her name.
const ADA_NAME: &str = "Ada Lovelace";
/// Her email.
const ADA_EMAIL: &str = "ada@example.test";

/// The user at the declared mock, with the id `id`.
fn ada(id: &str) -> MockUser {
    MockUser {
        id: id.into(),
        ..MockUser::default()
    }
}

/// An app with `provider`, reached in process; a provider call may take 5 s.
async fn app(provider: impl IntoProvider) -> App {
    let coauth = app_builder(NAME, provider)
        .http_client(http_client_with_timeout(Duration::from_secs(5)))
        .build()
        .expect("a valid coauth configuration");
    App::axum(coauth, Transport::InProcess).await
}

/// Starts a sign-in, decides at `mock` and posts the redirect to `result`, asking for the
/// `email` field as coauth.js's `options.result` does; where the sign-in went, and the
/// answer.
async fn journey(mock: &impl MockIdp, app: &App, decision: Decision) -> (String, Response<Bytes>) {
    let started = app.start(NAME).await;
    let params = mock.consent(&started.url, decision).await;
    let response = app
        .finish_with(NAME, &started, params, json!({"fields": ["email"]}))
        .await;
    (started.url, response)
}

/// An approved [`journey`], which must start at the declared `authorize_url`; where it went.
async fn approved(
    mock: &impl MockIdp,
    app: &App,
    authorize_url: &str,
    preset: &str,
) -> (String, Response<Bytes>) {
    let (url, response) = journey(mock, app, Decision::Approve).await;
    assert!(
        url.starts_with(&format!("{authorize_url}?")),
        "{preset}: {url} is not the declared authorization page {authorize_url}"
    );
    (url, response)
}

/// A denial at `mock` is `UserDenied`, and calls the provider no more than `calls` counted
/// before it.
async fn denied_without_a_call<T: PartialEq + std::fmt::Debug>(
    mock: &impl MockIdp,
    app: &App,
    calls: impl Fn() -> T,
    preset: &str,
) {
    let before = calls();
    let (_, response) = journey(mock, app, Decision::Deny).await;
    assert_error(&response, 409, "UserDenied");
    assert_eq!(calls(), before, "{preset}: a denial calls nothing");
}

/// The client authentication a token request used, read from what it carried: HTTP Basic
/// or not, and its form, where the client id is named `id_param` (`client_id`, or TikTok's
/// `client_key`).
///
/// # Panics
/// If it carried a combination no client authentication sends.
fn client_auth_of(basic: bool, form: &[(String, String)], id_param: &str) -> ClientAuth {
    let has = |name: &str| form.iter().any(|(key, _)| key == name);
    match (basic, has(id_param), has("client_secret")) {
        (true, false, false) => ClientAuth::Basic,
        (true, true, false) => ClientAuth::BasicWithClientIdInBody,
        (false, true, true) => ClientAuth::Post,
        (false, true, false) => ClientAuth::Public,
        other => {
            panic!("no client authentication sends (Basic, client_id, client_secret) = {other:?}")
        }
    }
}

/// The value of form field `name`.
fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// How a row builds its preset against the mock, from the mock's client id, client secret
/// and base URL (the web and API hosts both).
type Build = fn(String, String, &str) -> Result<OAuth2Provider, ConfigError>;

/// One OAuth 2.0 preset of the table.
struct Row {
    spec: &'static OAuth2Preset,
    build: Build,
    /// Declared variables the build sets, which the mock must then expect too.
    vars: &'static [(&'static str, &'static str)],
    /// Fields of the normalized user a hook of the preset decides: not compared.
    hook_decides: &'static [&'static str],
    /// The id the mock gives Ada, when the provider's ids have a shape of their own.
    user_id: &'static str,
    /// How the mock signs its redirect, for a preset that checks a signature.
    signer: Option<(&'static str, RedirectSigner)>,
}

impl Row {
    fn new(spec: &'static OAuth2Preset, build: Build) -> Row {
        Row {
            spec,
            build,
            vars: &[],
            hook_decides: &[],
            user_id: ADA_ID,
            signer: None,
        }
    }

    fn user_id(self, user_id: &'static str) -> Row {
        Row { user_id, ..self }
    }

    fn signer(self, name: &'static str, sign: RedirectSigner) -> Row {
        Row {
            signer: Some((name, sign)),
            ..self
        }
    }

    fn vars(self, vars: &'static [(&'static str, &'static str)]) -> Row {
        Row { vars, ..self }
    }

    fn hook_decides(self, fields: &'static [&'static str]) -> Row {
        Row {
            hook_decides: fields,
            ..self
        }
    }
}

/// Ada's id, name, email and `emailVerified` as the declaration says a client reads them
/// from the mock, worked out from the declaration (not from the mock).
fn declared_user(spec: &OAuth2Preset) -> Value {
    let fields = &spec.user;
    let name = if fields.name.is_empty() && fields.full_name.is_none() {
        Value::Null
    } else {
        json!(ADA_NAME)
    };
    let has_email = !fields.email.is_empty() || spec.emails.is_some();
    // Ada's email is verified; the emails list says so, and so does a declared field.
    let email_verified = match (has_email, spec.emails, fields.email_verified) {
        (false, _, _) => Value::Null,
        (true, Some(_), _) => json!(true),
        (true, None, EmailVerified::Unknown | EmailVerified::ByHook) => Value::Null,
        (true, None, EmailVerified::Always) => json!(true),
        (true, None, EmailVerified::Never) => json!(false),
        (true, None, EmailVerified::Field(_) | EmailVerified::PresentAt(_)) => json!(true),
    };
    json!({
        "id": ADA_ID,
        "name": name,
        "email": if has_email { json!(ADA_EMAIL) } else { Value::Null },
        "emailVerified": email_verified,
    })
}

/// The mock of `spec` (with the variables `vars` set), and an app with the preset `build`
/// makes against it.
async fn against_mock(
    spec: &'static OAuth2Preset,
    vars: &[(&'static str, &'static str)],
    build: impl FnOnce(String, String, &str) -> Result<OAuth2Provider, ConfigError>,
) -> (MockDeclared, App) {
    against_mock_as(spec, vars, ADA_ID, None, build).await
}

/// [`against_mock`], with Ada's id `user_id` and the redirect signed by `signer`.
async fn against_mock_as(
    spec: &'static OAuth2Preset,
    vars: &[(&'static str, &'static str)],
    user_id: &str,
    signer: Option<(&'static str, RedirectSigner)>,
    build: impl FnOnce(String, String, &str) -> Result<OAuth2Provider, ConfigError>,
) -> (MockDeclared, App) {
    let mock = MockDeclared::start(DeclaredConfig {
        preset: spec,
        vars: vars
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        user: ada(user_id),
        redirect_signer: signer,
    })
    .await;
    let provider = build(CLIENT_ID.into(), CLIENT_SECRET.into(), &mock.base_url())
        .unwrap_or_else(|e| panic!("{} builds against the mock: {e}", spec.name));
    (mock, app(provider).await)
}

/// A sign-in and a denial of `row`'s preset against the mock of its declaration.
async fn check(row: Row) {
    let spec = row.spec;
    let (mock, app) = against_mock_as(spec, row.vars, row.user_id, row.signer, row.build).await;

    let (started, response) = approved(&mock, &app, &mock.authorize_url(), spec.name).await;
    assert_eq!(
        response.status(),
        200,
        "{}: {:?}; the app reported {:?}; the mock refused {:?}",
        spec.name,
        response.body(),
        app.reported_error(),
        mock.refusals()
    );
    let user = &json(&response)["user"];
    let placed = mock.expected_user();
    let declared = declared_user(spec);
    for name in [
        "id",
        "name",
        "email",
        "emailVerified",
        "username",
        "avatarUrl",
        "profileUrl",
    ] {
        if row.hook_decides.contains(&name) {
            continue;
        }
        let expected = declared.get(name).unwrap_or(&placed[name]);
        assert_eq!(user[name], *expected, "{}: {name} of {user}", spec.name);
    }
    assert!(
        mock.refusals().is_empty(),
        "{}: {:?}",
        spec.name,
        mock.refusals()
    );

    // The token call authenticated the client as declared, with PKCE as declared.
    let token = mock
        .last_token_request()
        .expect("the mock recorded the token request");
    let basic = token
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("Basic "));
    assert_eq!(
        client_auth_of(basic, &token.form, spec.client_id_param),
        spec.client_auth,
        "{}: client authentication",
        spec.name
    );
    assert_eq!(
        (
            query_param(&started, "code_challenge").is_some(),
            field(&token.form, "code_verifier").is_some()
        ),
        (spec.pkce, spec.pkce),
        "{}: PKCE (challenge, verifier)",
        spec.name
    );
    let emails = usize::from(spec.emails.is_some());
    // No profile call when the user comes with the token.
    let profile = usize::from(spec.user_in_token.is_none());
    let emails = emails * profile;
    let calls = || {
        (
            mock.calls(Endpoint::Token),
            mock.calls(Endpoint::Profile),
            mock.emails_calls(),
        )
    };
    assert_eq!(
        calls(),
        (1, profile + emails, emails),
        "{}: (token, profile, emails) calls",
        spec.name
    );
    denied_without_a_call(&mock, &app, calls, spec.name).await;
}

/// The OAuth 2.0 table: one line per preset, each a test of the same name.
macro_rules! oauth2_table {
    ($($(#[$doc:meta])* $test:ident: $row:expr;)*) => {
        $(
            $(#[$doc])*
            #[tokio::test]
            async fn $test() {
                check($row).await;
            }
        )*

        /// Every row.
        pub(super) fn oauth2_rows() -> Vec<Row> {
            vec![$($row),*]
        }
    };
}

/// Odnoklassniki's public application key, the variable its constructor sets.
const OK_KEY: &str = "CBAMOCKABABABABA";

mod oauth2 {
    use super::*;

    oauth2_table! {
        amazon: Row::new(Amazon::SPEC, |id, secret, base| {
            Amazon::new(id, secret).with_hosts(base, base).build()
        });
        asana: Row::new(Asana::SPEC, |id, secret, base| {
            Asana::new(id, secret).with_hosts(base, base).build()
        });
        atlassian: Row::new(Atlassian::SPEC, |id, secret, base| {
            Atlassian::new(id, secret).with_hosts(base, base).build()
        });
        box_com: Row::new(BoxCom::SPEC, |id, secret, base| {
            BoxCom::new(id, secret).with_hosts(base, base).build()
        });
        // The access token is the whole Authorization header, which the mock insists on.
        clickup: Row::new(ClickUp::SPEC, |id, secret, base| {
            ClickUp::new(id, secret).with_hosts(base, base).build()
        });
        dribbble: Row::new(Dribbble::SPEC, |id, secret, base| {
            Dribbble::new(id, secret).with_hosts(base, base).build()
        });
        figma: Row::new(Figma::SPEC, |id, secret, base| {
            Figma::new(id, secret).with_hosts(base, base).build()
        });
        // The access token travels in the path; the hook only drops `token` from the profile.
        hubspot: Row::new(HubSpot::SPEC, |id, secret, base| {
            HubSpot::new(id, secret).with_hosts(base, base).build()
        });
        // A GraphQL POST, whose JSON body the mock checks.
        linear: Row::new(Linear::SPEC, |id, secret, base| {
            Linear::new(id, secret).with_hosts(base, base).build()
        });
        // The hook makes the id and username name the instance (presets_catalog_work.rs).
        mastodon: Row::new(Mastodon::SPEC, |id, secret, base| {
            Mastodon::new(base, id, secret)
                .allow_http_loopback(true)
                .with_hosts(base, base)
                .build()
        })
        .hook_decides(&["id", "username"]);
        miro: Row::new(Miro::SPEC, |id, secret, base| {
            Miro::new(id, secret).with_hosts(base, base).build()
        });
        // The user comes with the token: no profile call.
        notion: Row::new(Notion::SPEC, |id, secret, base| {
            Notion::new(id, secret).with_hosts(base, base).build()
        });
        // The user comes with the token, and the redirect is signed (`hmac`).
        shopify: Row::new(Shopify::SPEC, |id, secret, base| {
            Shopify::new(SHOP, id, secret).with_hosts(base, base).build()
        })
        .vars(&[("shop", SHOP)])
        .signer("hmac", shopify_hmac);
        // Vimeo's ids are URIs; the hook keeps the number (presets_catalog_work.rs).
        vimeo: Row::new(Vimeo::SPEC, |id, secret, base| {
            Vimeo::new(id, secret).with_hosts(base, base).build()
        })
        .user_id("/users/583231")
        .hook_decides(&["id"]);
        webex: Row::new(Webex::SPEC, |id, secret, base| {
            Webex::new(id, secret).with_hosts(base, base).build()
        });
        // The redirect's `accounts-server` is the configured region's, as the mock sends it.
        zoho: Row::new(Zoho::SPEC, |id, secret, base| {
            Zoho::new(id, secret).with_hosts(base, base).build()
        });
        // The default region's host; the mock serves every path on its own.
        battlenet: Row::new(BattleNet::SPEC, |id, secret, base| {
            BattleNet::new(id, secret).with_hosts(base, base).build()
        });
        bitbucket: Row::new(Bitbucket::SPEC, |id, secret, base| {
            Bitbucket::new(id, secret).with_hosts(base, base).build()
        });
        // The avatar is a CDN URL the hook builds from the avatar hash.
        coinbase: Row::new(Coinbase::SPEC, |id, secret, base| {
            Coinbase::new(id, secret).with_hosts(base, base).build()
        });
        discord: Row::new(Discord::SPEC, |id, secret, base| {
            Discord::new(id, secret).with_hosts(base, base).build()
        })
        .hook_decides(&["avatarUrl"]);
        dropbox: Row::new(Dropbox::SPEC, |id, secret, base| {
            Dropbox::new(id, secret).with_hosts(base, base).build()
        });
        // The request hook's `appsecret_proof` is checked in presets_global.rs.
        facebook: Row::new(Facebook::SPEC, |id, secret, base| {
            Facebook::new(id, secret).with_hosts(base, base).build()
        });
        github: Row::new(GitHub::SPEC, |id, secret, base| {
            GitHub::new(id, secret).with_hosts(base, base).build()
        });
        gitlab: Row::new(GitLab::SPEC, |id, secret, base| {
            GitLab::new(id, secret).with_hosts(base, base).build()
        });
        instagram: Row::new(Instagram::SPEC, |id, secret, base| {
            Instagram::new(id, secret).with_hosts(base, base).build()
        });
        // The hook adds `is_email_valid` to the verdict, which the mock does not send.
        kakao: Row::new(Kakao::SPEC, |id, secret, base| {
            Kakao::new(id, secret).with_hosts(base, base).build()
        })
        .hook_decides(&["emailVerified"]);
        mailru: Row::new(MailRu::SPEC, |id, secret, base| {
            MailRu::new(id, secret).with_hosts(base, base).build()
        });
        // The token request repeats the redirect's state; the answer carries resultcode 00.
        naver: Row::new(Naver::SPEC, |id, secret, base| {
            Naver::new(id, secret).with_hosts(base, base).build()
        });
        // The request hook's `sig` is checked in presets_ru.rs.
        odnoklassniki: Row::new(Odnoklassniki::SPEC, |id, secret, base| {
            Odnoklassniki::new(id, secret, OK_KEY).with_hosts(base, base).build()
        })
        .vars(&[("application_key", OK_KEY)]);
        patreon: Row::new(Patreon::SPEC, |id, secret, base| {
            Patreon::new(id, secret).with_hosts(base, base).build()
        });
        // The hook picks the primary email, the first one at the mock.
        paypal: Row::new(PayPal::SPEC, |id, secret, base| {
            PayPal::new(id, secret).with_hosts(base, base).build()
        });
        pinterest: Row::new(Pinterest::SPEC, |id, secret, base| {
            Pinterest::new(id, secret).with_hosts(base, base).build()
        });
        // The hook only unescapes `&amp;` in the avatar URL, which the mock's has none of.
        reddit: Row::new(Reddit::SPEC, |id, secret, base| {
            Reddit::new(id, secret).with_hosts(base, base).build()
        });
        snapchat: Row::new(Snapchat::SPEC, |id, secret, base| {
            Snapchat::new(id, secret).with_hosts(base, base).build()
        });
        spotify: Row::new(Spotify::SPEC, |id, secret, base| {
            Spotify::new(id, secret).with_hosts(base, base).build()
        });
        // The token answer names the athlete, whose profile the mock then serves.
        strava: Row::new(Strava::SPEC, |id, secret, base| {
            Strava::new(id, secret).with_hosts(base, base).build()
        });
        // The token answer's user_id is the profile's id.
        threads: Row::new(Threads::SPEC, |id, secret, base| {
            Threads::new(id, secret).with_hosts(base, base).build()
        });
        // The client id travels as client_key; the answer carries error.code ok.
        tiktok: Row::new(TikTok::SPEC, |id, secret, base| {
            TikTok::new(id, secret).with_hosts(base, base).build()
        });
        twitch: Row::new(Twitch::SPEC, |id, secret, base| {
            Twitch::new(id, secret).with_hosts(base, base).build()
        });
        // The email comes from the token answer, read by the hook (presets_ru.rs).
        vk: Row::new(Vk::SPEC, |id, secret, base| {
            Vk::new(id, secret).with_hosts(base, base).build()
        })
        .hook_decides(&["email", "emailVerified"]);
        // A public client: the app id alone, no secret.
        vk_id: Row::new(VkId::SPEC, |id, _secret, base| {
            VkId::new(id).with_hosts(base, base).build()
        });
        // The token answer's uid is the profile call's uid.
        weibo: Row::new(Weibo::SPEC, |id, secret, base| {
            Weibo::new(id, secret).with_hosts(base, base).build()
        });
        x: Row::new(X::SPEC, |id, secret, base| {
            X::new(id, secret).with_hosts(base, base).build()
        });
        yahoo: Row::new(Yahoo::SPEC, |id, secret, base| {
            Yahoo::new(id, secret).with_hosts(base, base).build()
        });
        // The avatar is built by the hook from `default_avatar_id`.
        yandex: Row::new(Yandex::SPEC, |id, secret, base| {
            Yandex::new(id, secret).with_hosts(base, base).build()
        })
        .hook_decides(&["avatarUrl"]);
        zoom: Row::new(Zoom::SPEC, |id, secret, base| {
            Zoom::new(id, secret).with_hosts(base, base).build()
        });
    }
}

/// A client whose declaration departs from the one the mock serves in one respect: the
/// sign-in must fail, and the mock must say why. What makes the table's rows fail when a
/// preset's client and its declaration disagree.
mod the_mock_refuses_a_departure {
    use super::*;

    /// A declaration that lives as long as the test binary.
    fn leak(spec: OAuth2Preset) -> &'static OAuth2Preset {
        Box::leak(Box::new(spec))
    }

    /// Signs in with a client built from `used` against the mock of `served`; asserts that
    /// it fails and that the mock refused with a reason containing `why`.
    async fn refused(served: OAuth2Preset, used: OAuth2Preset, why: &str) {
        let used = leak(used);
        let (mock, app) = against_mock(leak(served), &[], |id, secret, base| {
            PresetBuilder::new(used, id, secret)
                .with_hosts(base, base)
                .build()
        })
        .await;
        let started = app.start(NAME).await;
        let signed_in = match mock.decide(&started.url, Decision::Approve).await {
            Ok(callback) => app.finish(NAME, &started, callback.json()).await.status() == 200,
            Err(_) => false,
        };
        assert!(!signed_in, "the sign-in succeeded");
        let refusals = mock.refusals();
        assert!(
            refusals.iter().any(|refusal| refusal.contains(why)),
            "{refusals:?} do not say {why:?}"
        );
    }

    #[tokio::test]
    async fn in_client_authentication() {
        let all = [
            ClientAuth::Basic,
            ClientAuth::BasicWithClientIdInBody,
            ClientAuth::Post,
            ClientAuth::Public,
        ];
        for served in all {
            for used in all.into_iter().filter(|used| *used != served) {
                refused(
                    OAuth2Preset {
                        client_auth: served,
                        ..PLAIN
                    },
                    OAuth2Preset {
                        client_auth: used,
                        ..PLAIN
                    },
                    "token: ",
                )
                .await;
            }
        }
    }

    #[tokio::test]
    async fn in_the_client_id_s_name() {
        let post = OAuth2Preset {
            client_auth: ClientAuth::Post,
            ..PLAIN
        };
        let renamed = OAuth2Preset {
            client_id_param: "client_key",
            ..post
        };
        refused(renamed, post, "client_key must be the mock's client").await;
        refused(post, renamed, "client_id must be the mock's client").await;
    }

    #[tokio::test]
    async fn in_the_token_answer_s_user() {
        let named = OAuth2Preset {
            token_user_id: Some("/uid"),
            profile: ProfileCall {
                query: &[("uid", "{user_id}")],
                ..ProfileCall::bearer_get(api("/me"))
            },
            ..PLAIN
        };
        refused(named, PLAIN, "uid=\"583231\"").await;
    }

    #[tokio::test]
    async fn in_pkce() {
        let without = OAuth2Preset {
            pkce: false,
            ..PLAIN
        };
        refused(PLAIN, without, "an S256 code_challenge is required").await;
        refused(without, PLAIN, "no code_challenge is expected").await;
    }

    #[tokio::test]
    async fn in_fixed_parameters_and_scopes() {
        let with_param = OAuth2Preset {
            authorize_params: &[("display", "popup")],
            ..PLAIN
        };
        refused(with_param, PLAIN, "display=\"popup\"").await;
        let comma = OAuth2Preset {
            scope_separator: ",",
            ..PLAIN
        };
        refused(comma, PLAIN, "scope must be").await;
    }

    #[tokio::test]
    async fn in_the_token_s_place_and_the_profile_request() {
        let with = |profile: ProfileCall| OAuth2Preset { profile, ..PLAIN };
        let bearer = ProfileCall::bearer_get(api("/me"));
        for (served, used) in [
            (TokenIn::Scheme("OAuth"), TokenIn::Bearer),
            (TokenIn::Query("access_token"), TokenIn::Bearer),
            (TokenIn::Bearer, TokenIn::Query("access_token")),
            (TokenIn::Bare, TokenIn::Bearer),
            (TokenIn::Bearer, TokenIn::Bare),
        ] {
            refused(
                with(ProfileCall {
                    token: served,
                    ..bearer
                }),
                with(ProfileCall {
                    token: used,
                    ..bearer
                }),
                "puts the access token in",
            )
            .await;
        }
        let with_query = with(ProfileCall {
            query: &[("fields", "id,name")],
            ..bearer
        });
        refused(with_query, PLAIN, "fields=\"id,name\"").await;
        let with_header = with(ProfileCall {
            headers: &[("client-id", "{client_id}")],
            ..bearer
        });
        refused(with_header, PLAIN, "client-id: \"mock-client\"").await;
        // The token in the path, or a JSON body, where the declaration says so.
        let in_path = ProfileCall::bearer_get(api("/me/{access_token}"));
        refused(
            with(ProfileCall {
                token: TokenIn::Path,
                ..in_path
            }),
            with(in_path),
            "puts the access token in",
        )
        .await;
        let post = ProfileCall {
            method: Method::Post,
            ..bearer
        };
        let with_json = with(ProfileCall {
            json: r#"{"query":"{ viewer { id } }"}"#,
            ..post
        });
        refused(with_json, with(post), "the JSON body").await;
    }
}

/// The client the mock OpenID provider knows.
const OIDC_CLIENT_ID: &str = "oidc-client";
/// Its secret.
const OIDC_CLIENT_SECRET: &str = "oidc-secret";

/// How a row builds its OpenID Connect preset against the mock, from the mock's client id,
/// client secret and base URL.
type OidcBuild = fn(String, String, &str) -> Result<OidcProvider, ConfigError>;

/// One OpenID Connect preset of the table.
struct OidcRow {
    spec: &'static OidcPreset,
    /// The mock OpenID provider's quirk mode for the preset.
    quirks: Quirks,
    build: OidcBuild,
    /// Fields of the normalized user a claims hook of the preset decides: not compared.
    hook_decides: &'static [&'static str],
    /// Claims the provider adds that the claims hook checks (Azure AD B2C's `tfp`).
    claims: Value,
}

impl OidcRow {
    fn new(spec: &'static OidcPreset, quirks: Quirks, build: OidcBuild) -> OidcRow {
        OidcRow {
            spec,
            quirks,
            build,
            hook_decides: &[],
            claims: json!({}),
        }
    }

    /// A preset the mock imitates from its declaration, with the variables its builder
    /// sets in the row.
    fn declared(
        spec: &'static OidcPreset,
        vars: &[(&'static str, &str)],
        build: OidcBuild,
    ) -> OidcRow {
        let vars = vars
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned()))
            .collect();
        OidcRow::new(spec, Quirks::Declared { spec, vars }, build)
    }

    fn claims(self, claims: Value) -> OidcRow {
        OidcRow { claims, ..self }
    }

    fn hook_decides(self, fields: &'static [&'static str]) -> OidcRow {
        OidcRow {
            hook_decides: fields,
            ..self
        }
    }
}

/// A sign-in and a denial of `row`'s preset against the mock OpenID provider in its quirk
/// mode, which insists on the declared client authentication. The mock's claims are the
/// standard ones of its user, Grace, shaped by the quirk mode: the id, name, email and
/// `emailVerified` are compared.
async fn check_oidc(row: OidcRow) {
    let spec = row.spec;
    let client_auth = match spec.client_auth {
        ClientAuth::Basic => ClientAuthMode::Basic,
        ClientAuth::Post => ClientAuthMode::Post,
        other => panic!("{}: no mock OpenID provider mode for {other:?}", spec.name),
    };
    let mock = MockOidc::start(MockOidcConfig {
        quirks: row.quirks,
        client_auth,
        iss_parameter: spec.iss_parameter,
        client_id: OIDC_CLIENT_ID.into(),
        client_secret: OIDC_CLIENT_SECRET.into(),
        ..MockOidcConfig::default()
    })
    .await;
    mock.set_extra_claims(row.claims.clone());
    let provider = (row.build)(
        OIDC_CLIENT_ID.into(),
        OIDC_CLIENT_SECRET.into(),
        &mock.base_url(),
    )
    .unwrap_or_else(|e| panic!("{} builds against the mock: {e}", spec.name));
    let app = app(provider).await;

    let (started, response) = approved(&mock, &app, &mock.authorize_url(), spec.name).await;
    assert_eq!(
        response.status(),
        200,
        "{}: {:?}; the app reported {:?}",
        spec.name,
        response.body(),
        app.reported_error()
    );
    let user = &json(&response)["user"];
    let grace = OidcUser::default();
    let email_verified = match spec.user.email_verified {
        EmailVerified::Unknown | EmailVerified::ByHook => Value::Null,
        EmailVerified::Always => json!(true),
        EmailVerified::Never => json!(false),
        EmailVerified::Field(_) | EmailVerified::PresentAt(_) => json!(grace.email_verified),
    };
    // A provider that shares no email (Roblox) has neither an email nor its flag.
    let (email, email_verified) = if spec.user.email.is_empty() {
        (Value::Null, Value::Null)
    } else {
        (json!(grace.email), email_verified)
    };
    let expected = json!({"id": grace.sub, "name": grace.name(), "email": email,
        "emailVerified": email_verified});
    for (name, value) in expected.as_object().expect("an object") {
        if !row.hook_decides.contains(&name.as_str()) {
            assert_eq!(user[name], *value, "{}: {name} of {user}", spec.name);
        }
    }

    let token = mock
        .last_token_request()
        .expect("the mock recorded the token request");
    let basic = token
        .authorization
        .as_deref()
        .is_some_and(|value| value.starts_with("Basic "));
    assert_eq!(
        client_auth_of(basic, &token.form, "client_id"),
        spec.client_auth,
        "{}: client authentication",
        spec.name
    );
    assert_eq!(
        (
            query_param(&started, "code_challenge").is_some(),
            token.field("code_verifier").is_some(),
            query_param(&started, "nonce").is_some(),
        ),
        (spec.pkce, spec.pkce, spec.nonce),
        "{}: PKCE (challenge, verifier) and nonce",
        spec.name
    );
    let userinfo = usize::from(spec.userinfo.is_some());
    let calls = || {
        (
            mock.calls(Endpoint::Discovery),
            mock.calls(Endpoint::Token),
            mock.calls(Endpoint::Profile),
        )
    };
    assert_eq!(
        calls(),
        (0, 1, userinfo),
        "{}: (discovery, token, userinfo) calls",
        spec.name
    );
    denied_without_a_call(&mock, &app, calls, spec.name).await;
}

/// The OpenID Connect table: one line per preset, each a test of the same name.
macro_rules! oidc_table {
    ($($(#[$doc:meta])* $test:ident: $row:expr;)*) => {
        $(
            $(#[$doc])*
            #[tokio::test]
            async fn $test() {
                check_oidc($row).await;
            }
        )*

        /// Every row.
        pub(super) fn oidc_rows() -> Vec<OidcRow> {
            vec![$($row),*]
        }
    };
}

/// Apple's team, key id and key (tests/tests/oidc_support).
const APPLE_TEAM: &str = "TEAM123456";
const APPLE_KEY_ID: &str = "APPLEKEY01";
const APPLE_P8: &str = include_str!("oidc_support/apple_test_key.p8");

/// The Apple mode of the mock OpenID provider, with the public half of the team's key.
fn apple_quirks() -> Quirks {
    Quirks::Apple {
        team_key: SigningKey::from_pem(Algorithm::ES256, APPLE_P8)
            .expect("the test key")
            .with_kid(APPLE_KEY_ID)
            .public_jwk(),
        team_id: APPLE_TEAM.into(),
    }
}

/// An Amazon Cognito user pool and its domain.
const COGNITO_POOL: &str = "eu-west-1_AbCdEf123";
const COGNITO_DOMAIN: &str = "example.auth.eu-west-1.amazoncognito.com";
/// An Azure AD B2C tenant's id.
const B2C_TENANT_ID: &str = "775527ff-9a37-4307-8b3d-cc311f58d925";

mod oidc {
    use super::*;

    oidc_table! {
        // The secret is a JWT minted with the team's key, which the mock verifies; the name
        // comes from the first consent's `user` parameter, read by the claims hook.
        apple: OidcRow::new(Apple::SPEC, apple_quirks(), |id, _secret, base| {
            Apple::new(id, APPLE_TEAM, APPLE_KEY_ID, APPLE_P8)?
                .with_hosts(base, base)
                .build()
        })
        .hook_decides(&["name"]);
        google: OidcRow::new(Google::SPEC, Quirks::Google, |id, secret, base| {
            Google::new(id, secret).with_hosts(base, base).build()
        });
        linkedin: OidcRow::new(LinkedIn::SPEC, Quirks::LinkedIn, |id, secret, base| {
            LinkedIn::new(id, secret).with_hosts(base, base).build()
        });
        // `emailVerified` is decided by the claims hook (xms_edov), tested in
        // oidc_presets.rs.
        microsoft: OidcRow::new(
            Microsoft::SPEC,
            Quirks::Microsoft { tid: "72f988bf-86f1-41af-91ab-2d7cd011db47".into() },
            |id, secret, base| Microsoft::new(id, secret).with_hosts(base, base).build(),
        )
        .hook_decides(&["emailVerified"]);
        slack: OidcRow::new(Slack::SPEC, Quirks::Slack, |id, secret, base| {
            Slack::new(id, secret).with_hosts(base, base).build()
        });
        amazon_cognito: OidcRow::declared(
            AmazonCognito::SPEC,
            &[
                ("region", "eu-west-1"),
                ("user_pool_id", COGNITO_POOL),
                ("domain", COGNITO_DOMAIN),
            ],
            |id, secret, base| {
                AmazonCognito::new(id, secret, "eu-west-1", COGNITO_POOL, COGNITO_DOMAIN)
                    .with_hosts(base, base)
                    .build()
            },
        );
        auth0: OidcRow::declared(
            Auth0::SPEC,
            &[("domain", "dev-abc.us.auth0.com")],
            |id, secret, base| {
                Auth0::new(id, secret, "dev-abc.us.auth0.com")
                    .with_hosts(base, base)
                    .build()
            },
        );
        authentik: OidcRow::declared(
            Authentik::SPEC,
            &[("base", "https://auth.example.com"), ("slug", "my-app")],
            |id, secret, base| {
                Authentik::new(id, secret, "https://auth.example.com", "my-app")
                    .with_hosts(base, base)
                    .build()
            },
        );
        // The claims hook requires the policy in `tfp`, checked in presets_catalog_oidc.rs.
        azure_ad_b2c: OidcRow::declared(
            AzureAdB2c::SPEC,
            &[("tenant", "contoso"), ("tenant_id", B2C_TENANT_ID), ("policy", "B2C_1_signin")],
            |id, secret, base| {
                AzureAdB2c::new(id, secret, "contoso", B2C_TENANT_ID, "B2C_1_signin")
                    .with_hosts(base, base)
                    .build()
            },
        )
        .claims(json!({"tfp": "B2C_1_signin"}));
        fusionauth: OidcRow::declared(
            FusionAuth::SPEC,
            &[("base", "https://auth.example.com")],
            |id, secret, base| {
                FusionAuth::new(id, secret, "https://auth.example.com")
                    .with_hosts(base, base)
                    .build()
            },
        );
        intuit: OidcRow::declared(Intuit::SPEC, &[], |id, secret, base| {
            Intuit::new(id, secret).with_hosts(base, base).build()
        });
        keycloak: OidcRow::declared(
            Keycloak::SPEC,
            &[("base", "https://sso.example.com"), ("realm", "main")],
            |id, secret, base| {
                Keycloak::new(id, secret, "https://sso.example.com", "main")
                    .with_hosts(base, base)
                    .build()
            },
        );
        // The mock signs its ID tokens with HS256 keyed with the client secret.
        line: OidcRow::declared(Line::SPEC, &[], |id, secret, base| {
            Line::new(id, secret).with_hosts(base, base).build()
        });
        okta: OidcRow::declared(
            Okta::SPEC,
            &[("domain", "example.okta.com")],
            |id, secret, base| {
                Okta::new(id, secret, "example.okta.com")
                    .with_hosts(base, base)
                    .build()
            },
        );
        roblox: OidcRow::declared(Roblox::SPEC, &[], |id, secret, base| {
            Roblox::new(id, secret).with_hosts(base, base).build()
        });
        salesforce: OidcRow::declared(Salesforce::SPEC, &[], |id, secret, base| {
            Salesforce::new(id, secret).with_hosts(base, base).build()
        });
        yahoo_japan: OidcRow::declared(YahooJapan::SPEC, &[], |id, secret, base| {
            YahooJapan::new(id, secret).with_hosts(base, base).build()
        });
        zitadel: OidcRow::declared(
            Zitadel::SPEC,
            &[("base", "https://my-instance.zitadel.cloud")],
            |id, secret, base| {
                Zitadel::new(id, secret, "https://my-instance.zitadel.cloud")
                    .with_hosts(base, base)
                    .build()
            },
        );
    }
}

/// The catalog's presets without a row in these tables, each with the test file that signs
/// in and is denied with it: `(providerType, file from the workspace's root)`.
const TESTED_ELSEWHERE: &[(&str, &str)] = &[
    // OAuth 1.0a, against the mock OAuth 1.0a provider.
    ("twitter", "tests/tests/oauth1_twitter.rs"),
    // Any OpenID provider, configured by discovery from the mock OpenID provider.
    ("oidc", "tests/tests/oidc_generic.rs"),
];

#[test]
fn each_preset_has_one_row() {
    let oauth2 = oauth2::oauth2_rows();
    let names: HashSet<&str> = oauth2.iter().map(|row| row.spec.name).collect();
    assert_eq!(
        names.len(),
        oauth2.len(),
        "an OAuth 2.0 preset has two rows"
    );
    let oidc = oidc::oidc_rows();
    let names: HashSet<&str> = oidc.iter().map(|row| row.spec.name).collect();
    assert_eq!(
        names.len(),
        oidc.len(),
        "an OpenID Connect preset has two rows"
    );
}

/// Every preset of the catalog has a row in these tables or is listed in
/// [`TESTED_ELSEWHERE`] with a test file that exists and names it; a preset added to the
/// catalog without either fails here.
#[test]
fn every_preset_of_the_catalog_is_tested() {
    let oauth2: HashSet<&str> = oauth2::oauth2_rows()
        .iter()
        .map(|row| row.spec.name)
        .collect();
    let oidc: HashSet<&str> = oidc::oidc_rows().iter().map(|row| row.spec.name).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace's root");
    let mut untested = Vec::new();
    for entry in CATALOG {
        let name = entry.provider_type;
        let has_row = match entry.declared {
            Declared::OAuth2(spec) => oauth2.contains(spec.name),
            Declared::Oidc(spec) => oidc.contains(spec.name),
            _ => false,
        };
        let elsewhere = TESTED_ELSEWHERE.iter().find(|(listed, _)| *listed == name);
        match (has_row, elsewhere) {
            (true, None) => {}
            (true, Some((_, file))) => {
                panic!("{name} has a row here; drop it from TESTED_ELSEWHERE ({file})")
            }
            (false, Some((_, file))) => {
                let text = std::fs::read_to_string(root.join(file))
                    .unwrap_or_else(|e| panic!("{name}: {file} cannot be read: {e}"));
                assert!(
                    text.contains(entry.type_name) && text.contains("#[tokio::test]"),
                    "{name}: {file} has no test that names presets::{}",
                    entry.type_name
                );
            }
            (false, None) => untested.push(name),
        }
    }
    assert!(
        untested.is_empty(),
        "presets without a row in presets_declared.rs or an entry of TESTED_ELSEWHERE: \
         {untested:?}"
    );
    for (listed, file) in TESTED_ELSEWHERE {
        assert!(
            CATALOG.iter().any(|entry| entry.provider_type == *listed),
            "TESTED_ELSEWHERE lists {listed} ({file}), which the catalog does not have"
        );
    }
    assert_eq!(
        oauth2.len() + oidc.len() + TESTED_ELSEWHERE.len(),
        CATALOG.len(),
        "a row names a preset the catalog does not have"
    );
}
