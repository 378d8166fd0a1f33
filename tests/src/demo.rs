//! The demo app's configuration, shared by the demo of every adapter: a provider `demo`
//! backed by an in-process [`MockProvider`], the presets turned on by the environment (see
//! [`coauth_core::env`]), and the demo page.
//!
//! The browser tests also sign in with [`test_providers`], each backed by its own mock:
//! `demo-auto` approves at once (silent sign-in succeeds), `demo-noframe` ignores
//! `prompt=none` and refuses to be framed (silent sign-in times out), `demo-coop` sends
//! `Cross-Origin-Opener-Policy: same-origin` on its consent page (the popup loses its
//! opener). [`APPLE_TEST_PROVIDER`] is Sign in with Apple (the [`Apple`] preset) against a
//! [`MockOidc`] in its Apple mode: the answer comes back as a `form_post`, a POST to the
//! result page, with the user's name in the first consent's `user` parameter.
//! [`TWITTER_TEST_PROVIDER`] is Twitter (the [`Twitter`] preset, OAuth 1.0a) against a
//! [`MockOAuth1`]: the flow is named by its request token, not a `state`, and a denial
//! comes back as `denied=<request token>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use coauth_core::oauth1::OAuth1Provider;
use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::oidc::{Algorithm, OidcProvider, SigningKey};
use coauth_core::presets::{Apple, Twitter};
use coauth_core::{Coauth, HyperClient, env, session_user};

use crate::mock::MockIdp;
use crate::mock_oauth1::{MockOAuth1, MockOAuth1Config};
use crate::mock_oidc::{MockOidc, MockOidcConfig, Quirks};
use crate::mock_provider::{MockConfig, MockProvider};

/// The demo page without its provider buttons ([`index_html`] adds them); a demo serves
/// [`Demo::index_html`]. Its provider buttons sign in in a popup and fall back to redirect
/// mode where none can open (`fallback: 'redirect'`); "Sign in without a popup"
/// (`#redirect-demo`) signs in with the `demo` provider in redirect mode, and the page calls
/// `resume()` on every load to finish such a sign-in.
pub const INDEX_HTML: &str = include_str!("../demo/index.html");
/// The demo page's script, served at `/demo.js` (`text/javascript`).
pub const DEMO_JS: &str = include_str!("../demo/demo.js");
/// The demo page's stylesheet, served at `/demo.css` (`text/css`).
pub const DEMO_CSS: &str = include_str!("../demo/demo.css");
/// The Content-Security-Policy of the demo page: scripts and styles from the app's own
/// files only (no inline code or style); images from the app and https (the user's
/// avatar); frames from the app (the frame transport, whose form posts to the app) and from
/// the loopback mock providers (silent sign-in).
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                            connect-src 'self'; img-src 'self' https:; base-uri 'none'; \
                            object-src 'none'; frame-src 'self' http://127.0.0.1:*; \
                            form-action 'self'; frame-ancestors 'none'";

/// The app user every visitor of the demo counts as (the demo has no accounts).
pub const DEMO_USER: &str = "demo-user";

/// The headers every demo page is served with, besides its `Content-Type`: the strict CSP,
/// no caching, no sniffing, no referrer.
pub const PAGE_HEADERS: [(&str, &str); 4] = [
    ("content-security-policy", PAGE_CSP),
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
];

/// A demo page (or its script) as an `http` answer with [`PAGE_HEADERS`], for the demos of
/// frameworks built on the `http` crate.
pub fn page(body: &'static str, content_type: &'static str) -> http::Response<bytes::Bytes> {
    let mut response = http::Response::new(bytes::Bytes::from_static(body.as_bytes()));
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    for (name, value) in PAGE_HEADERS {
        headers.insert(name, http::HeaderValue::from_static(value));
    }
    response
}

/// The extra mock-backed providers of the demo, for the browser tests, with the mock
/// configuration behind each.
pub fn test_providers() -> [(&'static str, MockConfig); 3] {
    [
        (
            "demo-auto",
            MockConfig {
                auto_approve: true,
                ..MockConfig::default()
            },
        ),
        (
            "demo-noframe",
            MockConfig {
                honour_prompt_none: false,
                deny_framing: true,
                ..MockConfig::default()
            },
        ),
        (
            "demo-coop",
            MockConfig {
                opener_policy_same_origin: true,
                ..MockConfig::default()
            },
        ),
    ]
}

/// The name of the demo's Sign in with Apple test provider, backed by [`MockOidc`] in its
/// Apple mode. The demo page has a button for it.
pub const APPLE_TEST_PROVIDER: &str = "demo-apple";
/// The Apple Developer team id of [`APPLE_TEST_PROVIDER`] (the client secret's `iss`).
const APPLE_TEAM_ID: &str = "DEMOTEAM01";
/// The key id of [`APPLE_TEST_PROVIDER`]'s team key.
const APPLE_KEY_ID: &str = "DEMOKEY001";

/// The name of the demo's Twitter (OAuth 1.0a) test provider, backed by [`MockOAuth1`].
/// The demo page has a button for it.
pub const TWITTER_TEST_PROVIDER: &str = "demo-twitter";

/// A configured demo: the coauth service and the mock provider behind its `demo` provider.
#[derive(Debug)]
pub struct Demo {
    /// The coauth service, ready for an adapter.
    pub coauth: Coauth,
    /// The mock identity provider the `demo` provider signs in with.
    pub mock: MockProvider,
    /// The mocks behind [`test_providers`], by provider name.
    pub test_mocks: Vec<(&'static str, MockProvider)>,
    /// The mock Apple behind [`APPLE_TEST_PROVIDER`].
    pub apple_mock: MockOidc,
    /// The mock Twitter (OAuth 1.0a) behind [`TWITTER_TEST_PROVIDER`].
    pub twitter_mock: MockOAuth1,
    /// The demo page, served at `/`, with a button for each provider turned on from the
    /// environment and one each for [`APPLE_TEST_PROVIDER`] and [`TWITTER_TEST_PROVIDER`].
    /// Made once at start-up and kept for the life of the process.
    pub index_html: &'static str,
}

/// The demo page with a sign-in button for each of `providers`, in order: (provider name,
/// display name), e.g. `("demo", "Demo provider")`. Each button is
/// `<button type="button" id="signin-{name}" data-provider="{name}" data-result-page="result_page">`,
/// labelled "Sign in with {display name}"; demo.js signs in with the `data-provider` name and
/// the shared result page `/coauth/result_page`.
pub fn index_html(providers: &[(&str, &str)]) -> String {
    let buttons: Vec<(&str, &str, &str)> = providers
        .iter()
        .map(|(name, display)| (*name, *display, "result_page"))
        .collect();
    index_html_with_pages(&buttons)
}

/// [`index_html`] with each provider's result page: (provider name, display name, page under
/// `/coauth`), e.g. `("github", "GitHub", "result_page_github")` for a provider with a
/// redirect URI of its own. demo.js sends `location.origin + '/coauth/' + page` as the
/// `resultPageUrl` (the `data-result-page` attribute).
pub fn index_html_with_pages(providers: &[(&str, &str, &str)]) -> String {
    // Display names are text: escaped for element content.
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let buttons: String = providers
        .iter()
        .map(|(name, display, page)| {
            // Provider names come from coauth's preset table and the demo's own mocks, and
            // pages are `result_page` or `result_page_{name}`: [a-z0-9_-] only, so as
            // attribute values they need no escaping.
            debug_assert!(
                name.bytes()
                    .chain(page.bytes())
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            let initial: String = display
                .chars()
                .take(1)
                .flat_map(char::to_uppercase)
                .collect();
            format!(
                "\n    <button type=\"button\" id=\"signin-{name}\" data-provider=\"{name}\" \
                 data-result-page=\"{page}\">\
                 <span class=\"glyph\" aria-hidden=\"true\">{}</span>\
                 <span>Sign in with <span class=\"label\">{}</span></span></button>",
                escape(&initial),
                escape(display)
            )
        })
        .collect();
    INDEX_HTML.replacen("<!--providers-->", &format!("{buttons}\n  "), 1)
}

/// Logs to stderr through `tracing-subscriber`, filtered by `RUST_LOG` (`info` when unset),
/// as an app would: coauth's steps, refusals and provider failures show there.
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours for a terminal only, not for a log file or a test harness.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// The port from `PORT` (default 8080; `0` picks a free one).
pub fn port_from_env() -> Result<u16, String> {
    match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| format!("PORT must be a port number, not {port:?}")),
        Err(_) => Ok(8080),
    }
}

/// Builds the demo for an app listening on `127.0.0.1:port`, with the resources mounted at
/// `/coauth`, configured from the environment by [`coauth_core::env`] (README.md,
/// "Configuration from the environment"): `COAUTH_SECRET` (a random secret for the run when
/// unset), `COAUTH_PREVIOUS_SECRET`, `COAUTH_FLOW_LIFETIME`, every preset's variables, and
/// `COAUTH_PUBLIC_URL`. When that is set, it replaces the loopback redirect URIs
/// (`http://127.0.0.1:{port}/coauth/result_page` and `localhost`): the demo then serves
/// browsers through a reverse proxy at that URL.
///
/// Every provider turned on from the environment gets a redirect URI of its own,
/// `.../coauth/result_page_{name}` (SECURITY.md item 33: a provider's answer is then
/// accepted only for that provider's flows), and its button uses that result page. The
/// in-process mocks keep the shared `/coauth/result_page`, which the browser tests use.
///
/// Sessions are always on (`COAUTH_SESSIONS` reads as `1`; `COAUTH_SESSION_LIFETIME` and
/// `COAUTH_SESSION_IDLE_TIMEOUT` time them): a sign-in also signs the visitor in to the
/// demo, and the page reads `GET /coauth/session` and offers `POST /coauth/sign_out`.
pub async fn demo(port: u16) -> Result<Demo, Box<dyn std::error::Error>> {
    let (mock, demo) = mock_backed(MockConfig::default()).await?;

    let secret = std::env::var(env::SECRET)
        .ok()
        .filter(|secret| !secret.is_empty())
        .unwrap_or_else(|| {
            tracing::warn!(
                "{} is not set: using a random secret for this run",
                env::SECRET
            );
            random_secret()
        });
    let configured = env::from_lookup(|name| {
        if name == env::SECRET {
            Some(secret.clone())
        } else if name == env::SESSIONS {
            // The demo shows sessions: on whatever the environment says, with their
            // lifetimes from it (the defaults of `Sessions::new()` otherwise).
            Some("1".to_owned())
        } else {
            std::env::var(name).ok()
        }
    })?;
    for problem in &configured.problems {
        tracing::warn!("provider not turned on: {problem}");
    }
    if !configured.enabled.is_empty() {
        let names: Vec<String> = configured
            .enabled
            .iter()
            .map(|provider| format!("{} ({})", provider.name, provider.display_name))
            .collect();
        tracing::info!("providers from the environment: {}", names.join(", "));
    }
    let mut builder = configured
        .builder
        .provider("demo", demo)
        // The mock provider listens on loopback over plain http.
        .http_client(
            HyperClient::builder()
                .allow_loopback(true)
                // The mocks are on loopback: never through a proxy from the environment.
                .proxy_from_env(false)
                .build(),
        )
        // The demo has no accounts of its own: every visitor counts as the signed-in app
        // user `demo-user`, so a sign-in with an `identity` (account linking) works in it.
        // A real app answers from its session. The demo's sessions (on, see above) leave
        // this hook in charge of account linking.
        .session_user(session_user(|_request| async {
            Some(DEMO_USER.to_owned())
        }));
    // Where browsers reach the resources: the public URL, or the loopback addresses.
    let bases = match &configured.public_url {
        Some(public_url) => {
            tracing::info!("serving browsers at {public_url}");
            vec![public_url.trim_end_matches('/').to_owned()]
        }
        None => {
            builder = builder
                .redirect_uri(format!("http://127.0.0.1:{port}/coauth/result_page"))
                .redirect_uri(format!("http://localhost:{port}/coauth/result_page"));
            vec![
                format!("http://127.0.0.1:{port}/coauth"),
                format!("http://localhost:{port}/coauth"),
            ]
        }
    };
    // Each real provider gets its own result page, the one to register at that provider.
    for provider in &configured.enabled {
        for base in &bases {
            builder = builder.provider_redirect_uri(
                provider.name,
                format!("{base}/result_page_{}", provider.name),
            );
        }
        tracing::info!(
            "{}: register the redirect URI {}/result_page_{}",
            provider.name,
            bases[0],
            provider.name
        );
    }
    let mut test_mocks = Vec::new();
    for (name, config) in test_providers() {
        let (mock, provider) = mock_backed(config).await?;
        builder = builder.provider(name, provider);
        test_mocks.push((name, mock));
    }
    let (apple_mock, apple) = apple_backed().await?;
    builder = builder.provider(APPLE_TEST_PROVIDER, apple);
    let (twitter_mock, twitter) = twitter_backed().await?;
    builder = builder.provider(TWITTER_TEST_PROVIDER, twitter);
    // (provider name, display name, result page) of every sign-in button of the page.
    let own_pages: Vec<String> = configured
        .enabled
        .iter()
        .map(|provider| format!("result_page_{}", provider.name))
        .collect();
    let mut buttons = vec![("demo", "Demo provider", "result_page")];
    buttons.extend(
        configured
            .enabled
            .iter()
            .zip(&own_pages)
            .map(|(provider, page)| (provider.name, provider.display_name, page.as_str())),
    );
    buttons.push((APPLE_TEST_PROVIDER, "Apple (mock)", "result_page"));
    buttons.push((TWITTER_TEST_PROVIDER, "Twitter (mock)", "result_page"));
    Ok(Demo {
        coauth: builder.build()?,
        mock,
        test_mocks,
        apple_mock,
        twitter_mock,
        index_html: Box::leak(index_html_with_pages(&buttons).into_boxed_str()),
    })
}

/// Starts a mock Apple and configures the [`Apple`] preset for it, with a team key made
/// for this run: the mock verifies the client secrets the preset signs with it.
async fn apple_backed() -> Result<(MockOidc, OidcProvider), Box<dyn std::error::Error>> {
    let p8 = fresh_p8_key()?;
    let team_key = SigningKey::from_pem(Algorithm::ES256, &p8)?
        .with_kid(APPLE_KEY_ID)
        .public_jwk();
    let config = MockOidcConfig {
        quirks: Quirks::Apple {
            team_key,
            team_id: APPLE_TEAM_ID.into(),
        },
        // Apple sends no RFC 9207 `iss` with its answer.
        iss_parameter: false,
        ..MockOidcConfig::default()
    };
    let client_id = config.client_id.clone();
    let mock = MockOidc::start(config).await;
    let apple = Apple::new(client_id, APPLE_TEAM_ID, APPLE_KEY_ID, &p8)?
        .with_hosts(mock.base_url(), mock.base_url())
        .build()?;
    Ok((mock, apple))
}

/// Starts a mock Twitter (OAuth 1.0a) and configures the [`Twitter`] preset for it, with
/// the mock's consumer key and secret.
async fn twitter_backed() -> Result<(MockOAuth1, OAuth1Provider), Box<dyn std::error::Error>> {
    let config = MockOAuth1Config::default();
    let mock = MockOAuth1::start(config.clone()).await;
    let twitter = Twitter::new(config.consumer_key, config.consumer_secret)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()?;
    Ok((mock, twitter))
}

/// A new EC P-256 private key as the PEM text of an Apple `.p8` file (PKCS#8).
fn fresh_p8_key() -> Result<String, Box<dyn std::error::Error>> {
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|_| "EC P-256 key generation failed")?;
    let body = STANDARD.encode(pkcs8.as_ref());
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).expect("base64 is ASCII"))
        .collect();
    Ok(format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    ))
}

/// Starts a mock and configures the OAuth 2.0 engine for it.
async fn mock_backed(
    config: MockConfig,
) -> Result<(MockProvider, OAuth2Provider), Box<dyn std::error::Error>> {
    let (client_id, client_secret) = (config.client_id.clone(), config.client_secret.clone());
    let mock = MockProvider::start(config).await;
    let provider = OAuth2Provider::new(
        OAuth2Config::new(
            client_id,
            client_secret,
            &mock.authorize_url(),
            &mock.token_url(),
        )?,
        StandardUserinfo::new(&mock.userinfo_url())?,
    );
    Ok((mock, provider))
}

/// 32 random bytes in the `hex:` form of `COAUTH_SECRET`.
fn random_secret() -> String {
    use std::fmt::Write;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random generator works");
    bytes.iter().fold(String::from("hex:"), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_random_secret_is_a_fresh_32_byte_app_secret() {
        let secret = random_secret();
        assert_eq!(env::secret(&secret).unwrap().len(), 32);
        assert_ne!(secret, random_secret());
    }

    #[test]
    fn the_fresh_team_key_is_an_apple_p8_key() {
        let p8 = fresh_p8_key().unwrap();
        assert!(Apple::new("client", APPLE_TEAM_ID, APPLE_KEY_ID, &p8).is_ok());
        assert_ne!(p8, fresh_p8_key().unwrap());
    }

    #[test]
    fn page_gets_a_button_per_configured_provider_with_its_display_name() {
        let page = index_html(&[
            ("demo", "Demo provider"),
            ("github", "GitHub"),
            ("vk_id", "VK ID"),
            ("demo-apple", "Apple <mock> & co"),
        ]);
        for (name, label) in [
            ("demo", "Demo provider"),
            ("github", "GitHub"),
            ("vk_id", "VK ID"),
            ("demo-apple", "Apple &lt;mock&gt; &amp; co"),
        ] {
            let label = format!(r#"<span>Sign in with <span class="label">{label}</span></span>"#);
            let button = format!(
                r#"<button type="button" id="signin-{name}" data-provider="{name}" data-result-page="result_page">"#
            );
            let at = page
                .find(&button)
                .unwrap_or_else(|| panic!("no button for {name}"));
            let end = at + page[at..].find("</button>").unwrap();
            assert!(page[at..end].ends_with(&label), "{}", &page[at..end]);
        }
        // In the order given, and no other provider button.
        let order: Vec<usize> = ["demo", "github", "vk_id", "demo-apple"]
            .iter()
            .map(|name| page.find(&format!(r#"data-provider="{name}""#)).unwrap())
            .collect();
        assert!(order.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(page.matches("data-provider=").count(), 4);
        let empty = index_html(&[]);
        assert!(!empty.contains("data-provider"));
        // The silent and the redirect-mode sign-in buttons are part of the page itself.
        assert!(empty.contains(r#"id="silent-demo""#));
        assert!(empty.contains(r#"id="redirect-demo""#));
    }

    #[test]
    fn a_provider_with_its_own_result_page_has_it_on_its_button() {
        let page = index_html_with_pages(&[
            ("demo", "Demo provider", "result_page"),
            ("github", "GitHub", "result_page_github"),
        ]);
        assert!(page.contains(
            r#"id="signin-github" data-provider="github" data-result-page="result_page_github">"#
        ));
        assert!(page.contains(r#"data-provider="demo" data-result-page="result_page">"#));
        assert!(DEMO_JS.contains("data-result-page"));
    }

    #[test]
    fn page_has_every_element_its_script_reads_and_nothing_inline() {
        // demo.js reads elements by id with `$('...')`.
        let ids: Vec<&str> = DEMO_JS
            .split("$('")
            .skip(1)
            .map(|rest| &rest[..rest.find('\'').unwrap()])
            .collect();
        assert!(ids.len() > 10, "{ids:?}");
        for id in ids {
            assert!(INDEX_HTML.contains(&format!(r#"id="{id}""#)), "no #{id}");
        }
        // What the browser tests read (tests/browser/support.mjs's demoOutcome).
        for id in [
            "status",
            "user-name",
            "user-email",
            "error-code",
            "error-message",
            "session-status",
            "sign-out",
        ] {
            assert!(INDEX_HTML.contains(&format!(r#"id="{id}""#)), "no #{id}");
        }
        // The session line and its sign-out button (tests/browser/session.test.mjs); the
        // button shows only once someone is signed in.
        assert!(INDEX_HTML.contains(r#"<button type="button" class="link" id="sign-out" hidden>"#));
        assert!(DEMO_JS.contains("auth.session(") && DEMO_JS.contains("auth.signOut("));
        assert_eq!(INDEX_HTML.matches("<!--providers-->").count(), 1);
        assert!(INDEX_HTML.contains(r#"<link rel="stylesheet" href="/demo.css">"#));
        // The CSP allows the app's own scripts and stylesheets, nothing inline.
        assert!(PAGE_CSP.contains("script-src 'self';"));
        assert!(PAGE_CSP.contains("style-src 'self';"));
        for page in [INDEX_HTML, DEMO_CSS] {
            assert!(!page.contains("<style"), "no style elements");
            assert!(!page.contains("style="), "no style attributes");
            assert!(!page.contains("<script>"), "no inline scripts");
            assert!(
                !page.contains("@import") && !page.contains("url("),
                "no external resources"
            );
        }
        assert!(!DEMO_JS.contains("innerHTML") && !DEMO_JS.contains("insertAdjacentHTML"));
    }
}
