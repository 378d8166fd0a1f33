//! `Debug` never prints a secret (SECURITY.md items 6, 28 and 30): every public and internal
//! type that holds one is formatted, plainly and with `{:#?}`, and the output is searched for
//! each secret value. The values all end in `-S3CRET`, so one search finds any of them.
//! The ID token's internal types are checked in `oidc/id_token_tests.rs`
//! (`debug_hides_the_nonce_and_the_token`).

use std::collections::BTreeMap;

use http::{HeaderMap, HeaderValue, header};

use crate::protocol::{AuthOptions, AuthUrlRequest, Mode, ResultOptions, ResultRequest};
use crate::provider::{Credentials, Finished, Started, User};
use crate::seal::{FlowSealer, FlowState};
use crate::{
    AuthResult, Coauth, Error, ErrorEvent, HyperClient, ProxyConfig, RequestContext, Secret, Step,
};

/// What every secret of this test ends with.
const MARK: &str = "S3CRET";
const APP_SECRET: &str = "app-secret-of-at-least-32-bytes-S3CRET";
const PREVIOUS_SECRET: &str = "previous-app-secret-of-32-bytes-S3CRET";
/// A binding cookie value: 43 base64url characters, as coauth makes them.
const COOKIE: &str = "binding-cookie-value-0123456789abcde-S3CRET";

fn secret(name: &str) -> String {
    format!("{name}-{MARK}")
}

/// Formats `value` both ways and fails if a secret shows.
fn assert_hidden(what: &str, value: &dyn std::fmt::Debug) {
    for text in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(!text.contains(MARK), "{what} shows a secret: {text}");
    }
}

fn credentials() -> Credentials {
    let mut extra = serde_json::Map::new();
    extra.insert("user_id".into(), "42".into());
    Credentials {
        access_token: Secret::new(secret("access-token")),
        token_type: "bearer".into(),
        expires_in: Some(3600),
        refresh_token: Some(Secret::new(secret("refresh-token"))),
        scope: Some("openid".into()),
        id_token: Some(Secret::new(secret("id-token"))),
        token_secret: Some(Secret::new(secret("oauth1-token-secret"))),
        extra,
    }
}

fn flow_state() -> FlowState {
    FlowState {
        provider: "twitter".into(),
        redirect_uri: "https://app.example/coauth/result_page".into(),
        origin: "https://app.example".into(),
        identity: serde_json::Value::Null,
        silent: false,
        state: secret("state"),
        verifier: secret("pkce-verifier"),
        nonce: secret("nonce"),
        binding: secret("binding-hash"),
        linking_user: Some(secret("linking-user-tag")),
        provider_data: serde_json::json!({
            "oauth_token": secret("request-token"),
            "oauth_token_secret": secret("request-token-secret"),
        }),
        request_token: Some(secret("request-token")),
        iat: 1000,
        exp: 1600,
    }
}

#[test]
fn flows_and_their_parts_hide_their_secrets() {
    let state = flow_state();
    assert_hidden("FlowState", &state);
    let sealer = FlowSealer::new(APP_SECRET.as_bytes(), &[]);
    let blob = sealer.seal(&state).unwrap();
    let opened = sealer.open(&blob, "twitter", 1001).unwrap();
    assert_hidden("Opened", &opened);
    assert_hidden(
        "Started",
        &Started::new(
            url::Url::parse(&format!(
                "https://p.example/authorize?state={}&nonce={}&oauth_token={}",
                secret("state"),
                secret("nonce"),
                secret("request-token")
            ))
            .unwrap(),
        )
        .sealing(state.provider_data.clone())
        .bound_to_request_token(secret("request-token")),
    );
}

#[test]
fn results_and_credentials_hide_their_secrets() {
    assert_hidden("Secret", &Secret::new(secret("client-secret")));
    assert_hidden("Credentials", &credentials());
    let user = User {
        id: "u1".into(),
        ..User::default()
    };
    assert_hidden(
        "Finished",
        &Finished {
            user: user.clone(),
            profile: serde_json::json!({"id": "u1"}),
            credentials: credentials(),
        },
    );
    assert_hidden(
        "AuthResult",
        &AuthResult {
            provider_type: "github".into(),
            identity: serde_json::Value::Null,
            linking_user: None,
            user,
            fields: serde_json::Map::new(),
            credentials: credentials(),
            profile: serde_json::json!({"id": "u1"}),
        },
    );
    #[cfg(feature = "oauth1")]
    assert_hidden(
        "TokenCredentials",
        &crate::oauth1::TokenCredentials {
            token: Secret::new(secret("access-token")),
            secret: Secret::new(secret("token-secret")),
            extra: BTreeMap::new(),
        },
    );
}

#[test]
fn configurations_providers_and_clients_hide_their_secrets() {
    let config = crate::oauth2::OAuth2Config::new(
        "client-id",
        secret("client-secret"),
        "https://p.example/authorize",
        "https://p.example/token",
    )
    .unwrap();
    assert_hidden("OAuth2Config", &config);
    let provider = crate::oauth2::OAuth2Provider::new(
        config,
        crate::oauth2::StandardUserinfo::new("https://p.example/userinfo").unwrap(),
    );
    assert_hidden("OAuth2Provider", &provider);
    #[cfg(feature = "oidc")]
    {
        let config =
            crate::oidc::OidcConfig::new("https://id.example", "client", secret("oidc-secret"));
        assert_hidden("OidcConfig", &config);
    }
    #[cfg(feature = "presets")]
    {
        assert_hidden(
            "GitHub",
            &crate::presets::GitHub::new("id", secret("github-secret")),
        );
        assert_hidden(
            "GitHub provider",
            &crate::presets::GitHub::new("id", secret("github-secret")).build(),
        );
        #[cfg(feature = "oidc")]
        assert_hidden(
            "Google provider",
            &crate::presets::Google::new("id", secret("google-secret")).build(),
        );
        #[cfg(feature = "oauth1")]
        {
            let twitter = crate::presets::Twitter::new("key", secret("consumer-secret"));
            assert_hidden("Twitter", &twitter);
            assert_hidden("Twitter provider", &twitter.build());
        }
    }
    let proxy = ProxyConfig::new().all(&format!("http://user:{}@proxy.example:3128", secret("p")));
    assert_hidden("ProxyConfig", &proxy);
    let builder = HyperClient::builder().proxy(proxy).proxy_from_env(false);
    assert_hidden("HyperClientBuilder", &builder);
    assert_hidden("HyperClient", &builder.build());
    let coauth = Coauth::builder()
        .secret(APP_SECRET)
        .previous_secret(PREVIOUS_SECRET)
        .provider("github", provider)
        .redirect_uri("https://app.example/coauth/result_page")
        .build()
        .unwrap();
    assert_hidden("Coauth", &coauth);
    assert_hidden(
        "ResourceCreator",
        &crate::ResourceCreator::new(coauth.clone()),
    );
}

/// The types of one request: its context (the binding cookie), the `auth_url` outcome (the
/// cookie again, the flow, the URL's `state`), the `result` request (the code, `state`) and
/// the error hook's event (the request's cookies and query).
#[tokio::test]
async fn requests_outcomes_and_error_events_hide_their_secrets() {
    let coauth = Coauth::builder()
        .secret(APP_SECRET)
        .provider(
            "demo",
            crate::oauth2::OAuth2Provider::new(
                crate::oauth2::OAuth2Config::new(
                    "client-id",
                    secret("client-secret"),
                    "https://p.example/authorize",
                    "https://p.example/token",
                )
                .unwrap(),
                crate::oauth2::StandardUserinfo::new("https://p.example/userinfo").unwrap(),
            ),
        )
        .redirect_uri("https://app.example/coauth/result_page")
        .build()
        .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::ORIGIN,
        HeaderValue::from_static("https://app.example"),
    );
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("__Host-coauth-binding={COOKIE}")).unwrap(),
    );
    let ctx = RequestContext::from_headers(&headers);
    assert_eq!(ctx.binding_secure.as_deref(), Some(COOKIE));
    assert_hidden("RequestContext", &ctx);

    let request = AuthUrlRequest {
        provider_type: "demo".into(),
        redirect_uri: "https://app.example/coauth/result_page".into(),
        identity: serde_json::Value::Null,
        mode: Mode::Popup,
        auth: AuthOptions::default(),
    };
    let outcome = coauth.auth_url(request, &ctx).await.unwrap();
    let state = url::Url::parse(&outcome.response.url)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    let cookie = outcome.set_cookie.clone().unwrap();
    assert!(cookie.to_str().unwrap().contains(COOKIE));
    for text in [format!("{outcome:?}"), format!("{outcome:#?}")] {
        assert!(!text.contains(MARK), "AuthUrlOutcome: {text}");
        assert!(!text.contains(&state), "AuthUrlOutcome: {text}");
        assert!(
            !text.contains(&outcome.response.flow),
            "AuthUrlOutcome: {text}"
        );
    }

    let mut response = serde_json::Map::new();
    response.insert("code".into(), secret("code").into());
    response.insert("state".into(), state.clone().into());
    let result = ResultRequest {
        provider_type: "demo".into(),
        flow: secret("flow"),
        response,
        result: ResultOptions::default(),
        wait: false,
        ..serde_json::from_value(serde_json::json!({
            "providerType": "demo", "flow": "f", "response": {}
        }))
        .unwrap()
    };
    for text in [format!("{result:?}"), format!("{result:#?}")] {
        assert!(
            !text.contains(MARK) && !text.contains(&state),
            "ResultRequest: {text}"
        );
    }

    let (parts, ()) = http::Request::get(format!(
        "/coauth/result_page?code={}&state={state}",
        secret("code")
    ))
    .header(header::COOKIE, format!("__Host-coauth-binding={COOKIE}"))
    .body(())
    .unwrap()
    .into_parts();
    let error = Error::Input("refused".into());
    let event = ErrorEvent {
        step: Step::ResultPage,
        provider: None,
        flow: None,
        error: &error,
        request: &parts,
    };
    for text in [format!("{event:?}"), format!("{event:#?}")] {
        assert!(
            !text.contains(MARK) && !text.contains(&state),
            "ErrorEvent: {text}"
        );
    }
}
