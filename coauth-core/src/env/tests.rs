//! Tests of the environment configuration: every variable, encoding and refusal, and that
//! no value ever reaches an error message.
use std::collections::HashMap;

use super::*;
use crate::{AuthUrlRequest, RequestContext};

/// 32 bytes, as hex.
fn hex_secret() -> String {
    format!("hex:{}", "5a".repeat(32))
}

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| vars.get(name).cloned()
}

fn from(vars: &[(&str, &str)]) -> EnvProviders {
    providers(Coauth::builder(), lookup(vars))
}

fn names(enabled: &[EnabledProvider]) -> Vec<&'static str> {
    enabled.iter().map(|provider| provider.name).collect()
}

fn messages(problems: &[EnvError]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

fn request(provider: &str, redirect_uri: &str) -> AuthUrlRequest {
    AuthUrlRequest {
        provider_type: provider.into(),
        redirect_uri: redirect_uri.into(),
        identity: serde_json::Value::Null,
        mode: Default::default(),
        auth: Default::default(),
    }
}

fn context(origin: &str) -> RequestContext {
    RequestContext {
        origin: Some(origin.into()),
        ..RequestContext::default()
    }
}

#[test]
fn every_preset_has_distinct_names_and_variables() {
    let mut names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), PRESETS.len());
    let mut variables: Vec<_> = variables().collect();
    let count = variables.len();
    variables.sort_unstable();
    variables.dedup();
    assert_eq!(variables.len(), count);
    assert!(variables.iter().all(|v| v.starts_with("COAUTH_")));
    for preset in PRESETS {
        assert!(!preset.display_name.is_empty());
    }
    #[cfg(all(feature = "presets", feature = "oidc", feature = "oauth1"))]
    assert_eq!(PRESETS.len(), 66);
}

#[test]
fn nothing_set_turns_nothing_on() {
    let found = from(&[]);
    assert!(found.enabled.is_empty());
    assert!(found.problems.is_empty());
}

#[test]
fn secret_forms() {
    let bytes: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(37) ^ 0xfb).collect();
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
        let encoded = engine.encode(&bytes);
        assert_eq!(secret(&format!("base64:{encoded}")).unwrap(), bytes);
    }
    // The URL-safe and the standard alphabet differ for these bytes.
    assert_ne!(STANDARD.encode(&bytes), URL_SAFE.encode(&bytes));
    // Whitespace around the encoded text is ignored.
    let padded = format!("base64: {} \n", STANDARD.encode(&bytes));
    assert_eq!(secret(&padded).unwrap(), bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(secret(&format!("hex:{hex}")).unwrap(), bytes);
    assert_eq!(
        secret(&format!("hex:{}", hex.to_uppercase())).unwrap(),
        bytes
    );
    let raw = "a raw secret of at least 32 bytes, used as is";
    assert_eq!(secret(raw).unwrap(), raw.as_bytes());
}

#[test]
fn bad_secrets() {
    assert_eq!(secret("base64:not*base64!"), Err(SecretError::Base64));
    assert_eq!(secret("base64:"), Err(SecretError::Base64));
    assert_eq!(
        secret(&format!("base64:{}+_", "A".repeat(44))),
        Err(SecretError::Base64)
    );
    assert_eq!(
        secret(&format!("hex:{}", "a".repeat(65))),
        Err(SecretError::Hex)
    );
    assert_eq!(
        secret(&format!("hex:{}zz", "a".repeat(64))),
        Err(SecretError::Hex)
    );
    assert_eq!(secret("hex:"), Err(SecretError::Hex));
    assert_eq!(secret("short"), Err(SecretError::TooShort));
    // Long enough as text, too short once decoded: 32 characters, 24 bytes.
    let encoded = base64::engine::general_purpose::STANDARD.encode([7u8; 24]);
    assert_eq!(encoded.len(), MIN_SECRET_LEN);
    assert_eq!(secret(&encoded).unwrap().len(), MIN_SECRET_LEN);
    assert_eq!(
        secret(&format!("base64:{encoded}")),
        Err(SecretError::TooShort)
    );
    assert_eq!(
        secret(&format!("hex:{}", "ab".repeat(31))),
        Err(SecretError::TooShort)
    );
}

#[test]
fn the_app_secret_is_required_and_never_shown() {
    let missing = from_lookup(lookup(&[])).unwrap_err();
    assert_eq!(missing, EnvError::Missing { variable: SECRET });
    assert_eq!(missing.to_string(), "COAUTH_SECRET is not set");
    let empty = from_lookup(lookup(&[(SECRET, "")])).unwrap_err();
    assert_eq!(empty, EnvError::Missing { variable: SECRET });
    for value in [
        "base64:c2VjcmV0LXZhbHVlLWJ1dC1ub3QtYmFzZTY0!!",
        "hex:0123456789abcdefXYZ0123456789abcdef0123456789abcdef0123456789ab",
        "too short but secret",
    ] {
        let error = from_lookup(lookup(&[(SECRET, value)])).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("COAUTH_SECRET "), "{message}");
        assert!(!message.contains(value), "{message}");
        let encoded = value.split_once(':').map_or(value, |(_, text)| text);
        assert!(!message.contains(encoded), "{message}");
        assert_eq!(error.variable(), SECRET);
    }
    let previous = from_lookup(lookup(&[
        (SECRET, &hex_secret()),
        (PREVIOUS_SECRET, "base64:AAAA"),
    ]))
    .unwrap_err();
    assert_eq!(
        previous,
        EnvError::Secret {
            variable: PREVIOUS_SECRET,
            problem: SecretError::TooShort
        }
    );
    assert_eq!(
        previous.to_string(),
        "COAUTH_PREVIOUS_SECRET must be at least 32 bytes (once decoded)"
    );
}

/// A provider that needs no preset, for the tests that build a [`Coauth`].
fn test_provider() -> crate::oauth2::OAuth2Provider {
    use crate::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
    let config = OAuth2Config::new(
        "test-client",
        "test-secret",
        "https://idp.example/authorize",
        "https://idp.example/token",
    )
    .unwrap();
    OAuth2Provider::new(
        config,
        StandardUserinfo::new("https://idp.example/userinfo").unwrap(),
    )
}

#[tokio::test]
async fn the_public_url_gives_the_redirect_uri() {
    let configured = from_lookup(lookup(&[
        (SECRET, &hex_secret()),
        (PUBLIC_URL, "https://app.example/coauth"),
        (FLOW_LIFETIME, "300"),
    ]))
    .unwrap();
    assert_eq!(
        configured.public_url.as_deref(),
        Some("https://app.example/coauth")
    );
    let coauth = configured
        .builder
        .provider("test", test_provider())
        .build()
        .unwrap();
    let ctx = context("https://app.example");
    let started = coauth
        .auth_url(
            request("test", "https://app.example/coauth/result_page"),
            &ctx,
        )
        .await
        .unwrap();
    assert!(
        started
            .response
            .url
            .contains("redirect_uri=https%3A%2F%2Fapp.example%2Fcoauth%2Fresult_page"),
        "{}",
        started.response.url
    );
    let elsewhere = coauth
        .auth_url(
            request("test", "https://app.example/other/result_page"),
            &ctx,
        )
        .await
        .unwrap_err();
    assert_eq!(elsewhere.code(), "InputError");
    let foreign = coauth
        .auth_url(
            request("test", "https://app.example/coauth/result_page"),
            &context("https://evil.example"),
        )
        .await
        .unwrap_err();
    assert_eq!(foreign.code(), "InputError");
}

#[test]
fn a_previous_secret_and_a_flow_lifetime_are_read() {
    let configured = from_lookup(lookup(&[
        (SECRET, &hex_secret()),
        (PREVIOUS_SECRET, "an earlier secret, also 32 bytes or more"),
        (FLOW_LIFETIME, " 60 "),
        (PUBLIC_URL, "http://127.0.0.1:8080/coauth/"),
    ]))
    .unwrap();
    assert!(
        configured
            .builder
            .provider("test", test_provider())
            .build()
            .is_ok()
    );
    for bad in ["0", "601", "-5", "ten", "1.5"] {
        let error =
            from_lookup(lookup(&[(SECRET, &hex_secret()), (FLOW_LIFETIME, bad)])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "COAUTH_FLOW_LIFETIME must be a whole number of seconds from 1 to 600"
        );
    }
}

#[test]
fn a_bad_public_url_is_refused_without_being_shown() {
    for (value, reason) in [
        ("www.example.org/sign-in", "must be an absolute URL"),
        ("not a url at all", "must be an absolute URL"),
        ("http://app.example/coauth", "must be an https URL"),
        ("ftp://files.example/coauth", "must be an https URL"),
        (
            "https://user:pw@app.example/coauth",
            "user name or password",
        ),
        ("https://app.example/coauth?tenant=7", "query or a fragment"),
        ("https://app.example/coauth#top", "query or a fragment"),
    ] {
        let error =
            from_lookup(lookup(&[(SECRET, &hex_secret()), (PUBLIC_URL, value)])).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("COAUTH_PUBLIC_URL "), "{message}");
        assert!(message.contains(reason), "{value}: {message}");
        assert!(!message.contains(value), "{message}");
        assert_eq!(error.variable(), PUBLIC_URL);
    }
}

#[test]
fn settings_without_a_client_id_are_reported() {
    let found = from(&[
        ("COAUTH_GITHUB_CLIENT_SECRET", "gh-secret"),
        ("COAUTH_GITLAB_BASE_URL", "https://git.example.test"),
    ]);
    assert!(found.enabled.is_empty());
    #[cfg(feature = "presets")]
    assert_eq!(
        messages(&found.problems),
        [
            "COAUTH_GITHUB_CLIENT_SECRET is set but COAUTH_GITHUB_CLIENT_ID is not",
            "COAUTH_GITLAB_BASE_URL is set but COAUTH_GITLAB_CLIENT_ID is not",
        ]
    );
    #[cfg(not(feature = "presets"))]
    assert!(found.problems.is_empty());
}

#[cfg(feature = "presets")]
#[tokio::test]
async fn id_and_secret_turn_a_preset_on_with_its_extra_settings() {
    let found = from(&[
        ("COAUTH_GITLAB_CLIENT_ID", "gl-id"),
        ("COAUTH_GITLAB_CLIENT_SECRET", "gl-secret"),
        ("COAUTH_GITLAB_BASE_URL", "https://git.example.test"),
        ("COAUTH_VK_ID_CLIENT_ID", "vk-app"),
        ("COAUTH_FACEBOOK_CLIENT_ID", "fb-id"),
        ("COAUTH_ODNOKLASSNIKI_CLIENT_ID", "ok-id"),
        ("COAUTH_ODNOKLASSNIKI_CLIENT_SECRET", "ok-secret"),
        ("COAUTH_DISCORD_CLIENT_ID", "d-id"),
        ("COAUTH_DISCORD_CLIENT_SECRET", "d-secret"),
        ("COAUTH_MAILRU_CLIENT_ID", "m-id"),
        ("COAUTH_MAILRU_CLIENT_SECRET", "m-secret"),
    ]);
    assert_eq!(
        names(&found.enabled),
        ["discord", "gitlab", "vk-id", "mailru"]
    );
    let display: Vec<_> = found.enabled.iter().map(|p| p.display_name).collect();
    assert_eq!(display, ["Discord", "GitLab", "VK ID", "Mail.ru"]);
    assert_eq!(
        messages(&found.problems),
        [
            "COAUTH_FACEBOOK_CLIENT_SECRET is not set",
            "COAUTH_ODNOKLASSNIKI_APPLICATION_KEY is not set",
        ]
    );
    let coauth = found
        .builder
        .secret("env test: a secret of at least 32 bytes")
        .redirect_uri("https://app.example/coauth/result_page")
        .build()
        .unwrap();
    let ctx = context("https://app.example");
    let redirect = "https://app.example/coauth/result_page";
    let gitlab = coauth
        .auth_url(request("gitlab", redirect), &ctx)
        .await
        .unwrap();
    assert!(
        gitlab
            .response
            .url
            .starts_with("https://git.example.test/oauth/authorize?")
    );
    assert!(gitlab.response.url.contains("client_id=gl-id"));
    let vk_id = coauth
        .auth_url(request("vk-id", redirect), &ctx)
        .await
        .unwrap();
    assert!(
        vk_id
            .response
            .url
            .starts_with("https://id.vk.ru/authorize?")
    );
    let ok = coauth
        .auth_url(request("odnoklassniki", redirect), &ctx)
        .await;
    assert_eq!(ok.unwrap_err().code(), "InputError");
}

#[cfg(feature = "presets")]
#[tokio::test]
async fn from_lookup_turns_presets_on_behind_the_public_url() {
    let configured = from_lookup(lookup(&[
        (SECRET, &hex_secret()),
        (PUBLIC_URL, "https://app.example/coauth"),
        ("COAUTH_GITHUB_CLIENT_ID", "gh-id"),
        ("COAUTH_GITHUB_CLIENT_SECRET", "gh-secret"),
        ("COAUTH_REDDIT_CLIENT_ID", "r-id"),
    ]))
    .unwrap();
    assert_eq!(
        configured.enabled,
        [EnabledProvider {
            name: "github",
            display_name: "GitHub"
        }]
    );
    assert_eq!(
        configured.problems,
        [EnvError::Missing {
            variable: "COAUTH_REDDIT_CLIENT_SECRET"
        }]
    );
    let coauth = configured.builder.build().unwrap();
    let started = coauth
        .auth_url(
            request("github", "https://app.example/coauth/result_page"),
            &context("https://app.example"),
        )
        .await
        .unwrap();
    assert!(
        started
            .response
            .url
            .starts_with("https://github.com/login/oauth/authorize?")
    );
    assert!(
        started
            .response
            .url
            .contains("redirect_uri=https%3A%2F%2Fapp.example%2Fcoauth%2Fresult_page")
    );
}

#[cfg(feature = "presets")]
#[test]
fn a_bad_base_url_is_a_problem_not_a_panic_and_not_shown() {
    for value in [
        "not a url",
        "http://git.example.test",
        "https://git.example.test/?x=1",
    ] {
        let found = from(&[
            ("COAUTH_GITLAB_CLIENT_ID", "gl-id"),
            ("COAUTH_GITLAB_CLIENT_SECRET", "gl-secret"),
            ("COAUTH_GITLAB_BASE_URL", value),
            ("COAUTH_GITHUB_CLIENT_ID", "gh-id"),
            ("COAUTH_GITHUB_CLIENT_SECRET", "gh-secret"),
        ]);
        // The other presets still turn on.
        assert_eq!(names(&found.enabled), ["github"]);
        assert_eq!(found.problems.len(), 1);
        let message = found.problems[0].to_string();
        assert!(message.starts_with("COAUTH_GITLAB_BASE_URL "), "{message}");
        assert!(!message.contains(value), "{message}");
        assert!(!message.contains("gl-secret"), "{message}");
    }
}

#[test]
fn preset_refusals_show_no_value() {
    let values = ["bad tenant", "s3cr\"t"];
    assert!(shows_a_value("the tenant \"bad tenant\" is wrong", &values));
    assert!(shows_a_value("the tenant \"BAD TENANT\" is wrong", &values));
    assert!(shows_a_value(r#"key "s3cr\"t" refused"#, &values));
    assert!(!shows_a_value("the tenant must be a GUID", &values));
    assert!(!shows_a_value("anything", &["", ""]));
    let error = EnvError::Preset {
        provider: "gitlab",
        variables: vec!["COAUTH_GITLAB_CLIENT_ID", "COAUTH_GITLAB_CLIENT_SECRET"],
        reason: None,
    };
    assert_eq!(
        error.to_string(),
        "gitlab: the preset refused the settings in COAUTH_GITLAB_CLIENT_ID, \
         COAUTH_GITLAB_CLIENT_SECRET"
    );
    assert_eq!(error.variable(), "COAUTH_GITLAB_CLIENT_ID");
}

#[cfg(all(feature = "presets", feature = "oidc"))]
#[tokio::test]
async fn oidc_presets_and_the_generic_provider_turn_on() {
    let found = from(&[
        ("COAUTH_GOOGLE_CLIENT_ID", "g-id"),
        ("COAUTH_GOOGLE_CLIENT_SECRET", "g-secret"),
        ("COAUTH_MICROSOFT_CLIENT_ID", "m-id"),
        ("COAUTH_MICROSOFT_CLIENT_SECRET", "m-secret"),
        ("COAUTH_MICROSOFT_TENANT", "organizations"),
        ("COAUTH_APPLE_CLIENT_ID", "com.example.web"),
        ("COAUTH_OIDC_CLIENT_ID", "o-id"),
        ("COAUTH_OIDC_CLIENT_SECRET", "o-secret"),
        ("COAUTH_OIDC_ISSUER", "http://127.0.0.1:9"),
    ]);
    assert_eq!(names(&found.enabled), ["google", "microsoft"]);
    let display: Vec<_> = found.enabled.iter().map(|p| p.display_name).collect();
    assert_eq!(display, ["Google", "Microsoft"]);
    assert_eq!(
        messages(&found.problems),
        [
            "COAUTH_APPLE_TEAM_ID is not set",
            // A plain-http issuer needs the explicit loopback opt-in.
            "COAUTH_OIDC_ISSUER uses plain http: allow it on loopback with \
             COAUTH_OIDC_ALLOW_LOOPBACK=1",
        ]
    );
    let found = from(&[
        ("COAUTH_OIDC_CLIENT_ID", "o-id"),
        ("COAUTH_OIDC_CLIENT_SECRET", "o-secret"),
        ("COAUTH_OIDC_ISSUER", "http://127.0.0.1:9"),
        ("COAUTH_OIDC_ALLOW_LOOPBACK", "1"),
    ]);
    assert_eq!(
        found.enabled,
        [EnabledProvider {
            name: "oidc",
            display_name: "OpenID Connect"
        }]
    );
    // Built without any network: discovery waits for the first sign-in.
    let coauth = found
        .builder
        .secret("env test: a secret of at least 32 bytes")
        .redirect_uri("https://app.example/coauth/result_page")
        .build()
        .unwrap();
    let _ = coauth;
}

#[cfg(all(feature = "presets", feature = "oidc"))]
#[test]
fn bad_oidc_settings_are_problems_that_show_no_value() {
    let oidc = |issuer: &str, loopback: &str| {
        from(&[
            ("COAUTH_OIDC_CLIENT_ID", "o-id"),
            ("COAUTH_OIDC_CLIENT_SECRET", "o-secret"),
            ("COAUTH_OIDC_ISSUER", issuer),
            ("COAUTH_OIDC_ALLOW_LOOPBACK", loopback),
        ])
    };
    for (issuer, loopback, variable) in [
        ("sso.example.com/realms/main", "", "COAUTH_OIDC_ISSUER"),
        (
            "http://sso.example.com/realms/main",
            "1",
            "COAUTH_OIDC_ISSUER",
        ),
        (
            "https://sso.example.com/realms/main",
            "maybe",
            "COAUTH_OIDC_ALLOW_LOOPBACK",
        ),
    ] {
        let found = oidc(issuer, loopback);
        assert!(found.enabled.is_empty());
        assert_eq!(found.problems.len(), 1);
        assert_eq!(found.problems[0].variable(), variable);
        let message = found.problems[0].to_string();
        assert!(!message.contains(issuer), "{message}");
        assert!(!message.contains("maybe"), "{message}");
    }
    let found = oidc("https://sso.example.com/realms/main", "false");
    assert_eq!(names(&found.enabled), ["oidc"]);
    let found = from(&[
        ("COAUTH_MICROSOFT_CLIENT_ID", "m-id"),
        ("COAUTH_MICROSOFT_CLIENT_SECRET", "m-secret"),
        ("COAUTH_MICROSOFT_TENANT", "contoso-tenant"),
    ]);
    assert!(found.enabled.is_empty());
    let message = found.problems[0].to_string();
    assert!(
        message.starts_with("COAUTH_MICROSOFT_TENANT must be"),
        "{message}"
    );
    assert!(!message.contains("contoso-tenant"), "{message}");
    // A tenant's domain name is a tenant.
    let found = from(&[
        ("COAUTH_MICROSOFT_CLIENT_ID", "m-id"),
        ("COAUTH_MICROSOFT_CLIENT_SECRET", "m-secret"),
        ("COAUTH_MICROSOFT_TENANT", "contoso.onmicrosoft.com"),
    ]);
    assert_eq!(names(&found.enabled), ["microsoft"]);
}

/// A new EC P-256 key as the PEM text of an Apple `.p8` file.
#[cfg(all(feature = "presets", feature = "oidc"))]
fn p8_key() -> String {
    use base64::engine::general_purpose::STANDARD;
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        &ring::rand::SystemRandom::new(),
    )
    .unwrap();
    let body = STANDARD.encode(pkcs8.as_ref());
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

#[cfg(all(feature = "presets", feature = "oidc"))]
#[test]
fn apple_takes_its_key_as_text_escaped_text_or_a_file() {
    let pem = p8_key();
    let apple = |key: (&str, &str)| {
        from(&[
            ("COAUTH_APPLE_CLIENT_ID", "com.example.web"),
            ("COAUTH_APPLE_TEAM_ID", "TEAMID1234"),
            ("COAUTH_APPLE_KEY_ID", "ABC123DEFG"),
            key,
        ])
    };
    let found = apple(("COAUTH_APPLE_PRIVATE_KEY", &pem));
    assert_eq!(
        found.enabled,
        [EnabledProvider {
            name: "apple",
            display_name: "Apple"
        }]
    );
    let one_line = pem.replace('\n', "\\n");
    let found = apple(("COAUTH_APPLE_PRIVATE_KEY", &one_line));
    assert_eq!(names(&found.enabled), ["apple"], "{:?}", found.problems);
    let path = std::env::temp_dir().join(format!("coauth-env-test-{}.p8", std::process::id()));
    std::fs::write(&path, &pem).unwrap();
    let found = apple(("COAUTH_APPLE_PRIVATE_KEY_FILE", path.to_str().unwrap()));
    std::fs::remove_file(&path).unwrap();
    assert_eq!(names(&found.enabled), ["apple"], "{:?}", found.problems);

    let garbage =
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----";
    let found = apple(("COAUTH_APPLE_PRIVATE_KEY", garbage));
    assert!(found.enabled.is_empty());
    let message = found.problems[0].to_string();
    assert!(
        message.starts_with("COAUTH_APPLE_PRIVATE_KEY must be the PEM text"),
        "{message}"
    );
    assert!(!message.contains("c2VjcmV0"), "{message}");

    let missing_file = "/nonexistent/coauth/AuthKey_SECRETPATH.p8";
    let found = apple(("COAUTH_APPLE_PRIVATE_KEY_FILE", missing_file));
    let message = found.problems[0].to_string();
    assert!(
        message.starts_with("COAUTH_APPLE_PRIVATE_KEY_FILE names a file that cannot be read"),
        "{message}"
    );
    assert!(!message.contains("SECRETPATH"), "{message}");

    let found = from(&[
        ("COAUTH_APPLE_CLIENT_ID", "com.example.web"),
        ("COAUTH_APPLE_TEAM_ID", "TEAMID1234"),
        ("COAUTH_APPLE_KEY_ID", "ABC123DEFG"),
    ]);
    assert_eq!(
        messages(&found.problems),
        ["COAUTH_APPLE_PRIVATE_KEY (or COAUTH_APPLE_PRIVATE_KEY_FILE) is not set"]
    );
    let found = from(&[
        ("COAUTH_APPLE_CLIENT_ID", "com.example.web"),
        ("COAUTH_APPLE_TEAM_ID", "TEAMID1234"),
        ("COAUTH_APPLE_KEY_ID", "ABC123DEFG"),
        ("COAUTH_APPLE_PRIVATE_KEY", &pem),
        ("COAUTH_APPLE_PRIVATE_KEY_FILE", "/some/AuthKey.p8"),
    ]);
    assert_eq!(
        messages(&found.problems),
        ["COAUTH_APPLE_PRIVATE_KEY_FILE and COAUTH_APPLE_PRIVATE_KEY are both set: set only one"]
    );
}

#[cfg(feature = "presets")]
#[test]
fn work_tool_presets_read_their_region_instance_and_shop() {
    let found = from(&[
        ("COAUTH_ZOHO_CLIENT_ID", "z-id"),
        ("COAUTH_ZOHO_CLIENT_SECRET", "z-secret"),
        ("COAUTH_ZOHO_REGION", "eu"),
        ("COAUTH_MASTODON_CLIENT_ID", "m-id"),
        ("COAUTH_MASTODON_CLIENT_SECRET", "m-secret"),
        ("COAUTH_MASTODON_INSTANCE", "https://mastodon.social"),
        ("COAUTH_SHOPIFY_CLIENT_ID", "s-id"),
        ("COAUTH_SHOPIFY_CLIENT_SECRET", "s-secret"),
        ("COAUTH_SHOPIFY_SHOP", "my-store.myshopify.com"),
        ("COAUTH_NOTION_CLIENT_ID", "n-id"),
        ("COAUTH_NOTION_CLIENT_SECRET", "n-secret"),
    ]);
    assert_eq!(
        names(&found.enabled),
        ["notion", "zoho", "mastodon", "shopify"]
    );
    assert!(found.problems.is_empty(), "{:?}", messages(&found.problems));

    // Invalid values are problems that name the variable and not the value; a missing
    // instance or shop is one too.
    let found = from(&[
        ("COAUTH_ZOHO_CLIENT_ID", "z-id"),
        ("COAUTH_ZOHO_CLIENT_SECRET", "z-secret"),
        ("COAUTH_ZOHO_REGION", "atlantis"),
        ("COAUTH_MASTODON_CLIENT_ID", "m-id"),
        ("COAUTH_MASTODON_CLIENT_SECRET", "m-secret"),
        ("COAUTH_MASTODON_INSTANCE", "https://10.20.30.40"),
        ("COAUTH_SHOPIFY_CLIENT_ID", "s-id"),
        ("COAUTH_SHOPIFY_CLIENT_SECRET", "s-secret"),
        ("COAUTH_SHOPIFY_SHOP", "evil.example"),
    ]);
    assert!(found.enabled.is_empty());
    let problems = messages(&found.problems);
    assert_eq!(problems.len(), 3, "{problems:?}");
    for (problem, variable, value) in [
        (&problems[0], "COAUTH_ZOHO_REGION", "atlantis"),
        (&problems[1], "COAUTH_MASTODON_INSTANCE", "10.20.30.40"),
        (&problems[2], "COAUTH_SHOPIFY_SHOP", "evil.example"),
    ] {
        assert!(
            problem.starts_with(&format!("{variable} must be")),
            "{problem}"
        );
        assert!(!problem.contains(value), "{problem}");
    }
    let found = from(&[
        ("COAUTH_SHOPIFY_CLIENT_ID", "s-id"),
        ("COAUTH_SHOPIFY_CLIENT_SECRET", "s-secret"),
    ]);
    assert_eq!(
        messages(&found.problems),
        ["COAUTH_SHOPIFY_SHOP is not set"]
    );
}

#[cfg(feature = "presets")]
#[tokio::test]
async fn paypal_s_sandbox_and_battle_net_s_region_are_read() {
    let found = from(&[
        ("COAUTH_PAYPAL_CLIENT_ID", "pp-id"),
        ("COAUTH_PAYPAL_CLIENT_SECRET", "pp-secret"),
        ("COAUTH_PAYPAL_SANDBOX", "1"),
        ("COAUTH_BATTLENET_CLIENT_ID", "bn-id"),
        ("COAUTH_BATTLENET_CLIENT_SECRET", "bn-secret"),
        ("COAUTH_BATTLENET_REGION", "CN"),
    ]);
    assert_eq!(names(&found.enabled), ["paypal", "battlenet"]);
    assert!(found.problems.is_empty(), "{:?}", found.problems);
    let coauth = found
        .builder
        .secret("env test: a secret of at least 32 bytes")
        .redirect_uri("https://app.example/coauth/result_page")
        .build()
        .unwrap();
    let ctx = context("https://app.example");
    let redirect = "https://app.example/coauth/result_page";
    let url = |provider: &'static str| {
        let coauth = &coauth;
        let ctx = &ctx;
        async move {
            coauth
                .auth_url(request(provider, redirect), ctx)
                .await
                .unwrap()
                .response
                .url
        }
    };
    assert!(
        url("paypal")
            .await
            .starts_with("https://www.sandbox.paypal.com/signin/authorize?")
    );
    assert!(
        url("battlenet")
            .await
            .starts_with("https://oauth.battlenet.com.cn/authorize?")
    );
    let bad = from(&[
        ("COAUTH_PAYPAL_CLIENT_ID", "pp-id"),
        ("COAUTH_PAYPAL_CLIENT_SECRET", "pp-secret"),
        ("COAUTH_PAYPAL_SANDBOX", "maybe"),
        ("COAUTH_BATTLENET_CLIENT_ID", "bn-id"),
        ("COAUTH_BATTLENET_CLIENT_SECRET", "bn-secret"),
        ("COAUTH_BATTLENET_REGION", "mars"),
    ]);
    assert!(bad.enabled.is_empty());
    let problems = messages(&bad.problems);
    assert_eq!(
        problems,
        [
            "COAUTH_PAYPAL_SANDBOX must be 1 or 0 (or true or false)",
            "COAUTH_BATTLENET_REGION must be us, eu, kr, tw or cn",
        ]
    );
    assert!(!problems.iter().any(|problem| problem.contains("mars")));
}

#[cfg(all(feature = "presets", feature = "oidc"))]
#[test]
fn identity_platform_presets_turn_on_with_their_settings() {
    let mut vars = Vec::new();
    for name in [
        "AUTH0",
        "OKTA",
        "KEYCLOAK",
        "AMAZON_COGNITO",
        "AZURE_AD_B2C",
        "ZITADEL",
        "AUTHENTIK",
        "FUSIONAUTH",
        "LINE",
        "YAHOO_JAPAN",
        "SALESFORCE",
        "ROBLOX",
        "INTUIT",
    ] {
        vars.push((format!("COAUTH_{name}_CLIENT_ID"), "id".to_owned()));
        vars.push((format!("COAUTH_{name}_CLIENT_SECRET"), "secret".to_owned()));
    }
    for (name, value) in [
        ("COAUTH_AUTH0_DOMAIN", "dev-abc.us.auth0.com"),
        ("COAUTH_OKTA_DOMAIN", "example.okta.com"),
        ("COAUTH_OKTA_AUTHORIZATION_SERVER", "default"),
        ("COAUTH_KEYCLOAK_BASE_URL", "http://127.0.0.1:8080"),
        ("COAUTH_KEYCLOAK_REALM", "main"),
        ("COAUTH_KEYCLOAK_ALLOW_LOOPBACK", "1"),
        ("COAUTH_AMAZON_COGNITO_REGION", "eu-west-1"),
        ("COAUTH_AMAZON_COGNITO_USER_POOL_ID", "eu-west-1_AbC123"),
        (
            "COAUTH_AMAZON_COGNITO_DOMAIN",
            "example.auth.eu-west-1.amazoncognito.com",
        ),
        ("COAUTH_AZURE_AD_B2C_TENANT", "contoso"),
        (
            "COAUTH_AZURE_AD_B2C_TENANT_ID",
            "775527ff-9a37-4307-8b3d-cc311f58d925",
        ),
        ("COAUTH_AZURE_AD_B2C_POLICY", "B2C_1_signin"),
        (
            "COAUTH_ZITADEL_BASE_URL",
            "https://my-instance.zitadel.cloud",
        ),
        ("COAUTH_AUTHENTIK_BASE_URL", "https://auth.example.com"),
        ("COAUTH_AUTHENTIK_SLUG", "my-app"),
        ("COAUTH_FUSIONAUTH_BASE_URL", "https://auth.example.com"),
        (
            "COAUTH_FUSIONAUTH_TENANT_ID",
            "c1b3b33e-4f2a-4e7e-9a6b-2d9f0b1a7c55",
        ),
        ("COAUTH_SALESFORCE_MY_DOMAIN", "acme.my.salesforce.com"),
        ("COAUTH_INTUIT_SANDBOX", "1"),
    ] {
        vars.push((name.to_owned(), value.to_owned()));
    }
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let found = from(&pairs);
    assert!(found.problems.is_empty(), "{:?}", found.problems);
    assert_eq!(
        names(&found.enabled),
        [
            "auth0",
            "okta",
            "keycloak",
            "amazon-cognito",
            "azure-ad-b2c",
            "zitadel",
            "authentik",
            "fusionauth",
            "line",
            "yahoo-japan",
            "salesforce",
            "roblox",
            "intuit",
        ]
    );
}

#[cfg(all(feature = "presets", feature = "oidc"))]
#[test]
fn bad_identity_platform_settings_are_problems_that_show_no_value() {
    let id = |name: &str| {
        [
            (format!("COAUTH_{name}_CLIENT_ID"), "id".to_owned()),
            (format!("COAUTH_{name}_CLIENT_SECRET"), "secret".to_owned()),
        ]
    };
    for (name, extra) in [
        ("AUTH0", vec![("COAUTH_AUTH0_DOMAIN", "evil.example/x")]),
        ("AUTH0", vec![]),
        (
            "KEYCLOAK",
            vec![
                ("COAUTH_KEYCLOAK_BASE_URL", "http://127.0.0.1:8080"),
                ("COAUTH_KEYCLOAK_REALM", "main"),
            ],
        ),
        (
            "KEYCLOAK",
            vec![
                ("COAUTH_KEYCLOAK_BASE_URL", "https://sso.example.com"),
                ("COAUTH_KEYCLOAK_REALM", "a/../b"),
            ],
        ),
        (
            "AZURE_AD_B2C",
            vec![
                ("COAUTH_AZURE_AD_B2C_TENANT", "contoso"),
                ("COAUTH_AZURE_AD_B2C_TENANT_ID", "not-a-guid"),
                ("COAUTH_AZURE_AD_B2C_POLICY", "B2C_1_signin"),
            ],
        ),
        (
            "SALESFORCE",
            vec![
                ("COAUTH_SALESFORCE_MY_DOMAIN", "acme.my.salesforce.com"),
                ("COAUTH_SALESFORCE_SANDBOX", "1"),
            ],
        ),
    ] {
        let mut vars: Vec<(String, String)> = id(name).to_vec();
        vars.extend(
            extra
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        let pairs: Vec<(&str, &str)> = vars.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let found = from(&pairs);
        assert!(found.enabled.is_empty(), "{name}: {extra:?}");
        assert_eq!(found.problems.len(), 1, "{name}: {:?}", found.problems);
        let message = found.problems[0].to_string();
        for (_, value) in &extra {
            assert!(!message.contains(value), "{message} shows {value}");
        }
    }
}

#[cfg(all(feature = "presets", feature = "oidc", feature = "oauth1"))]
#[test]
fn every_preset_of_the_catalog_turns_on_from_its_variables() {
    let turned_on: Vec<(&str, &str, String)> = PRESETS
        .iter()
        .map(|preset| {
            (
                preset.name,
                preset.display_name,
                preset.client_id.to_owned(),
            )
        })
        .collect();
    let catalog: Vec<(&str, &str, String)> = crate::presets::CATALOG
        .iter()
        .map(|entry| {
            (
                entry.provider_type,
                entry.display_name,
                format!("COAUTH_{}_CLIENT_ID", entry.env_name),
            )
        })
        .collect();
    assert_eq!(turned_on, catalog);
}

#[test]
fn sessions_are_turned_on_and_timed_by_their_variables() {
    let off = from_lookup(lookup(&[(SECRET, &hex_secret())])).unwrap();
    assert!(
        !off.builder
            .provider("test", test_provider())
            .redirect_uri("https://app.example/r")
            .build()
            .unwrap()
            .has_sessions()
    );
    let on = from_lookup(lookup(&[
        (SECRET, &hex_secret()),
        (SESSIONS, "1"),
        (SESSION_LIFETIME, "86400"),
        (SESSION_IDLE_TIMEOUT, " 3600 "),
    ]))
    .unwrap();
    assert!(
        on.builder
            .provider("test", test_provider())
            .redirect_uri("https://app.example/r")
            .build()
            .unwrap()
            .has_sessions()
    );
    // An idle timeout longer than the lifetime fails at build, as from the builder.
    let longer = from_lookup(lookup(&[
        (SECRET, &hex_secret()),
        (SESSIONS, "true"),
        (SESSION_LIFETIME, "60"),
        (SESSION_IDLE_TIMEOUT, "120"),
    ]))
    .unwrap();
    let error = longer
        .builder
        .provider("test", test_provider())
        .redirect_uri("https://app.example/r")
        .build()
        .unwrap_err();
    assert!(error.0.contains("idle timeout"), "{error}");
    for (vars, message) in [
        (
            vec![(SESSIONS, "maybe")],
            "COAUTH_SESSIONS must be 1 or 0 (or true or false)",
        ),
        (
            vec![(SESSION_LIFETIME, "60")],
            "COAUTH_SESSION_LIFETIME needs sessions on (COAUTH_SESSIONS=1)",
        ),
        (
            vec![(SESSIONS, "0"), (SESSION_IDLE_TIMEOUT, "60")],
            "COAUTH_SESSION_IDLE_TIMEOUT needs sessions on (COAUTH_SESSIONS=1)",
        ),
        (
            vec![(SESSIONS, "1"), (SESSION_LIFETIME, "0")],
            "COAUTH_SESSION_LIFETIME must be a whole number of seconds from 1 to 34560000",
        ),
        (
            vec![(SESSIONS, "1"), (SESSION_IDLE_TIMEOUT, "1h")],
            "COAUTH_SESSION_IDLE_TIMEOUT must be a whole number of seconds from 1 to 34560000",
        ),
    ] {
        let secret = hex_secret();
        let mut all = vec![(SECRET, secret.as_str())];
        all.extend(vars);
        let error = from_lookup(lookup(&all)).unwrap_err();
        assert_eq!(error.to_string(), message);
    }
}
