//! Provider mix-up (RFC 9700 section 4.4; SECURITY.md items 8 and 33), staged end to end.
//!
//! The app configures two providers: an honest one (H) and one that is malicious or was
//! compromised (A). The victim starts a sign-in with A. A's authorization endpoint sends the
//! browser on to H's, asking for a code for the app's client at H with the state and PKCE
//! challenge of the victim's flow. H can only redirect to a redirect URI the app registered
//! there, so H's code arrives at H's redirect URI, where the result page hands it to the
//! app's page, which posts it with the flow it has: A's. If coauth then redeemed it, H's code
//! (and the flow's PKCE verifier) would go to A's token endpoint, and A could sign in to the
//! app as the victim's H account.
//!
//! Two defences stop it before any token call: the result page reports where the answer
//! arrived (`redirectUri`), which must be the flow's redirect URI, so with a redirect URI
//! per provider the answer is refused; and an `iss` (RFC 9207) in the answer must name the
//! flow's provider. With one shared redirect URI and no `iss`, nothing can tell the answer
//! apart, which the last test pins down (README.md, "Deploying").

use axum::extract::RawQuery;
use axum::response::{IntoResponse, Redirect};
use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::presets::Oidc;
use coauth_core::{Coauth, CoauthBuilder};
use coauth_tests::fixture::*;
use coauth_tests::mock::{Callback, Decision, Endpoint, MockIdp};
use coauth_tests::mock_oidc::{MockOidc, MockOidcConfig};
use coauth_tests::mock_provider::{MockConfig, MockProvider};

/// The honest provider's own result page.
const HONEST_PAGE: &str = "https://app.example/coauth/result_page_honest";
/// The attacker's own result page.
const ATTACKER_PAGE: &str = "https://app.example/coauth/result_page_attacker";

/// An authorization endpoint that sends the browser on to `target` (another provider's
/// authorization endpoint) with the `fixed` parameters and the victim's `state` and PKCE
/// challenge: A's, in the attack. Returns its URL.
async fn forwarding_authorization_endpoint(
    target: String,
    fixed: Vec<(&'static str, String)>,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the listener's address");
    let forward = move |RawQuery(query): RawQuery| {
        let (target, fixed) = (target.clone(), fixed.clone());
        async move {
            let received: Vec<(String, String)> =
                url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                    .into_owned()
                    .collect();
            let mut url = url::Url::parse(&target).expect("the target is a URL");
            {
                let mut pairs = url.query_pairs_mut();
                pairs.extend_pairs(&fixed);
                for (name, value) in &received {
                    if ["state", "code_challenge", "code_challenge_method"].contains(&name.as_str())
                    {
                        pairs.append_pair(name, value);
                    }
                }
            }
            Redirect::to(url.as_str()).into_response()
        }
    };
    let app = axum::Router::new().route("/authorize", axum::routing::get(forward));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/authorize")
}

/// A mock OAuth 2.0 provider whose only client is `client_id`.
async fn mock_with_client(client_id: &str) -> (MockProvider, MockConfig) {
    let config = MockConfig {
        client_id: client_id.into(),
        client_secret: format!("{client_id}-secret"),
        ..MockConfig::default()
    };
    (MockProvider::start(config.clone()).await, config)
}

/// The attacker as the app configured it: A's client, whose authorization endpoint is
/// `authorize_url` (the forwarding one) and whose token and profile endpoints are `mock`'s.
fn attacker_provider(
    mock: &MockProvider,
    config: &MockConfig,
    authorize_url: &str,
) -> OAuth2Config {
    OAuth2Config::new(
        config.client_id.clone(),
        config.client_secret.clone(),
        authorize_url,
        &mock.token_url(),
    )
    .expect("valid endpoints")
}

fn with_userinfo(config: OAuth2Config, mock: &MockProvider) -> OAuth2Provider {
    OAuth2Provider::new(
        config,
        StandardUserinfo::new(&mock.userinfo_url()).expect("a valid URL"),
    )
}

/// An app with the test secret and outbound client, and no provider yet.
fn app() -> CoauthBuilder {
    Coauth::builder()
        .secret(SECRET)
        .http_client(test_http_client())
}

/// The stage of the mix-up: an honest provider whose answers go to `honest_page`, and an
/// attacker whose authorization endpoint forwards the victim to the honest one (with the
/// honest client id and `honest_page`), both in an app builder still missing its redirect
/// URIs.
async fn staged_mix_up(honest_page: &str) -> (MockProvider, MockProvider, CoauthBuilder) {
    let (honest, honest_config) = mock_with_client("honest-client").await;
    let (attacker, attacker_config) = mock_with_client("attacker-client").await;
    let forwarder = forwarding_authorization_endpoint(
        honest.authorize_url(),
        vec![
            ("response_type", "code".into()),
            ("client_id", honest_config.client_id.clone()),
            ("redirect_uri", honest_page.into()),
        ],
    )
    .await;
    let builder = app()
        .provider("honest", mock_oauth2(&honest, &honest_config))
        .provider(
            "attacker",
            with_userinfo(
                attacker_provider(&attacker, &attacker_config, &forwarder),
                &attacker,
            ),
        );
    (honest, attacker, builder)
}

/// The victim's browser: starts at the attacker's authorization URL, is sent on to the
/// honest provider, where the user approves. Returns the honest provider's redirect.
async fn victim_approves_at_the_honest_provider(
    attacker: &MockProvider,
    honest: &MockProvider,
    started: &Started,
) -> Callback {
    // `decide` returns where an authorization endpoint redirects without following it.
    let forwarded = attacker
        .decide(&started.url, Decision::Approve)
        .await
        .unwrap();
    assert!(
        forwarded.url.as_str().starts_with(&honest.authorize_url()),
        "{forwarded}"
    );
    assert_eq!(
        forwarded.param("state").map(str::to_owned),
        query_param(&started.url, "state"),
        "the attacker forwards the victim's state"
    );
    honest
        .decide(forwarded.url.as_str(), Decision::Approve)
        .await
        .unwrap()
}

/// The result request the app's page sends once the result page at `arrived` handed it the
/// provider's answer: the flow it started (the attacker's) and where the answer arrived.
async fn post_result(
    app: &App,
    started: &Started,
    params: serde_json::Value,
    arrived: &str,
) -> http::Response<bytes::Bytes> {
    let body = serde_json::json!({"providerType": "attacker", "flow": started.flow,
        "response": params, "redirectUri": arrived_at(arrived)});
    app.post_json("/result", &body, Some(&started.cookie)).await
}

#[tokio::test]
async fn a_redirect_uri_per_provider_stops_the_mix_up_before_any_token_call() {
    let (honest, attacker, coauth) = staged_mix_up(HONEST_PAGE).await;
    let coauth = coauth
        .provider_redirect_uri("honest", HONEST_PAGE)
        .provider_redirect_uri("attacker", ATTACKER_PAGE)
        .build()
        .unwrap();
    let app = App::axum(coauth, Transport::Socket).await;

    let started = app.start_at("attacker", ATTACKER_PAGE).await;
    let redirect = victim_approves_at_the_honest_provider(&attacker, &honest, &started).await;
    assert_eq!(arrived_at(redirect.url.as_str()), HONEST_PAGE);
    let params = redirect.json();
    assert!(params["code"].is_string(), "{params}");

    let response = post_result(&app, &started, params.clone(), redirect.url.as_str()).await;
    let message = assert_error(&response, 400, "InputError");
    assert!(message.contains("another redirect URI"), "{message}");
    assert_eq!(
        attacker.calls(Endpoint::Token),
        0,
        "the honest code reached the attacker"
    );
    assert_eq!(honest.calls(Endpoint::Token), 0);

    // Any other page than the flow's is refused the same way.
    for reported in [REDIRECT_URI, "https://app.example/coauth/result_page_other"] {
        let response = post_result(&app, &started, params.clone(), reported).await;
        assert_error(&response, 400, "InputError");
    }
    assert_eq!(
        attacker.calls(Endpoint::Token) + honest.calls(Endpoint::Token),
        0
    );
}

#[tokio::test]
async fn an_iss_naming_another_issuer_is_refused_before_any_token_call() {
    // The honest provider sends RFC 9207 `iss` with its answers (an OpenID provider here);
    // the two providers share the one redirect URI, so only `iss` tells the answers apart.
    let honest = MockOidc::start(MockOidcConfig::default()).await;
    let (attacker, attacker_config) = mock_with_client("attacker-client").await;
    let forwarder = forwarding_authorization_endpoint(
        honest.authorize_url(),
        vec![
            ("response_type", "code".into()),
            ("client_id", "oidc-client".into()),
            ("redirect_uri", REDIRECT_URI.into()),
            ("scope", "openid".into()),
            ("nonce", "the-attackers-nonce".into()),
        ],
    )
    .await;
    let honest_provider = Oidc::new(honest.issuer(), "oidc-client", "oidc-secret")
        .allow_http_loopback(true)
        .build()
        .unwrap();
    // The attacker as configured without an issuer, and with an issuer of its own.
    let bare = attacker_provider(&attacker, &attacker_config, &forwarder);
    let mut with_issuer = bare.clone();
    with_issuer.issuer = Some("https://attacker.example".into());
    for config in [bare, with_issuer] {
        let coauth = app()
            .provider("honest", honest_provider.clone())
            .provider("attacker", with_userinfo(config, &attacker))
            .redirect_uri(REDIRECT_URI)
            .build()
            .unwrap();
        let app = App::axum(coauth, Transport::InProcess).await;
        let honest_calls = honest.calls(Endpoint::Token);
        let started = app.start("attacker").await;
        let forwarded = attacker
            .decide(&started.url, Decision::Approve)
            .await
            .unwrap();
        assert!(forwarded.url.as_str().starts_with(&honest.authorize_url()));
        let params = honest
            .consent(forwarded.url.as_str(), Decision::Approve)
            .await;
        assert_eq!(params["iss"], honest.issuer().as_str());

        // The answer arrived at the flow's redirect URI (the shared one): only iss is left.
        let response = post_result(&app, &started, params, REDIRECT_URI).await;
        let message = assert_error(&response, 400, "InputError");
        assert!(message.contains("RFC 9207"), "{message}");
        assert_eq!(
            attacker.calls(Endpoint::Token),
            0,
            "the honest code reached the attacker"
        );
        assert_eq!(honest.calls(Endpoint::Token), honest_calls);

        // The honest provider's own sign-in, with the same iss, goes through.
        assert_ok(&app.sign_in("honest", &honest, Decision::Approve).await);
    }
}

/// The limit of the defences, as README.md ("Deploying") states it: with one redirect URI
/// shared by both providers and an honest provider that sends no `iss`, the answer cannot be
/// told apart, and the honest code goes to the attacker's token endpoint. A redirect URI per
/// provider is what closes this.
#[tokio::test]
async fn with_one_shared_redirect_uri_and_no_iss_the_answer_cannot_be_told_apart() {
    let (honest, attacker, coauth) = staged_mix_up(REDIRECT_URI).await;
    let coauth = coauth.redirect_uri(REDIRECT_URI).build().unwrap();
    let app = App::axum(coauth, Transport::InProcess).await;
    let started = app.start("attacker").await;
    let redirect = victim_approves_at_the_honest_provider(&attacker, &honest, &started).await;
    let params = redirect.json();
    let honest_code = params["code"].as_str().unwrap().to_owned();
    let response = post_result(&app, &started, params, redirect.url.as_str()).await;
    // The attacker's token endpoint got the honest code (the mock does not know it).
    assert_error(&response, 500, "ProviderError");
    assert_eq!(attacker.calls(Endpoint::Token), 1);
    let sent = attacker.last_token_request().unwrap();
    assert!(
        sent.form
            .iter()
            .any(|(k, v)| k == "code" && *v == honest_code),
        "{:?}",
        sent.form
    );
}
