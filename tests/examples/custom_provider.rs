//! A custom provider: a complete `Provider` written against the trait, with no engine
//! behind it, signing in at the mock identity provider that runs in the same process.
//! Copy it as the starting point for a provider coauth has no preset for.
//!
//! ```text
//! cargo run -p coauth-tests --example custom_provider
//! ```
//!
//! Then open <http://127.0.0.1:8080> and click **Sign in with Demo provider**: the `demo`
//! button signs in with [`CustomProvider`]. `PORT` picks another port.

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use coauth_core::bytes::Bytes;
use coauth_core::http::{Method, Request};
use coauth_core::{
    Coauth, Credentials, Error, FinishContext, Finished, HttpClient, HyperClient, Provider,
    ResourceCreator, Secret, StartContext, Started, User, async_trait,
};
use coauth_tests::demo;
use coauth_tests::mock::MockIdp;
use coauth_tests::mock_provider::{MockConfig, MockProvider};

/// A provider for an OAuth 2.0 server with PKCE, `client_secret_post` and an OpenID-style
/// userinfo endpoint. coauth has already checked `state` and mapped denials before
/// `finish` runs; the provider only speaks its protocol.
pub struct CustomProvider {
    /// The authorization endpoint.
    pub authorize_url: String,
    /// The token endpoint.
    pub token_url: String,
    /// The userinfo endpoint.
    pub userinfo_url: String,
    /// The client's registration.
    pub client_id: String,
    /// The client's secret.
    pub client_secret: Secret,
}

#[async_trait]
impl Provider for CustomProvider {
    async fn start(&self, ctx: StartContext<'_>) -> Result<Started, Error> {
        let mut url: coauth_core::url::Url = self
            .authorize_url
            .parse()
            .map_err(|_| Error::Provider("the authorization URL is invalid".into()))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", ctx.redirect_uri)
            .append_pair("state", ctx.state)
            .append_pair("scope", "openid profile email")
            .append_pair("code_challenge", ctx.pkce_challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(Started::new(url))
    }

    async fn finish(&self, ctx: FinishContext<'_>) -> Result<Finished, Error> {
        let code = ctx
            .params
            .get("code")
            .ok_or_else(|| Error::Input("the provider's answer has no code".into()))?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", ctx.redirect_uri),
            ("code_verifier", ctx.pkce_verifier),
            ("client_id", &self.client_id),
            ("client_secret", self.client_secret.expose()),
        ];
        let body = coauth_core::url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let token = send_json(
            ctx.http,
            Request::builder()
                .method(Method::POST)
                .uri(&self.token_url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .body(Bytes::from(body)),
        )
        .await?;
        let access_token = token["access_token"]
            .as_str()
            .ok_or_else(|| Error::Provider("the token answer has no access_token".into()))?;
        let profile = send_json(
            ctx.http,
            Request::builder()
                .uri(&self.userinfo_url)
                .header("authorization", format!("Bearer {access_token}"))
                .header("accept", "application/json")
                .body(Bytes::new()),
        )
        .await?;
        let text = |name: &str| profile[name].as_str().map(str::to_owned);
        let user = User {
            id: text("sub").ok_or_else(|| Error::Provider("the profile has no sub".into()))?,
            name: text("name"),
            email: text("email"),
            email_verified: profile["email_verified"].as_bool(),
            avatar_url: text("picture"),
            profile_url: text("profile"),
            username: text("preferred_username"),
        };
        Ok(Finished {
            user,
            profile,
            credentials: Credentials {
                access_token: Secret::new(access_token),
                token_type: token["token_type"].as_str().unwrap_or("bearer").into(),
                expires_in: token["expires_in"].as_u64(),
                refresh_token: token["refresh_token"].as_str().map(Secret::new),
                scope: token["scope"].as_str().map(str::to_owned),
                id_token: None,
                token_secret: None,
                extra: serde_json::Map::new(),
            },
        })
    }
}

/// Sends a request through coauth's outbound client and reads a JSON object answer. Error
/// messages name the status only: never the code, a token or the secret.
async fn send_json(
    http: &dyn HttpClient,
    request: Result<Request<Bytes>, coauth_core::http::Error>,
) -> Result<serde_json::Value, Error> {
    let request = request.map_err(|_| Error::Provider("invalid provider URL".into()))?;
    let response = http.execute(request).await?;
    if response.status().is_server_error() {
        return Err(Error::ProviderTechnical(format!(
            "the provider failed with HTTP {}",
            response.status().as_u16()
        )));
    }
    let json: serde_json::Value = serde_json::from_slice(response.body())
        .map_err(|_| Error::Provider("the provider's answer is not JSON".into()))?;
    if !response.status().is_success() || json.get("error").is_some() {
        return Err(Error::Provider(format!(
            "the provider refused the request (HTTP {})",
            response.status().as_u16()
        )));
    }
    Ok(json)
}

/// The custom provider pointed at `mock`.
pub fn custom_provider(mock: &MockProvider, config: &MockConfig) -> CustomProvider {
    CustomProvider {
        authorize_url: mock.authorize_url(),
        token_url: mock.token_url(),
        userinfo_url: mock.userinfo_url(),
        client_id: config.client_id.clone(),
        client_secret: Secret::new(config.client_secret.clone()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    demo::init_logs();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", demo::port_from_env()?)).await?;
    let port = listener.local_addr()?.port();
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let coauth = Coauth::builder()
        .secret(format!("custom provider example {}", mock.base_url()).repeat(2))
        .provider("demo", custom_provider(&mock, &config))
        .redirect_uri(format!("http://127.0.0.1:{port}/coauth/result_page"))
        .http_client(
            HyperClient::builder()
                .allow_loopback(true)
                // The mocks are on loopback: never through a proxy from the environment.
                .proxy_from_env(false)
                .build(),
        )
        .build()?;
    let page = |body: &'static str, content_type: &'static str| -> Response {
        demo::page(body, content_type).map(axum::body::Body::from)
    };
    // The demo page with one button, for the custom provider registered as `demo`.
    let index: &'static str =
        Box::leak(demo::index_html(&[("demo", "Demo provider")]).into_boxed_str());
    let app = Router::new()
        .route(
            "/",
            get(move || async move { page(index, "text/html; charset=utf-8") }),
        )
        .route(
            "/demo.js",
            get(move || async move { page(demo::DEMO_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/demo.css",
            get(move || async move { page(demo::DEMO_CSS, "text/css; charset=utf-8") }),
        )
        .merge(coauth_axum::router_at(
            "/coauth",
            &ResourceCreator::new(coauth),
        ));
    println!("custom provider example on http://127.0.0.1:{port}");
    axum::serve(listener, app).await?;
    Ok(())
}
