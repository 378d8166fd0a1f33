//! The work-tool and developer presets' quirks that their declarations cannot show, each
//! against a provider on loopback: the declared mock provider
//! (`coauth_tests::mock_provider::declared`) where the quirk is in the sign-in it serves,
//! and a small scripted provider where the quirk is an answer the declared mock never gives
//! (a GraphQL error with HTTP 200, a workspace-owned token, the token echoed in its
//! metadata). Each test fails when the preset stops handling its quirk.
//!
//! The sign-in, denial, client authentication and PKCE of every preset are checked by
//! `presets_declared.rs` from the declarations.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use coauth_core::IntoProvider;
use coauth_core::oauth2::OAuth2Provider;
use coauth_core::presets::{
    Atlassian, ClickUp, HubSpot, Linear, Mastodon, Notion, Shopify, Vimeo, Zoho,
};
use coauth_tests::fixture::{
    App, Transport, app_builder, assert_error, assert_provider_failure, http_client_with_timeout,
    json, query_param,
};
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_provider::MockUser;
use coauth_tests::mock_provider::declared::{
    DeclaredConfig, MockDeclared, RedirectSigner, SHOPIFY_SHOP as SHOP, shopify_hmac,
};
use serde_json::{Value, json};

/// The provider's name in the apps under test.
const NAME: &str = "preset";
/// The client both mocks know.
const CLIENT_ID: &str = "mock-client";
/// Its secret.
const CLIENT_SECRET: &str = "mock-secret";

/// An app with `provider`, reached in process; a provider call may take 5 s.
async fn app(provider: impl IntoProvider) -> App {
    let coauth = app_builder(NAME, provider)
        .http_client(http_client_with_timeout(Duration::from_secs(5)))
        .build()
        .expect("a valid coauth configuration");
    App::axum(coauth, Transport::InProcess).await
}

/// Ada, with the id `id` and a verified email unless `verified` is false.
fn ada(id: &str, verified: bool) -> MockUser {
    MockUser {
        id: id.into(),
        email_verified: verified,
        ..MockUser::default()
    }
}

/// The declared mock of `config`, and an app with the preset `build` makes against it.
async fn against(
    config: DeclaredConfig,
    build: impl FnOnce(&str) -> Result<OAuth2Provider, coauth_core::ConfigError>,
) -> (MockDeclared, App) {
    let mock = MockDeclared::start(DeclaredConfig {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        ..config
    })
    .await;
    let provider = build(&mock.base_url()).expect("the preset builds against the mock");
    (mock, app(provider).await)
}

/// A sign-in at `mock` that the user approves, asking for `fields`.
async fn approved(mock: &MockDeclared, app: &App, fields: Value) -> Response<Bytes> {
    let started = app.start(NAME).await;
    let params = mock.consent(&started.url, Decision::Approve).await;
    app.finish_with(NAME, &started, params, json!({ "fields": fields }))
        .await
}

/// A request the scripted provider received.
#[derive(Debug, Clone)]
struct Received {
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// A provider that answers each path with a fixed JSON document (404 elsewhere) and
/// records every request: for answers the declared mock never gives.
#[derive(Clone)]
struct Scripted {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Scripted {
    async fn start(answers: Vec<(&'static str, Value)>) -> Scripted {
        type Shared = (Vec<(&'static str, Value)>, Arc<Mutex<Vec<Received>>>);
        async fn answer(
            State(shared): State<Arc<Shared>>,
            method: Method,
            uri: Uri,
            headers: HeaderMap,
            body: Bytes,
        ) -> Response {
            let (answers, received) = &*shared;
            received
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Received {
                    method,
                    path: uri.path().to_owned(),
                    headers,
                    body,
                });
            match answers.iter().find(|(path, _)| *path == uri.path()) {
                Some((_, document)) => (
                    [(http::header::CONTENT_TYPE, "application/json")],
                    document.to_string(),
                )
                    .into_response(),
                None => http::StatusCode::NOT_FOUND.into_response(),
            }
        }
        let received = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new((answers, Arc::clone(&received)));
        let router = Router::new().fallback(answer).with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Scripted { base, received }
    }

    /// The requests received at `path`.
    fn at(&self, path: &str) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|request| request.path == path)
            .cloned()
            .collect()
    }
}

/// Signs in at a scripted provider without a browser: the app starts, and the provider's
/// redirect is `code=c` with the flow's state.
async fn scripted_sign_in(app: &App) -> Response<Bytes> {
    let started = app.start(NAME).await;
    let state = query_param(&started.url, "state").expect("the authorization URL has a state");
    app.finish_with(
        NAME,
        &started,
        json!({"code": "c", "state": state}),
        json!({"fields": ["token", "hub_id", "user_id"]}),
    )
    .await
}

// --- Atlassian -------------------------------------------------------------------------

#[tokio::test]
async fn atlassian_asks_for_consent_and_the_api_audience_and_reads_email_verified() {
    let (mock, app) = against(
        DeclaredConfig {
            user: ada("5b10a2844c20165700ede21g", false),
            ..DeclaredConfig::new(Atlassian::SPEC)
        },
        |base| {
            Atlassian::new(CLIENT_ID, CLIENT_SECRET)
                .with_hosts(base, base)
                .build()
        },
    )
    .await;
    let started = app.start(NAME).await;
    assert_eq!(
        query_param(&started.url, "prompt").as_deref(),
        Some("consent")
    );
    assert_eq!(
        query_param(&started.url, "audience").as_deref(),
        Some("api.atlassian.com")
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    let response = app.finish(NAME, &started, params).await;
    assert_eq!(response.status(), 200, "{:?}", mock.refusals());
    let user = &json(&response)["user"];
    assert_eq!(user["id"], "5b10a2844c20165700ede21g");
    // /me says the email is not verified.
    assert_eq!(user["emailVerified"], false);
}

// --- Notion ----------------------------------------------------------------------------

#[tokio::test]
async fn notion_reads_the_owner_of_the_token_and_refuses_a_workspace_token() {
    let user = json!({"object": "user", "id": "e79a0b74-3aba-4149-9f74-0bb5791a6ee6",
        "name": "Avocado Lovelace", "avatar_url": null, "type": "person",
        "person": {"email": "avo@example.test"}});
    let scripted = Scripted::start(vec![(
        "/v1/oauth/token",
        json!({"access_token": "secret-token", "token_type": "bearer", "bot_id": "b",
               "workspace_id": "w", "owner": {"type": "user", "user": user}}),
    )])
    .await;
    let app = app(Notion::new(CLIENT_ID, CLIENT_SECRET)
        .with_hosts(&scripted.base, &scripted.base)
        .build()
        .unwrap())
    .await;
    let response = scripted_sign_in(&app).await;
    assert_eq!(response.status(), 200, "{}", app.reported_error());
    let user = &json(&response)["user"];
    assert_eq!(user["id"], "e79a0b74-3aba-4149-9f74-0bb5791a6ee6");
    assert_eq!(user["email"], "avo@example.test");
    // One call: the token request, with HTTP Basic.
    assert_eq!(scripted.received.lock().unwrap().len(), 1);
    let token = &scripted.at("/v1/oauth/token")[0];
    assert!(
        token.headers["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );

    // An integration owned by the workspace has no user to sign in.
    let workspace = Scripted::start(vec![(
        "/v1/oauth/token",
        json!({"access_token": "secret-token", "token_type": "bearer", "bot_id": "b",
               "workspace_id": "w", "owner": {"type": "workspace", "workspace": true}}),
    )])
    .await;
    let app = app_for(Notion::new(CLIENT_ID, CLIENT_SECRET), &workspace.base).await;
    let response = scripted_sign_in(&app).await;
    assert_provider_failure(&response, "ProviderError");
    assert!(
        app.reported_error().contains("no user"),
        "{}",
        app.reported_error()
    );
}

/// An app with `notion` against `base`.
async fn app_for(notion: Notion, base: &str) -> App {
    app(notion.with_hosts(base, base).build().unwrap()).await
}

// --- HubSpot ---------------------------------------------------------------------------

#[tokio::test]
async fn hubspot_reads_the_token_s_metadata_by_path_and_drops_the_token_from_the_profile() {
    let token = "CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwHjX7OIpuIFEavB2-qYAGQsF4";
    let metadata_path: &'static str =
        Box::leak(format!("/oauth/v1/access-tokens/{token}").into_boxed_str());
    let scripted = Scripted::start(vec![
        (
            "/oauth/v1/token",
            json!({"access_token": token, "refresh_token": "r", "expires_in": 1800}),
        ),
        (
            metadata_path,
            json!({"token": token, "user": "test@hubspot.test", "hub_domain": "demo.hubapi.com",
                   "scopes": ["oauth"], "hub_id": 62515, "app_id": 456, "expires_in": 1800,
                   "user_id": 123, "token_type": "access"}),
        ),
    ])
    .await;
    let app = app(HubSpot::new(CLIENT_ID, CLIENT_SECRET)
        .with_hosts(&scripted.base, &scripted.base)
        .build()
        .unwrap())
    .await;
    let response = scripted_sign_in(&app).await;
    assert_eq!(response.status(), 200, "{}", app.reported_error());
    let body = json(&response);
    assert_eq!(body["user"]["id"], "123");
    assert_eq!(body["user"]["email"], "test@hubspot.test");
    // Asked for, but never handed on: the profile's copy of the access token.
    assert_eq!(body["fields"]["hub_id"], 62515);
    assert!(body["fields"].get("token").is_none(), "{body}");
    assert!(!response_text(&response).contains(token));
    let metadata = &scripted.at(metadata_path)[0];
    assert_eq!(metadata.method, Method::GET);
    assert!(metadata.headers.get("authorization").is_none());
}

fn response_text(response: &Response<Bytes>) -> String {
    String::from_utf8_lossy(response.body()).into_owned()
}

// --- Zoho ------------------------------------------------------------------------------

#[tokio::test]
async fn zoho_refuses_a_redirect_from_another_data_center_before_the_token_call() {
    // The mock's redirect names the default server, accounts.zoho.com; the app is in the EU.
    let (mock, app) = against(DeclaredConfig::new(Zoho::SPEC), |base| {
        Zoho::new(CLIENT_ID, CLIENT_SECRET)
            .region("eu")
            .with_hosts(base, base)
            .build()
    })
    .await;
    let response = approved(&mock, &app, json!([])).await;
    let message = assert_error(&response, 400, "InputError");
    assert!(message.contains("data center"), "{message}");
    assert_eq!(mock.calls(Endpoint::Token), 0);

    // The same redirect, for an app in the US data center, signs in.
    let (mock, app) = against(DeclaredConfig::new(Zoho::SPEC), |base| {
        Zoho::new(CLIENT_ID, CLIENT_SECRET)
            .with_hosts(base, base)
            .build()
    })
    .await;
    let response = approved(&mock, &app, json!([])).await;
    assert_eq!(response.status(), 200, "{:?}", mock.refusals());
    assert_eq!(
        mock.last_authorize_query()
            .unwrap()
            .iter()
            .find(|(name, _)| name == "scope")
            .map(|(_, scope)| scope.as_str()),
        Some("AaaServer.profile.Read")
    );
}

#[tokio::test]
async fn zoho_refuses_an_unknown_region() {
    for region in ["de", "accounts.evil.example", ""] {
        assert!(
            Zoho::new(CLIENT_ID, CLIENT_SECRET)
                .region(region)
                .build()
                .is_err(),
            "{region:?}"
        );
    }
}

// --- Vimeo -----------------------------------------------------------------------------

#[tokio::test]
async fn vimeo_ids_are_the_number_of_the_user_s_uri() {
    let (mock, app) = against(
        DeclaredConfig {
            user: ada("/users/152184", true),
            ..DeclaredConfig::new(Vimeo::SPEC)
        },
        |base| {
            Vimeo::new(CLIENT_ID, CLIENT_SECRET)
                .with_hosts(base, base)
                .build()
        },
    )
    .await;
    let response = approved(&mock, &app, json!(["uri"])).await;
    assert_eq!(response.status(), 200, "{:?}", mock.refusals());
    let body = json(&response);
    assert_eq!(body["user"]["id"], "152184");
    assert_eq!(body["fields"]["uri"], "/users/152184");

    // A uri of another shape is no user id.
    mock.set_user(ada("/channels/152184", true));
    let response = approved(&mock, &app, json!([])).await;
    assert_provider_failure(&response, "ProviderError");
}

// --- Linear ----------------------------------------------------------------------------

#[tokio::test]
async fn linear_graphql_errors_with_http_200_are_provider_errors() {
    let scripted = Scripted::start(vec![
        (
            "/oauth/token",
            json!({"access_token": "t", "token_type": "Bearer", "expires_in": 86399,
                   "refresh_token": "r", "scope": "read"}),
        ),
        (
            "/graphql",
            json!({"data": null, "errors": [{
                "message": "Authentication required, not authenticated",
                "extensions": {"code": "AUTHENTICATION_ERROR"}}]}),
        ),
    ])
    .await;
    let app = app(Linear::new(CLIENT_ID, CLIENT_SECRET)
        .with_hosts(&scripted.base, &scripted.base)
        .build()
        .unwrap())
    .await;
    let response = scripted_sign_in(&app).await;
    assert_provider_failure(&response, "ProviderError");
    let query = &scripted.at("/graphql")[0];
    assert_eq!(query.method, Method::POST);
    assert_eq!(query.headers["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&query.body).unwrap();
    assert!(body["query"].as_str().unwrap().contains("viewer"), "{body}");
}

// --- ClickUp ---------------------------------------------------------------------------

#[tokio::test]
async fn clickup_takes_the_token_without_a_scheme() {
    let scripted = Scripted::start(vec![
        (
            "/api/v2/oauth/token",
            json!({"access_token": "61681706_dc747044", "token_type": "Bearer"}),
        ),
        (
            "/api/v2/user",
            json!({"user": {"id": 123, "username": "John Doe", "email": "john@example.test",
                   "color": "#000000", "profilePicture": "https://attachments.example/j.jpg"}}),
        ),
    ])
    .await;
    let app = app(ClickUp::new(CLIENT_ID, CLIENT_SECRET)
        .with_hosts(&scripted.base, &scripted.base)
        .build()
        .unwrap())
    .await;
    let response = scripted_sign_in(&app).await;
    assert_eq!(response.status(), 200, "{}", app.reported_error());
    assert_eq!(json(&response)["user"]["id"], "123");
    let profile = &scripted.at("/api/v2/user")[0];
    assert_eq!(profile.headers["authorization"], "61681706_dc747044");
}

// --- Mastodon --------------------------------------------------------------------------

#[tokio::test]
async fn mastodon_ids_and_usernames_name_the_instance() {
    let (mock, app) = against(DeclaredConfig::new(Mastodon::SPEC), |base| {
        Mastodon::new(base, CLIENT_ID, CLIENT_SECRET)
            .allow_http_loopback(true)
            .with_hosts(base, base)
            .build()
    })
    .await;
    let host = mock.base_url().trim_start_matches("http://").to_owned();
    let response = approved(&mock, &app, json!(["id"])).await;
    assert_eq!(response.status(), 200, "{:?}", mock.refusals());
    let body = json(&response);
    assert_eq!(body["user"]["id"], format!("mock-user-1@{host}"));
    assert_eq!(body["user"]["username"], format!("ada@{host}"));
    // The profile keeps the instance's own id.
    assert_eq!(body["fields"]["id"], "mock-user-1");
}

#[tokio::test]
async fn mastodon_instances_on_loopback_need_the_opt_in_and_private_ones_are_refused() {
    let mock = MockDeclared::start(DeclaredConfig::new(Mastodon::SPEC)).await;
    let base = mock.base_url();
    assert!(
        Mastodon::new(&base, CLIENT_ID, CLIENT_SECRET)
            .build()
            .is_err()
    );
    assert!(
        Mastodon::new(&base, CLIENT_ID, CLIENT_SECRET)
            .allow_http_loopback(true)
            .build()
            .is_ok()
    );
    for instance in [
        "https://10.1.2.3",
        "https://[fd00::1]",
        "https://169.254.169.254",
        "http://mastodon.social",
    ] {
        assert!(
            Mastodon::new(instance, CLIENT_ID, CLIENT_SECRET)
                .allow_http_loopback(true)
                .build()
                .is_err(),
            "{instance}"
        );
    }
}

// --- Shopify ---------------------------------------------------------------------------

/// A signature made with another secret.
fn forged_hmac(params: &[(String, String)], _: &str) -> String {
    shopify_hmac(params, "not-the-client-secret")
}

/// The Shopify mock, signing with `signer` and naming the shop `shop`, and an app for
/// [`SHOP`].
async fn shopify(signer: RedirectSigner, shop: &str, user: MockUser) -> (MockDeclared, App) {
    against(
        DeclaredConfig {
            vars: vec![("shop", shop.to_owned())],
            redirect_signer: Some(("hmac", signer)),
            user,
            ..DeclaredConfig::new(Shopify::SPEC)
        },
        |base| {
            Shopify::new(SHOP, CLIENT_ID, CLIENT_SECRET)
                .with_hosts(base, base)
                .build()
        },
    )
    .await
}

#[tokio::test]
async fn shopify_signs_in_the_staff_member_of_an_online_token() {
    let (mock, app) = shopify(shopify_hmac, SHOP, ada("108179095", false)).await;
    let response = approved(&mock, &app, json!(["email_verified"])).await;
    assert_eq!(response.status(), 200, "{:?}", mock.refusals());
    let body = json(&response);
    assert_eq!(body["user"]["id"], "108179095");
    assert_eq!(body["user"]["name"], "Ada Lovelace");
    assert_eq!(body["user"]["emailVerified"], false);
    assert_eq!(body["fields"]["email_verified"], false);
    let authorize = mock.last_authorize_query().unwrap();
    assert!(authorize.contains(&("grant_options[]".to_owned(), "per-user".to_owned())));
    assert_eq!(mock.calls(Endpoint::Profile), 0);
}

#[tokio::test]
async fn shopify_refuses_a_redirect_with_a_forged_signature_before_the_token_call() {
    let (mock, app) = shopify(forged_hmac, SHOP, ada("108179095", true)).await;
    let response = approved(&mock, &app, json!([])).await;
    let message = assert_error(&response, 400, "InputError");
    assert!(message.contains("hmac"), "{message}");
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

#[tokio::test]
async fn shopify_refuses_an_unsigned_redirect_and_one_for_another_shop() {
    // Unsigned: the approval's parameters without `hmac`.
    let (mock, app) = shopify(shopify_hmac, SHOP, ada("1", true)).await;
    let started = app.start(NAME).await;
    let mut params = mock.consent(&started.url, Decision::Approve).await;
    params.as_object_mut().unwrap().remove("hmac");
    let response = app.finish(NAME, &started, params).await;
    assert_error(&response, 400, "InputError");

    // Correctly signed, but for another shop.
    let (mock, app) = shopify(shopify_hmac, "other-shop.myshopify.com", ada("1", true)).await;
    let response = approved(&mock, &app, json!([])).await;
    let message = assert_error(&response, 400, "InputError");
    assert!(message.contains("another shop"), "{message}");
    assert_eq!(mock.calls(Endpoint::Token), 0);
}

#[tokio::test]
async fn shopify_takes_only_myshopify_domains() {
    for shop in [
        "my-store",
        "evil.example",
        "a.b.myshopify.com",
        "x.myshopify.com.evil.example",
    ] {
        assert!(
            Shopify::new(shop, CLIENT_ID, CLIENT_SECRET)
                .build()
                .is_err(),
            "{shop}"
        );
    }
}
