//! The fuzz corpus on stable: every file of `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` goes through the entry point its fuzz target calls
//! (`coauth_core::fuzzing`, coauth-core/src/fuzzing.rs), and the test fails when one panics.
//!
//! The seeds come from real sign-ins against the mock providers (`MockProvider`, `MockOidc`,
//! `MockOAuth1`): [`seeds_from_real_sign_ins`] records what crosses the wire (request bodies,
//! sealed flows, redirect parameters, binding cookies, token answers, ID tokens, JWKS,
//! discovery documents, OAuth 1.0a answers) and runs each through its entry point. With
//! `COAUTH_FUZZ_SEED=1` it also rewrites `fuzz/corpus/` with them:
//!
//! ```sh
//! COAUTH_FUZZ_SEED=1 cargo test -p coauth-tests --test fuzz_corpus seeds_from_real_sign_ins
//! ```
//!
//! The fuzz app (`coauth_core::fuzzing`) seals with the tests' secret at a fixed time, so the
//! recorder's app does the same, and sends the fuzz app's binding cookie. Values that depend
//! on the mock's random port are normalized: the OpenID mock's base URL becomes the fuzz
//! app's issuer in redirect parameters and discovery documents (never inside a signed ID
//! token, whose issuer line keeps the mock's), a flow's `state` becomes `{state}` and the
//! OAuth 1.0a mock's request token the stub's in the result page seeds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use coauth_core::fuzzing::{self, TARGETS};
use coauth_core::oidc::OidcProvider;
use coauth_core::presets::{
    Discord, Facebook, GitHub, Microsoft, Odnoklassniki, Oidc, Reddit, Twitch, Twitter, Vk, X,
    Yandex,
};
use coauth_core::{
    Coauth, HttpClient, HttpError, HyperClient, Sessions, http::Request, http::Response,
    http::header,
};
use coauth_tests::fixture::{
    App, REDIRECT_URI, SECRET, TestClock, Transport, arrived_at, http_client_with_timeout,
    mock_oauth2,
};
use coauth_tests::mock::{Decision, Endpoint, Fault, MockIdp};
use coauth_tests::mock_oauth1::{MockOAuth1, MockOAuth1Config};
use coauth_tests::mock_oidc::{
    ClientAuthMode, Forge, MockOidc, MockOidcConfig, Quirks, SigningAlg,
};
use coauth_tests::mock_provider::{MockConfig, MockProvider, Mode, OK_APPLICATION_KEY, Preset};
use serde_json::{Value, json};

/// Largest committed corpus file.
const MAX_FILE: usize = 8 * 1024;
/// Most files a target's committed corpus may hold.
const MAX_FILES: usize = 64;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable directory").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `input` through `target`'s entry point; the panic message when it panics.
fn replay(target: &str, input: &[u8]) -> Result<(), String> {
    let entry = TARGETS
        .iter()
        .find(|candidate| candidate.name == target)
        .unwrap_or_else(|| panic!("no fuzz target {target}"));
    std::panic::catch_unwind(|| (entry.run)(input)).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
            .unwrap_or_else(|| "a panic without a message".into())
    })
}

#[test]
fn every_corpus_file_replays_through_its_entry_point() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for target in TARGETS {
        for dir in ["corpus", "regressions"] {
            for path in files(&fuzz_dir().join(dir).join(target.name)) {
                let input = std::fs::read(&path).expect("a readable corpus file");
                replayed += 1;
                if let Err(message) = replay(target.name, &input) {
                    failures.push(format!("{}: {message}", path.display()));
                }
            }
        }
    }
    assert!(replayed > 0, "no corpus under {}", fuzz_dir().display());
    assert!(
        failures.is_empty(),
        "entry points panicked:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_small_seed_corpus_and_a_fuzz_target() {
    let corpus = fuzz_dir().join("corpus");
    for target in TARGETS {
        let source = fuzz_dir()
            .join("fuzz_targets")
            .join(format!("{}.rs", target.name));
        let source = std::fs::read_to_string(&source)
            .unwrap_or_else(|_| panic!("no fuzz target {}", source.display()));
        let name = if target.name == "binding_cookie" {
            "binding_cookie_header"
        } else {
            target.name
        };
        assert!(
            source.contains(&format!("coauth_core::fuzzing::{name}(")),
            "fuzz/fuzz_targets/{}.rs does not call its entry point",
            target.name
        );
        let seeds = files(&corpus.join(target.name));
        assert!(
            (3..=MAX_FILES).contains(&seeds.len()),
            "fuzz/corpus/{} holds {} files",
            target.name,
            seeds.len()
        );
        for path in seeds {
            let len = std::fs::metadata(&path).expect("a corpus file").len();
            assert!(
                len as usize <= MAX_FILE,
                "{} is {len} bytes",
                path.display()
            );
        }
    }
    for path in std::fs::read_dir(&corpus).expect("fuzz/corpus/") {
        let name = path.expect("an entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            TARGETS.iter().any(|target| target.name == name),
            "fuzz/corpus/{name} belongs to no target"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The generator.

/// One call to a provider, as it crossed the wire.
#[derive(Debug, Clone)]
struct Exchange {
    method: String,
    url: String,
    request_body: Bytes,
    status: u16,
    content_type: String,
    body: Bytes,
}

impl Exchange {
    fn path(&self) -> &str {
        let rest = self.url.split_once("://").map_or("", |(_, rest)| rest);
        let path = rest.find('/').map_or("", |start| &rest[start..]);
        path.split('?').next().unwrap_or_default()
    }

    /// `<status>\n<content type>\n<body>`, the provider answer format of the entry points.
    fn answer(&self) -> Vec<u8> {
        let mut answer = format!("{}\n{}\n", self.status, self.content_type).into_bytes();
        answer.extend_from_slice(&self.body);
        answer
    }

    fn is_token_request(&self) -> bool {
        self.method == "POST" && String::from_utf8_lossy(&self.request_body).contains("grant_type=")
    }
}

/// The exchanges of the recorder's apps with the mocks; [`Recorder::client`] is their
/// outbound client.
#[derive(Clone)]
struct Recorder {
    client: HyperClient,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl Recorder {
    fn new() -> Recorder {
        Recorder {
            client: http_client_with_timeout(Duration::from_secs(5)),
            exchanges: Arc::default(),
        }
    }

    /// The tests' client, keeping every exchange in this recorder.
    fn client(&self) -> impl HttpClient + Clone + 'static {
        let recorder = self.clone();
        move |request: Request<Bytes>| {
            let Recorder { client, exchanges } = recorder.clone();
            async move {
                let method = request.method().to_string();
                let url = request.uri().to_string();
                let request_body = request.body().clone();
                let response = client.execute(request).await?;
                let content_type = response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                exchanges.lock().expect("not poisoned").push(Exchange {
                    method,
                    url,
                    request_body,
                    status: response.status().as_u16(),
                    content_type,
                    body: response.body().clone(),
                });
                Ok::<_, HttpError>(response)
            }
        }
    }

    /// The exchanges so far, forgetting them.
    fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.exchanges.lock().expect("not poisoned"))
    }

    async fn get(&self, url: &str) -> Exchange {
        let request = Request::get(url)
            .body(Bytes::new())
            .expect("a valid request");
        self.client()
            .execute(request)
            .await
            .expect("the mock answers");
        self.take().pop().expect("the exchange was recorded")
    }
}

/// The seeds, by target and name.
#[derive(Default)]
struct Seeds(BTreeMap<&'static str, BTreeMap<String, Vec<u8>>>);

impl Seeds {
    fn add(&mut self, target: &'static str, name: impl Into<String>, input: impl Into<Vec<u8>>) {
        assert!(TARGETS.iter().any(|known| known.name == target), "{target}");
        let input = input.into();
        if input.len() <= MAX_FILE {
            self.0.entry(target).or_default().insert(name.into(), input);
        }
    }
}

/// A sign-in against a mock as coauth.js runs it, recorded.
struct Journey {
    flow: String,
    url: String,
    params: Value,
    result_body: Value,
    result: Response<Bytes>,
}

/// The recorder's app: the fuzz app's secret, clock and redirect URI, `providers` reaching
/// the mocks through `recorder`.
async fn recorder_app(recorder: &Recorder, providers: Vec<(&str, Box<dyn ProviderBox>)>) -> App {
    let clock = TestClock(Arc::new(fuzzing::NOW.into()));
    let mut builder = Coauth::builder()
        .secret(fuzzing::SECRET)
        .redirect_uri(REDIRECT_URI)
        .http_client(recorder.client())
        .sessions(Sessions::new())
        .clock(clock);
    for (name, provider) in providers {
        builder = provider.add_to(builder, name);
    }
    App::axum(builder.build().expect("a valid app"), Transport::InProcess).await
}

/// An OAuth 1.0a mock for [`recorder_app`], whose fixed clock signs `oauth_timestamp`: the
/// mock takes any time.
fn fixed_clock_oauth1() -> MockOAuth1Config {
    MockOAuth1Config {
        timestamp_window: std::time::Duration::from_secs(100 * 365 * 86_400),
        ..MockOAuth1Config::default()
    }
}

/// A provider of any engine, for [`recorder_app`].
trait ProviderBox {
    fn add_to(
        self: Box<Self>,
        builder: coauth_core::CoauthBuilder,
        name: &str,
    ) -> coauth_core::CoauthBuilder;
}

impl<P: coauth_core::IntoProvider> ProviderBox for P {
    fn add_to(
        self: Box<Self>,
        builder: coauth_core::CoauthBuilder,
        name: &str,
    ) -> coauth_core::CoauthBuilder {
        builder.provider(name, *self)
    }
}

/// The `auth_url` body coauth.js sends for `provider`.
fn auth_url_body(provider: &str) -> Value {
    json!({"providerType": provider, "redirectUri": REDIRECT_URI, "identity": null,
        "mode": "popup", "auth": {"scope": []}})
}

async fn journey(app: &App, provider: &str, at: &impl MockIdp, decision: Decision) -> Journey {
    let cookie = fuzzing::binding_cookie();
    let started = app
        .post_json("/auth_url", &auth_url_body(provider), Some(&cookie))
        .await;
    assert_eq!(started.status(), 200, "auth_url: {:?}", started.body());
    let started: Value = serde_json::from_slice(started.body()).expect("JSON");
    let flow = started["flow"].as_str().expect("a flow").to_owned();
    let url = started["url"].as_str().expect("a URL").to_owned();
    let params = at.consent(&url, decision).await;
    let result_body = json!({"providerType": provider, "flow": flow, "response": params,
        "redirectUri": arrived_at(REDIRECT_URI), "result": {"fields": ["email"]}});
    let result = app.post_json("/result", &result_body, Some(&cookie)).await;
    Journey {
        flow,
        url,
        params,
        result_body,
        result,
    }
}

fn query(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The redirect parameters as a form body, `state` as `{state}` and `replace`d values.
fn form_body(params: &Value, state: Option<&str>, replace: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params.as_object().expect("parameters are an object") {
        let mut value = value.as_str().unwrap_or_default().to_owned();
        if let Some(state) = state.filter(|state| !state.is_empty()) {
            value = value.replace(state, "{state}");
        }
        for (from, to) in replace.iter().filter(|(from, _)| !from.is_empty()) {
            value = value.replace(from, to);
        }
        form.append_pair(name, &value);
    }
    form.finish()
}

/// The JWT's claims, undecoded signature and all.
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap_or_default();
    URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null)
}

/// Records the seeds of the three resource targets, the flow and the result page from
/// sign-ins (approved and denied) with each of the fuzz app's providers.
async fn resource_seeds(seeds: &mut Seeds) {
    let recorder = Recorder::new();
    let config = MockConfig::default();
    let oauth2 = MockProvider::start(config.clone()).await;
    // The app's clock is fixed, and ID tokens are checked against it.
    let oidc = MockOidc::start(MockOidcConfig {
        issued_at: Some(fuzzing::NOW),
        ..MockOidcConfig::default()
    })
    .await;
    let oauth1_config = fixed_clock_oauth1();
    let oauth1 = MockOAuth1::start(oauth1_config.clone()).await;
    let twitter = Twitter::new(
        oauth1_config.consumer_key.clone(),
        oauth1_config.consumer_secret.clone(),
    )
    .with_hosts(oauth1.base_url(), oauth1.base_url())
    .build();
    let oidc_provider = Oidc::new(oidc.issuer(), fuzzing::OIDC_CLIENT_ID, "oidc-secret")
        .allow_http_loopback(true)
        .build()
        .expect("the mock's issuer");
    let app = recorder_app(
        &recorder,
        vec![
            ("demo", Box::new(mock_oauth2(&oauth2, &config))),
            ("oidc", Box::new(oidc_provider)),
            ("twitter", Box::new(twitter)),
        ],
    )
    .await;
    let oidc_base = oidc.base_url();
    let normalize = |text: String| text.replace(&oidc_base, fuzzing::OIDC_ISSUER);
    for provider in fuzzing::PROVIDERS {
        for decision in [Decision::Approve, Decision::Deny] {
            let journey = match provider {
                "demo" => journey(&app, provider, &oauth2, decision).await,
                "oidc" => journey(&app, provider, &oidc, decision).await,
                _ => journey(&app, provider, &oauth1, decision).await,
            };
            let approved = decision == Decision::Approve;
            let expected = if approved { 200 } else { 409 };
            assert_eq!(
                journey.result.status(),
                expected,
                "{provider}: {:?}",
                journey.result
            );
            let outcome = if approved { "approved" } else { "denied" };
            let name = format!("{provider}-{outcome}");
            if approved {
                session_seeds(seeds, provider, &journey.result);
            }
            let flow = &journey.flow;
            seeds.add(
                "flow_open",
                &name,
                format!("{}\n{provider}\n{flow}", fuzzing::NOW),
            );
            seeds.add(
                "result_request",
                &name,
                normalize(journey.result_body.to_string()),
            );
            let state = query(&journey.url, "state");
            let request_token = query(&journey.url, "oauth_token").unwrap_or_default();
            let form = form_body(
                &journey.params,
                state.as_deref(),
                &[
                    (&oidc_base, fuzzing::OIDC_ISSUER),
                    (&request_token, fuzzing::REQUEST_TOKEN),
                ],
            );
            seeds.add("result_page", &name, format!("{provider}\n{form}"));
            if approved {
                seeds.add(
                    "flow_open",
                    format!("{provider}-expired"),
                    format!("{}\n{provider}\n{flow}", fuzzing::NOW + 601),
                );
                seeds.add(
                    "flow_open",
                    format!("{provider}-other-provider"),
                    format!("{}\nother\n{flow}", fuzzing::NOW),
                );
                let plaintext = fuzzing::flow_plaintext(flow, provider).expect("the flow opens");
                seeds.add(
                    "flow_open",
                    format!("{provider}-plaintext"),
                    format!("{}\n{provider}\n{plaintext}", fuzzing::NOW),
                );
                let mut replayed = journey.result_body.clone();
                replayed["response"]["state"] = "another-state".into();
                seeds.add(
                    "result_request",
                    format!("{provider}-state-mismatch"),
                    normalize(replayed.to_string()),
                );
            }
        }
        let cookie = fuzzing::binding_cookie();
        for (mode, body) in [
            ("popup", auth_url_body(provider)),
            (
                "silent",
                json!({"providerType": provider, "redirectUri": REDIRECT_URI, "mode": "silent"}),
            ),
            (
                "options",
                json!({"providerType": provider, "redirectUri": REDIRECT_URI,
                    "auth": {"scope": ["openid", "email"], "prompt": "consent"}}),
            ),
            (
                "identity",
                json!({"providerType": provider, "redirectUri": REDIRECT_URI,
                    "identity": {"account": 42}}),
            ),
        ] {
            let answer = app.post_json("/auth_url", &body, Some(&cookie)).await;
            assert!(
                answer.status().as_u16() < 500,
                "{provider} {mode}: {answer:?}"
            );
            seeds.add(
                "auth_url_request",
                format!("{provider}-{mode}"),
                body.to_string(),
            );
        }
    }
    for (name, body) in [
        (
            "unknown-provider",
            json!({"providerType": "nobody", "redirectUri": REDIRECT_URI}),
        ),
        (
            "foreign-redirect",
            json!({"providerType": "demo", "redirectUri": "https://evil.example/cb"}),
        ),
    ] {
        seeds.add("auth_url_request", name, body.to_string());
    }
    seeds.add(
        "result_page",
        "oidc-error",
        "oidc\nerror=login_required&state={state}&iss=https%3A%2F%2Fop.fuzz.example",
    );

    // The binding cookie as browsers send it back: alone, after the app's session cookie,
    // in two headers, and the loopback one.
    let fresh = app
        .post_json("/auth_url", &auth_url_body("demo"), None)
        .await;
    let set_cookie = fresh.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let pair = set_cookie.split(';').next().expect("a pair").to_owned();
    let loopback = pair.replacen("__Host-coauth-binding", "coauth-binding", 1);
    for (name, header) in [
        ("fresh", pair.clone()),
        ("with-session", format!("app-session=alice; {pair}")),
        ("two-headers", format!("app-session=alice\n{pair}")),
        ("loopback", loopback.clone()),
        ("both", format!("{loopback}; {pair}")),
        ("set-cookie-line", set_cookie.clone()),
        ("fuzz-binding", fuzzing::binding_cookie()),
    ] {
        seeds.add("binding_cookie", name, header);
    }
}

/// The session cookie a sign-in set, as browsers send it back (alone, after another cookie,
/// in a second header, under the loopback name), read when it is live, about to be renewed
/// and expired, and as user ids to seal.
fn session_seeds(seeds: &mut Seeds, provider: &str, result: &Response<Bytes>) {
    let pair = result
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("__Host-coauth-session="))
        .unwrap_or_else(|| panic!("{provider}: the sign-in set no session cookie"))
        .split(';')
        .next()
        .expect("a pair")
        .to_owned();
    let now = fuzzing::NOW;
    let loopback = pair.replacen("__Host-coauth-session", "coauth-session", 1);
    for (name, input) in [
        ("live", format!("{now}\n{pair}")),
        ("renewal-due", format!("{}\n{pair}", now + 13 * 3600)),
        ("idle", format!("{}\n{pair}", now + 24 * 3600)),
        ("after-another", format!("{now}\napp=1; {pair}")),
        ("two-headers", format!("{now}\napp=1\n{pair}")),
        ("loopback-name", format!("{now}\n{loopback}")),
    ] {
        seeds.add("session_cookie", format!("{provider}-{name}"), input);
    }
    seeds.add(
        "session_cookie",
        "user-ids",
        format!("{now}\n1815\nada@example.org\n{}", "i".repeat(300)),
    );
}

/// Token answers from the OAuth 2.0 mock in its generic, GitHub and preset modes, with
/// faults.
async fn token_seeds(seeds: &mut Seeds) {
    let recorder = Recorder::new();
    let config = MockConfig::default();
    let generic = MockProvider::start(config.clone()).await;
    let app = recorder_app(
        &recorder,
        vec![("demo", Box::new(mock_oauth2(&generic, &config)))],
    )
    .await;
    journey(&app, "demo", &generic, Decision::Approve).await;
    record_tokens(seeds, &recorder, "generic");
    for (name, fault) in [
        ("server-error", Fault::ServerError),
        ("malformed", Fault::Malformed),
        ("error-with-200", Fault::ErrorWith200),
    ] {
        generic.set_fault(Endpoint::Token, fault);
        journey(&app, "demo", &generic, Decision::Approve).await;
        record_tokens(seeds, &recorder, &format!("generic-{name}"));
    }
    generic.set_fault(Endpoint::Token, Fault::None);

    for form_token in [false, true] {
        let config = MockConfig {
            mode: Mode::GitHub { form_token },
            ..MockConfig::default()
        };
        let mock = MockProvider::start(config.clone()).await;
        let github = GitHub::new(config.client_id.clone(), config.client_secret.clone())
            .with_hosts(mock.base_url(), mock.base_url())
            .build();
        let app = recorder_app(&recorder, vec![("github", Box::new(github))]).await;
        journey(&app, "github", &mock, Decision::Approve).await;
        let name = if form_token {
            "github-form"
        } else {
            "github-json"
        };
        record_tokens(seeds, &recorder, name);
    }

    let presets: Vec<(Preset, &str, PresetBuild)> = vec![
        (Preset::Facebook, "facebook", |id, secret, base| {
            Box::new(
                Facebook::new(id, secret)
                    .with_hosts(base, base)
                    .build()
                    .unwrap(),
            )
        }),
        (Preset::X, "x", |id, secret, base| {
            Box::new(X::new(id, secret).with_hosts(base, base).build().unwrap())
        }),
        (Preset::Discord, "discord", |id, secret, base| {
            Box::new(
                Discord::new(id, secret)
                    .with_hosts(base, base)
                    .build()
                    .unwrap(),
            )
        }),
        (Preset::Twitch, "twitch", |id, secret, base| {
            Box::new(
                Twitch::new(id, secret)
                    .with_hosts(base, base)
                    .build()
                    .unwrap(),
            )
        }),
        (Preset::Reddit, "reddit", |id, secret, base| {
            Box::new(
                Reddit::new(id, secret)
                    .with_hosts(base, base)
                    .build()
                    .unwrap(),
            )
        }),
        (Preset::Vk, "vk", |id, secret, base| {
            Box::new(Vk::new(id, secret).with_hosts(base, base).build().unwrap())
        }),
        (Preset::Yandex, "yandex", |id, secret, base| {
            Box::new(
                Yandex::new(id, secret)
                    .with_hosts(base, base)
                    .build()
                    .unwrap(),
            )
        }),
        (
            Preset::Odnoklassniki,
            "odnoklassniki",
            |id, secret, base| {
                Box::new(
                    Odnoklassniki::new(id, secret, OK_APPLICATION_KEY)
                        .with_hosts(base, base)
                        .build()
                        .unwrap(),
                )
            },
        ),
    ];
    for (preset, name, build) in presets {
        let config = MockConfig {
            mode: Mode::Preset(preset),
            ..MockConfig::default()
        };
        let mock = MockProvider::start(config.clone()).await;
        let provider = build(config.client_id, config.client_secret, &mock.base_url());
        let app = recorder_app(&recorder, vec![(name, provider)]).await;
        journey(&app, name, &mock, Decision::Approve).await;
        record_tokens(seeds, &recorder, name);
    }
}

type PresetBuild = fn(String, String, &str) -> Box<dyn ProviderBox>;

/// The token answers `recorder` saw, as `token_response` seeds named `name`.
fn record_tokens(seeds: &mut Seeds, recorder: &Recorder, name: &str) {
    let tokens: Vec<Exchange> = recorder
        .take()
        .into_iter()
        .filter(Exchange::is_token_request)
        .collect();
    assert!(!tokens.is_empty(), "{name}: no token request recorded");
    for (index, exchange) in tokens.iter().enumerate() {
        let name = if index == 0 {
            name.to_owned()
        } else {
            format!("{name}-{index}")
        };
        seeds.add("token_response", name, exchange.answer());
    }
}

/// ID tokens, JWKS and token answers from the OpenID mock with each signing algorithm and
/// each kind of forged token; discovery documents of each quirk mode.
async fn oidc_seeds(seeds: &mut Seeds) {
    let recorder = Recorder::new();
    for alg in [
        SigningAlg::RS256,
        SigningAlg::PS256,
        SigningAlg::ES256,
        SigningAlg::EdDSA,
    ] {
        let mock = MockOidc::start(MockOidcConfig {
            signing_alg: alg,
            issued_at: Some(fuzzing::NOW),
            ..MockOidcConfig::default()
        })
        .await;
        let app = recorder_app(&recorder, vec![("oidc", Box::new(generic_oidc(&mock)))]).await;
        let forges: &[(&str, Forge)] = if alg == SigningAlg::RS256 {
            &[
                ("good", Forge::None),
                ("bad-signature", Forge::BadSignature),
                ("alg-none", Forge::AlgNone),
                ("hs256-public-key", Forge::Hs256WithPublicKey),
                ("wrong-issuer", Forge::WrongIssuer),
                ("wrong-audience", Forge::WrongAudience),
                ("audiences-no-azp", Forge::SeveralAudiencesNoAzp),
                ("audiences-wrong-azp", Forge::SeveralAudiencesWrongAzp),
                ("missing-exp", Forge::MissingExp),
                ("string-exp", Forge::StringExp),
                ("string-iat", Forge::StringIat),
                ("string-nbf", Forge::StringNbf),
                ("future-nbf", Forge::FutureNbf),
                ("expired", Forge::Expired),
                ("wrong-nonce", Forge::WrongNonce),
                ("missing-nonce", Forge::MissingNonce),
                ("random-kid", Forge::RandomKid),
                ("embedded-jwk", Forge::EmbeddedJwk),
                ("jku", Forge::Jku),
                ("x5u", Forge::X5u),
            ]
        } else {
            &[("good", Forge::None)]
        };
        let mut jwks = String::new();
        for (forge_name, forge) in forges {
            mock.set_forge(*forge);
            let journey = journey(&app, "oidc", &mock, Decision::Approve).await;
            let expected = if *forge == Forge::None { 200 } else { 500 };
            assert_eq!(journey.result.status(), expected, "{forge_name}");
            let nonce = query(&journey.url, "nonce").unwrap_or_default();
            let exchanges = recorder.take();
            for exchange in &exchanges {
                if exchange.url == mock.jwks_url() && exchange.status == 200 {
                    jwks = String::from_utf8_lossy(&exchange.body).into_owned();
                }
            }
            let token_answer = exchanges
                .iter()
                .find(|exchange| exchange.is_token_request())
                .expect("a token request");
            let answer: Value = serde_json::from_slice(&token_answer.body).expect("JSON");
            let token = answer["id_token"].as_str().expect("an ID token");
            let now = claims(token)["iat"]
                .as_u64()
                .map_or(fuzzing::NOW, |iat| iat + 1);
            let name = format!("{}-{forge_name}", alg.name());
            seeds.add(
                "id_token",
                &name,
                format!("{now}\n{}\n{nonce}\n{jwks}\n{token}", mock.issuer()),
            );
            if *forge == Forge::None {
                seeds.add(
                    "token_response",
                    format!("oidc-{}", alg.name()),
                    token_answer.answer(),
                );
            }
        }
        seeds.add("jwks", alg.name(), jwks.clone());
        if alg == SigningAlg::RS256 {
            mock.rotate_keys();
            let rotated = recorder.get(&mock.jwks_url()).await;
            seeds.add("jwks", "RS256-rotated", rotated.body.to_vec());
        }
    }
    seeds.add("jwks", "fuzz-stub-provider", fuzzing::stub_jwks());

    // Microsoft: the tenant template, an ID token with its tid.
    let tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let mock = MockOidc::start(MockOidcConfig {
        quirks: Quirks::Microsoft { tid: tid.into() },
        iss_parameter: false,
        client_auth: ClientAuthMode::Post,
        issued_at: Some(fuzzing::NOW),
        ..MockOidcConfig::default()
    })
    .await;
    let microsoft = Microsoft::new(fuzzing::OIDC_CLIENT_ID, "oidc-secret")
        .with_hosts(mock.base_url(), mock.base_url())
        .build();
    let app = recorder_app(&recorder, vec![("microsoft", Box::new(microsoft))]).await;
    let journey = journey(&app, "microsoft", &mock, Decision::Approve).await;
    assert_eq!(journey.result.status(), 200, "{:?}", journey.result);
    let exchanges = recorder.take();
    let jwks = exchanges
        .iter()
        .find(|exchange| exchange.url == mock.jwks_url())
        .map(|exchange| String::from_utf8_lossy(&exchange.body).into_owned())
        .expect("the JWKS");
    let token_answer = exchanges
        .iter()
        .find(|exchange| exchange.is_token_request())
        .expect("a token request");
    let answer: Value = serde_json::from_slice(&token_answer.body).expect("JSON");
    let token = answer["id_token"].as_str().expect("an ID token");
    let now = claims(token)["iat"].as_u64().unwrap_or(fuzzing::NOW) + 1;
    let nonce = query(&journey.url, "nonce").unwrap_or_default();
    seeds.add(
        "id_token",
        "microsoft-tenant",
        format!("{now}\n{}\n{nonce}\n{jwks}\n{token}", mock.issuer()),
    );
    seeds.add("jwks", "microsoft", jwks);

    // Discovery documents, the mock's base URL normalized to the fuzz app's issuer.
    for (name, quirks, iss_parameter) in [
        ("generic", Quirks::Generic, true),
        ("generic-no-iss-parameter", Quirks::Generic, false),
        ("google", Quirks::Google, false),
        ("microsoft", Quirks::Microsoft { tid: tid.into() }, false),
        ("linkedin", Quirks::LinkedIn, false),
        ("slack", Quirks::Slack, false),
    ] {
        let mock = MockOidc::start(MockOidcConfig {
            quirks,
            iss_parameter,
            issued_at: Some(fuzzing::NOW),
            ..MockOidcConfig::default()
        })
        .await;
        let url = match name {
            "microsoft" => format!(
                "{}/common/v2.0/.well-known/openid-configuration",
                mock.base_url()
            ),
            _ => format!("{}/.well-known/openid-configuration", mock.base_url()),
        };
        let document = recorder.get(&url).await;
        assert_eq!(document.status, 200, "{name}: {document:?}");
        let base = mock.base_url();
        let issuer = mock.issuer().replace(&base, fuzzing::OIDC_ISSUER);
        let document = String::from_utf8_lossy(&document.body).replace(&base, fuzzing::OIDC_ISSUER);
        seeds.add("discovery", name, format!("{issuer}\n{document}"));
        if name == "generic" {
            seeds.add(
                "discovery",
                "generic-loopback",
                format!("{base}\n{}", document.replace(fuzzing::OIDC_ISSUER, &base)),
            );
            mock.set_discovery_issuer(Some("https://evil.example".into()));
            let other = recorder.get(&url).await;
            let other = String::from_utf8_lossy(&other.body).replace(&base, fuzzing::OIDC_ISSUER);
            seeds.add("discovery", "another-issuer", format!("{issuer}\n{other}"));
        }
    }
}

fn generic_oidc(mock: &MockOidc) -> OidcProvider {
    Oidc::new(mock.issuer(), fuzzing::OIDC_CLIENT_ID, "oidc-secret")
        .allow_http_loopback(true)
        .build()
        .expect("the mock's issuer")
}

/// Request token and access token answers from the OAuth 1.0a mock, with its faults and an
/// unconfirmed callback.
async fn oauth1_seeds(seeds: &mut Seeds) {
    let recorder = Recorder::new();
    let config = fixed_clock_oauth1();
    let mock = MockOAuth1::start(config.clone()).await;
    let twitter = Twitter::new(config.consumer_key.clone(), config.consumer_secret.clone())
        .with_hosts(mock.base_url(), mock.base_url())
        .build();
    let app = recorder_app(&recorder, vec![("twitter", Box::new(twitter))]).await;
    let record = |seeds: &mut Seeds, name: &str| {
        for exchange in recorder.take() {
            let step = match exchange.path() {
                "/oauth/request_token" => "request_token",
                "/oauth/access_token" => "access_token",
                _ => continue,
            };
            let mut input = format!("{step}\n").into_bytes();
            input.extend_from_slice(&exchange.answer());
            seeds.add("oauth1_answer", format!("{step}-{name}"), input);
        }
    };
    assert_eq!(
        journey(&app, "twitter", &mock, Decision::Approve)
            .await
            .result
            .status(),
        200
    );
    record(seeds, "ok");
    for (endpoint, fault, name) in [
        (Endpoint::RequestToken, Fault::ServerError, "server-error"),
        (Endpoint::RequestToken, Fault::Malformed, "malformed"),
        (Endpoint::Token, Fault::ServerError, "server-error"),
        (Endpoint::Token, Fault::Malformed, "malformed"),
    ] {
        mock.set_fault(endpoint, fault);
        let cookie = fuzzing::binding_cookie();
        if endpoint == Endpoint::RequestToken {
            app.post_json("/auth_url", &auth_url_body("twitter"), Some(&cookie))
                .await;
        } else {
            journey(&app, "twitter", &mock, Decision::Approve).await;
        }
        record(seeds, name);
        mock.set_fault(endpoint, Fault::None);
        recorder.take();
    }
    for (value, name) in [(None, "unconfirmed"), (Some("false"), "confirmed-false")] {
        mock.set_callback_confirmed(value);
        let cookie = fuzzing::binding_cookie();
        app.post_json("/auth_url", &auth_url_body("twitter"), Some(&cookie))
            .await;
        record(seeds, name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeds_from_real_sign_ins() {
    assert_eq!(
        SECRET,
        fuzzing::SECRET,
        "the fuzz app opens the tests' flows"
    );
    let mut seeds = Seeds::default();
    resource_seeds(&mut seeds).await;
    token_seeds(&mut seeds).await;
    oidc_seeds(&mut seeds).await;
    oauth1_seeds(&mut seeds).await;

    let mut failures = Vec::new();
    for target in TARGETS {
        let inputs = seeds.0.get(target.name).cloned().unwrap_or_default();
        assert!(inputs.len() >= 3, "{}: {} seeds", target.name, inputs.len());
        assert!(
            inputs.len() <= MAX_FILES,
            "{}: {} seeds",
            target.name,
            inputs.len()
        );
        for (name, input) in &inputs {
            if let Err(message) = replay(target.name, input) {
                failures.push(format!("{}/{name}: {message}", target.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "recorded seeds panicked:\n{}",
        failures.join("\n")
    );

    if std::env::var_os("COAUTH_FUZZ_SEED").is_some() {
        for (target, inputs) in &seeds.0 {
            let dir = fuzz_dir().join("corpus").join(target);
            for stale in files(&dir) {
                std::fs::remove_file(stale).expect("a removable seed");
            }
            std::fs::create_dir_all(&dir).expect("fuzz/corpus/<target>/");
            for (name, input) in inputs {
                std::fs::write(dir.join(name), input).expect("a written seed");
            }
            eprintln!("fuzz/corpus/{target}: {} seeds", inputs.len());
        }
    }
}
