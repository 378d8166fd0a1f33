//! What the OpenID Connect presets of identity platforms and regional providers do beyond
//! their declarations (Auth0, Okta, Keycloak, Amazon Cognito, Azure AD B2C, ZITADEL,
//! authentik, FusionAuth, LINE, Yahoo! JAPAN, Salesforce, Roblox, Intuit), against the mock
//! OpenID provider imitating each from its declaration (`Quirks::Declared`): LINE's HS256
//! ID tokens keyed with the channel secret, issuers that differ from the hosts the browser
//! visits (Cognito, Okta's two kinds of authorization server, Auth0's trailing slash),
//! B2C's policy claim, Salesforce's user id, Intuit's camelCase userinfo, the base URLs of
//! self-hosted platforms, and the refusal of tenant, realm, region and policy values that
//! could move a URL. The sign-in and denial of each preset are in `presets_declared.rs`.

mod oidc_support;

use coauth_core::ConfigError;
use coauth_core::oauth2::ClientAuth;
use coauth_core::oidc::OidcProvider;
use coauth_core::presets::spec::{OidcPreset, OidcPresetBuilder};
use coauth_core::presets::{
    AmazonCognito, Auth0, Authentik, AzureAdB2c, FusionAuth, Intuit, Keycloak, Line, Okta, Roblox,
    Salesforce, YahooJapan, Zitadel,
};
use coauth_tests::fixture::{App, assert_fields, assert_ok, query_param};
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_oidc::{ClientAuthMode, Forge, MockOidc, MockOidcConfig, OidcUser, Quirks};
use oidc_support::{oidc_app, sign_in_denied, sign_in_refused};
use serde_json::json;

/// The provider's name in the apps under test.
const NAME: &str = "preset";
/// The client the mock knows.
const ID: &str = "oidc-client";
/// Its secret.
const SECRET: &str = "oidc-secret";
/// The user at the mock.
const GRACE_ID: &str = "248289761001";
const GRACE_NAME: &str = "Grace Hopper";
const GRACE_EMAIL: &str = "grace@example.test";

/// The mock imitating `spec` with `vars`, insisting on the declared client authentication.
async fn declared(spec: &'static OidcPreset, vars: &[(&'static str, &str)]) -> MockOidc {
    declared_for(spec, vars, OidcUser::default()).await
}

/// [`declared`] with another user.
async fn declared_for(
    spec: &'static OidcPreset,
    vars: &[(&'static str, &str)],
    user: OidcUser,
) -> MockOidc {
    let client_auth = match spec.client_auth {
        ClientAuth::Post => ClientAuthMode::Post,
        _ => ClientAuthMode::Basic,
    };
    MockOidc::start(MockOidcConfig {
        quirks: Quirks::Declared {
            spec,
            vars: vars
                .iter()
                .map(|(name, value)| (*name, (*value).to_owned()))
                .collect(),
        },
        client_auth,
        iss_parameter: spec.iss_parameter,
        user,
        ..MockOidcConfig::default()
    })
    .await
}

async fn app(provider: OidcProvider) -> App {
    oidc_app(NAME, provider).await
}

/// A sign-in the user approves, which must succeed; its user.
async fn signed_in(app: &App, mock: &MockOidc) -> serde_json::Value {
    assert_ok(&app.sign_in(NAME, mock, Decision::Approve).await)["user"].clone()
}

// LINE

#[tokio::test]
async fn line_id_tokens_are_hs256_keyed_with_the_channel_secret() {
    let mock = declared(Line::SPEC, &[]).await;
    let line = Line::new(ID, SECRET)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = app(line).await;
    assert_fields(
        &signed_in(&app, &mock).await,
        json!({"id": GRACE_ID, "name": GRACE_NAME}),
    );
    // The channel secret travels in the form body, as LINE's token endpoint wants it.
    let token = mock.last_token_request().unwrap();
    assert_eq!(token.field("client_secret"), Some(SECRET));
    assert!(token.authorization.is_none());
    // No JWKS is fetched for an HS256 token.
    assert_eq!(mock.calls(Endpoint::Jwks), 0);
    sign_in_denied(&app, NAME, &mock).await;
}

#[tokio::test]
async fn line_refuses_hs256_keyed_with_anything_but_the_channel_secret() {
    let mock = declared(Line::SPEC, &[]).await;
    mock.set_forge(Forge::Hs256WithPublicKey);
    let line = Line::new(ID, SECRET)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let message = sign_in_refused(&app(line).await, NAME, &mock).await;
    assert!(message.contains("signature"), "{message}");
}

#[tokio::test]
async fn a_preset_without_the_hs256_declaration_refuses_line_s_tokens() {
    let mock = declared(Line::SPEC, &[]).await;
    let strict: &'static OidcPreset = Box::leak(Box::new(OidcPreset {
        hs256_client_secret: false,
        ..*Line::SPEC
    }));
    let provider = OidcPresetBuilder::new(strict, ID, SECRET)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let message = sign_in_refused(&app(provider).await, NAME, &mock).await;
    assert!(message.contains("HS256"), "{message}");
}

// Amazon Cognito

const COGNITO_POOL: &str = "eu-west-1_AbCdEf123";
const COGNITO_DOMAIN: &str = "example.auth.eu-west-1.amazoncognito.com";

fn cognito_vars() -> [(&'static str, &'static str); 3] {
    [
        ("region", "eu-west-1"),
        ("user_pool_id", COGNITO_POOL),
        ("domain", COGNITO_DOMAIN),
    ]
}

#[tokio::test]
async fn cognito_s_issuer_is_the_user_pool_not_the_domain() {
    let mock = declared(AmazonCognito::SPEC, &cognito_vars()).await;
    let cognito = || {
        AmazonCognito::new(ID, SECRET, "eu-west-1", COGNITO_POOL, COGNITO_DOMAIN)
            .with_hosts(mock.base_url(), mock.base_url())
            .build()
            .unwrap()
    };
    let app = app(cognito()).await;
    let started = app.start(NAME).await;
    // The browser goes to the domain's /oauth2/authorize; the keys are the pool's.
    assert!(
        started
            .url
            .starts_with(&format!("{}/oauth2/authorize?", mock.base_url())),
        "{}",
        started.url
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish(NAME, &started, params).await);
    assert_eq!(mock.issuer(), format!("{}/{COGNITO_POOL}", mock.base_url()));
    // An ID token naming the domain's origin as its issuer is not the pool's.
    mock.set_extra_claims(json!({"iss": mock.base_url()}));
    let message = sign_in_refused(&app, NAME, &mock).await;
    assert!(message.contains("iss"), "{message}");
}

#[tokio::test]
async fn cognito_reads_the_username_from_its_own_claim() {
    let mock = declared(AmazonCognito::SPEC, &cognito_vars()).await;
    mock.set_extra_claims(json!({"cognito:username": "grace-h", "preferred_username": null}));
    let cognito = AmazonCognito::new(ID, SECRET, "eu-west-1", COGNITO_POOL, COGNITO_DOMAIN)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let user = signed_in(&app(cognito).await, &mock).await;
    assert_eq!(user["username"], "grace-h");
}

// Azure AD B2C

const B2C_TENANT_ID: &str = "775527ff-9a37-4307-8b3d-cc311f58d925";
const B2C_VARS: [(&str, &str); 3] = [
    ("tenant", "contoso"),
    ("tenant_id", B2C_TENANT_ID),
    ("policy", "B2C_1_signin"),
];

fn b2c(mock: &MockOidc) -> OidcProvider {
    AzureAdB2c::new(ID, SECRET, "contoso", B2C_TENANT_ID, "B2C_1_signin")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn b2c_puts_the_policy_in_the_path_and_requires_it_in_the_token() {
    let mock = declared(AzureAdB2c::SPEC, &B2C_VARS).await;
    mock.set_extra_claims(json!({"tfp": "B2C_1_SignIn", "emails": ["grace@b2c.example"]}));
    let app = app(b2c(&mock)).await;
    let started = app.start(NAME).await;
    assert!(
        started.url.starts_with(&format!(
            "{}/contoso.onmicrosoft.com/B2C_1_signin/oauth2/v2.0/authorize?",
            mock.base_url()
        )),
        "{}",
        started.url
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = assert_ok(&app.finish(NAME, &started, params).await);
    // The email is the first of B2C's `emails`; B2C says nothing of its verification.
    assert_fields(
        &body["user"],
        json!({"id": GRACE_ID, "email": "grace@b2c.example", "emailVerified": null}),
    );
    // The issuer names the tenant's id.
    assert_eq!(
        mock.issuer(),
        format!("{}/{B2C_TENANT_ID}/v2.0/", mock.base_url())
    );
    // Newer tokens name the policy in `acr`.
    mock.set_extra_claims(json!({"acr": "b2c_1_signin"}));
    assert_ok(&app.sign_in(NAME, &mock, Decision::Approve).await);
    // A token of another user flow of the same tenant, or of none, is refused.
    for claims in [json!({"tfp": "B2C_1_passwordreset"}), json!({})] {
        mock.set_extra_claims(claims);
        let message = sign_in_refused(&app, NAME, &mock).await;
        assert!(message.contains("policy"), "{message}");
    }
}

// Okta

#[tokio::test]
async fn okta_s_custom_authorization_server_has_its_own_issuer_and_endpoints() {
    let mock = declared(
        Okta::SPEC,
        &[
            ("domain", "example.okta.com"),
            ("server", "default"),
            ("issuer_path", "/oauth2/default"),
            ("server_path", "/default"),
        ],
    )
    .await;
    let okta = Okta::new(ID, SECRET, "example.okta.com")
        .authorization_server("default")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = app(okta).await;
    let started = app.start(NAME).await;
    assert!(
        started
            .url
            .starts_with(&format!("{}/oauth2/default/v1/authorize?", mock.base_url())),
        "{}",
        started.url
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish(NAME, &started, params).await);
    // The profile is read from the custom server's userinfo as well.
    assert_eq!(mock.calls(Endpoint::Profile), 1);
    // A token of the org authorization server (issuer: the bare domain) is refused.
    mock.set_extra_claims(json!({"iss": mock.base_url()}));
    let message = sign_in_refused(&app, NAME, &mock).await;
    assert!(message.contains("iss"), "{message}");
}

#[tokio::test]
async fn okta_s_org_server_refuses_a_custom_server_s_token() {
    let mock = declared(Okta::SPEC, &[("domain", "example.okta.com")]).await;
    let okta = Okta::new(ID, SECRET, "example.okta.com")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = app(okta).await;
    assert_ok(&app.sign_in(NAME, &mock, Decision::Approve).await);
    mock.set_extra_claims(json!({"iss": format!("{}/oauth2/default", mock.base_url())}));
    let message = sign_in_refused(&app, NAME, &mock).await;
    assert!(message.contains("iss"), "{message}");
}

// Auth0

#[tokio::test]
async fn auth0_s_issuer_ends_with_a_slash() {
    let mock = declared(Auth0::SPEC, &[("domain", "dev-abc.us.auth0.com")]).await;
    let auth0 = Auth0::new(ID, SECRET, "dev-abc.us.auth0.com")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = app(auth0).await;
    assert_eq!(mock.issuer(), format!("{}/", mock.base_url()));
    assert_ok(&app.sign_in(NAME, &mock, Decision::Approve).await);
    // The same origin without the slash is another issuer.
    mock.set_extra_claims(json!({"iss": mock.base_url()}));
    let message = sign_in_refused(&app, NAME, &mock).await;
    assert!(message.contains("iss"), "{message}");
}

// Salesforce

#[tokio::test]
async fn salesforce_s_user_id_is_user_id_not_the_identity_url() {
    let mock = declared(Salesforce::SPEC, &[("host", "acme.my.salesforce.com")]).await;
    mock.set_extra_claims(json!({
        "sub": "https://login.salesforce.com/id/00D5e000000XyZaEAK/0055e000001AbCdAAK",
        "user_id": "0055e000001AbCdAAK",
    }));
    let salesforce = Salesforce::new(ID, SECRET)
        .my_domain("acme.my.salesforce.com")
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = app(salesforce).await;
    let user = signed_in(&app, &mock).await;
    assert_fields(
        &user,
        json!({"id": "0055e000001AbCdAAK", "email": GRACE_EMAIL, "emailVerified": true}),
    );
    assert_eq!(mock.calls(Endpoint::Profile), 1);
}

#[tokio::test]
async fn salesforce_s_my_domain_and_sandbox_are_their_own_issuers() {
    let metadata_of = |salesforce: Salesforce| {
        let provider = salesforce.build().unwrap();
        let config = provider.config();
        let metadata = config.metadata.as_ref().unwrap();
        (
            config.issuer.clone(),
            metadata.authorization_endpoint.to_string(),
            metadata.userinfo_endpoint.as_ref().unwrap().to_string(),
        )
    };
    assert_eq!(
        metadata_of(Salesforce::new(ID, SECRET).my_domain("acme.my.salesforce.com")),
        (
            "https://acme.my.salesforce.com".to_owned(),
            "https://acme.my.salesforce.com/services/oauth2/authorize".to_owned(),
            "https://acme.my.salesforce.com/services/oauth2/userinfo".to_owned(),
        )
    );
    assert_eq!(
        metadata_of(Salesforce::new(ID, SECRET).sandbox()).0,
        "https://test.salesforce.com"
    );
}

// Yahoo! JAPAN

#[tokio::test]
async fn yahoo_japan_sends_bail_and_reads_userinfo() {
    let mock = declared(YahooJapan::SPEC, &[]).await;
    let yahoo = YahooJapan::new(ID, SECRET)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = app(yahoo).await;
    let started = app.start(NAME).await;
    // Without bail=1 a user who declines lands on Yahoo! JAPAN's top page.
    assert_eq!(query_param(&started.url, "bail").as_deref(), Some("1"));
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish(NAME, &started, params).await);
    assert_eq!(mock.calls(Endpoint::Profile), 1);
    // HTTP Basic at the token endpoint.
    let token = mock.last_token_request().unwrap();
    assert!(
        token
            .authorization
            .as_deref()
            .is_some_and(|value| value.starts_with("Basic ")),
        "{token:?}"
    );
    sign_in_denied(&app, NAME, &mock).await;
}

// Intuit

#[tokio::test]
async fn intuit_sends_neither_pkce_nor_a_nonce_and_reads_camel_case_userinfo() {
    let unverified = OidcUser {
        email_verified: false,
        ..OidcUser::default()
    };
    let mock = declared_for(Intuit::SPEC, &[], unverified).await;
    let intuit = Intuit::new(ID, SECRET)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = app(intuit).await;
    let started = app.start(NAME).await;
    assert_eq!(query_param(&started.url, "code_challenge"), None);
    assert_eq!(query_param(&started.url, "nonce"), None);
    let params = mock.consent(&started.url, Decision::Approve).await;
    let body = assert_ok(&app.finish(NAME, &started, params).await);
    assert_fields(
        &body["user"],
        json!({"id": GRACE_ID, "name": GRACE_NAME, "email": GRACE_EMAIL,
            "emailVerified": false}),
    );
    assert_eq!(mock.calls(Endpoint::Profile), 1);
}

// Roblox

#[tokio::test]
async fn roblox_falls_back_to_the_nickname_and_shares_no_email() {
    let mock = declared(Roblox::SPEC, &[]).await;
    mock.set_extra_claims(json!({
        "name": null,
        "nickname": "Gracie",
        "profile": "https://www.roblox.com/users/248289761001/profile",
    }));
    let roblox = Roblox::new(ID, SECRET)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let user = signed_in(&app(roblox).await, &mock).await;
    assert_fields(
        &user,
        json!({"id": GRACE_ID, "name": "Gracie", "email": null,
            "profileUrl": "https://www.roblox.com/users/248289761001/profile"}),
    );
    assert_eq!(mock.calls(Endpoint::Profile), 0);
}

// Self-hosted platforms: base URLs

/// A self-hosted preset, the variables its paths need besides `base`, and the preset built.
type SelfHosted = (
    &'static OidcPreset,
    &'static [(&'static str, &'static str)],
    Result<OidcProvider, ConfigError>,
);

/// The self-hosted presets built at `base`, with or without the loopback opt-in, and the
/// variables their paths need (the mock keeps only the paths of the filled URLs).
fn self_hosted(base: &str, loopback: bool) -> Vec<SelfHosted> {
    vec![
        (
            Keycloak::SPEC,
            &[("realm", "main")],
            Keycloak::new(ID, SECRET, base, "main")
                .allow_http_loopback(loopback)
                .build(),
        ),
        (
            Authentik::SPEC,
            &[("slug", "my-app")],
            Authentik::new(ID, SECRET, base, "my-app")
                .allow_http_loopback(loopback)
                .build(),
        ),
        (
            Zitadel::SPEC,
            &[],
            Zitadel::new(ID, SECRET, base)
                .allow_http_loopback(loopback)
                .build(),
        ),
        (
            FusionAuth::SPEC,
            &[],
            FusionAuth::new(ID, SECRET, base)
                .allow_http_loopback(loopback)
                .build(),
        ),
    ]
}

#[tokio::test]
async fn self_hosted_platforms_on_loopback_need_the_opt_in() {
    for index in 0..4 {
        let (spec, vars, _) = self_hosted("https://ignored.example", false).remove(index);
        // `{base}` is any origin to the mock, which serves the paths on its own.
        let mut vars = vars.to_vec();
        vars.push(("base", "https://ignored.example"));
        let mock = declared(spec, &vars).await;
        let (_, _, refused) = self_hosted(&mock.base_url(), false).remove(index);
        let error = refused.expect_err(spec.name);
        assert!(error.0.contains("loopback"), "{}: {error}", spec.name);
        // Built at the mock's plain-http URL itself, with the opt-in, and no `with_hosts`.
        let (_, _, built) = self_hosted(&mock.base_url(), true).remove(index);
        let provider = built.unwrap_or_else(|e| panic!("{}: {e}", spec.name));
        let app = app(provider).await;
        assert_ok(&app.sign_in(NAME, &mock, Decision::Approve).await);
        assert_eq!(mock.calls(Endpoint::Token), 1, "{}", spec.name);
    }
}

#[tokio::test]
async fn fusionauth_sends_the_tenant() {
    let tenant = "c1b3b33e-4f2a-4e7e-9a6b-2d9f0b1a7c55";
    let mock = declared(FusionAuth::SPEC, &[("base", "https://auth.example.com")]).await;
    let fusionauth = FusionAuth::new(ID, SECRET, "https://auth.example.com")
        .tenant(tenant)
        .with_hosts(mock.base_url(), mock.base_url())
        .build()
        .unwrap();
    let app = app(fusionauth).await;
    let started = app.start(NAME).await;
    assert_eq!(
        query_param(&started.url, "tenantId").as_deref(),
        Some(tenant)
    );
    let params = mock.consent(&started.url, Decision::Approve).await;
    assert_ok(&app.finish(NAME, &started, params).await);
}

// Values that could move a URL

#[test]
fn tenant_realm_region_and_policy_values_that_could_move_a_url_are_refused() {
    let moving = [
        "",
        "..",
        "a/b",
        "a?b=c",
        "a#b",
        "a b",
        "evil.example@a",
        "a/../b",
    ];
    for value in moving {
        let builds: [(&str, Result<OidcProvider, ConfigError>); 10] = [
            ("Auth0 domain", Auth0::new(ID, SECRET, value).build()),
            ("Okta domain", Okta::new(ID, SECRET, value).build()),
            (
                "Okta server",
                Okta::new(ID, SECRET, "example.okta.com")
                    .authorization_server(value)
                    .build(),
            ),
            (
                "Keycloak realm",
                Keycloak::new(ID, SECRET, "https://sso.example.com", value).build(),
            ),
            (
                "authentik slug",
                Authentik::new(ID, SECRET, "https://auth.example.com", value).build(),
            ),
            (
                "Cognito region",
                AmazonCognito::new(ID, SECRET, value, COGNITO_POOL, COGNITO_DOMAIN).build(),
            ),
            (
                "Cognito pool",
                AmazonCognito::new(ID, SECRET, "eu-west-1", value, COGNITO_DOMAIN).build(),
            ),
            (
                "Cognito domain",
                AmazonCognito::new(ID, SECRET, "eu-west-1", COGNITO_POOL, value).build(),
            ),
            (
                "B2C policy",
                AzureAdB2c::new(ID, SECRET, "contoso", B2C_TENANT_ID, value).build(),
            ),
            (
                "Salesforce My Domain",
                Salesforce::new(ID, SECRET).my_domain(value).build(),
            ),
        ];
        for (what, built) in builds {
            assert!(built.is_err(), "{what} {value:?} was accepted");
        }
    }
    for base in [
        "http://sso.example.com",
        "https://10.0.0.1",
        "https://169.254.169.254",
        "https://sso.example.com?x=1",
        "https://user@sso.example.com",
        "sso.example.com",
    ] {
        assert!(
            Keycloak::new(ID, SECRET, base, "main").build().is_err(),
            "{base}"
        );
        assert!(Zitadel::new(ID, SECRET, base).build().is_err(), "{base}");
        assert!(FusionAuth::new(ID, SECRET, base).build().is_err(), "{base}");
        assert!(
            Authentik::new(ID, SECRET, base, "my-app").build().is_err(),
            "{base}"
        );
    }
}
