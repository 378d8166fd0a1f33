//! `soak server`: the server under test. An axum app with coauth mounted at `/coauth` by
//! coauth-axum, configured from the environment as any app would be (`coauth_core::env`:
//! `COAUTH_SECRET`, `COAUTH_PREVIOUS_SECRET`, `COAUTH_PUBLIC_URL`), with one OAuth 2.0
//! provider per mock the driver runs (`SOAK_PROVIDERS`).
//!
//! | variable | |
//! |---|---|
//! | `PORT` | the loopback port, `0` (the default) for any free one |
//! | `COAUTH_PUBLIC_URL` | default `http://127.0.0.1:{PORT}/coauth` |
//! | `SOAK_PROVIDERS` | `name=http://127.0.0.1:PORT,...`: generic-mode mock providers |
//! | `SOAK_PROVIDER_TIMEOUT_MS` | the outbound client's time limit per request, default 1000 |
//! | `SOAK_INSTANCE` | the name every answer carries in `x-soak-instance`, default `single` |
//! | `RUST_LOG` | default `warn` |
//!
//! It prints `listening on http://127.0.0.1:PORT` on stdout once it accepts connections,
//! and shuts down gracefully (in-flight requests finish) when its stdin closes, so it never
//! outlives the driver that started it.

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use axum::Router;
use axum::response::Response;
use coauth_core::oauth2::{OAuth2Config, OAuth2Provider, StandardUserinfo};
use coauth_core::{HyperClient, ResourceCreator, env};
use http::HeaderValue;

use crate::flow::INSTANCE;

pub(crate) fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("soak server: no tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("soak server: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn Error>> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();

    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| "PORT must be a port number")?,
        Err(_) => 0,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let port = listener.local_addr()?.port();
    let public_url = std::env::var(env::PUBLIC_URL)
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| format!("http://127.0.0.1:{port}/coauth"));
    let configured = env::from_lookup(|name| {
        if name == env::PUBLIC_URL {
            Some(public_url.clone())
        } else {
            std::env::var(name).ok()
        }
    })?;
    let timeout: u64 = match std::env::var("SOAK_PROVIDER_TIMEOUT_MS") {
        Ok(millis) => millis
            .parse()
            .map_err(|_| "SOAK_PROVIDER_TIMEOUT_MS must be a number of milliseconds")?,
        Err(_) => 1000,
    };
    let mut builder = configured.builder.http_client(
        HyperClient::builder()
            // The mocks are on loopback, over plain http, never behind a proxy.
            .allow_loopback(true)
            .proxy_from_env(false)
            .timeout(Duration::from_millis(timeout))
            .connect_timeout(Duration::from_millis(500))
            .build(),
    );
    let providers = std::env::var("SOAK_PROVIDERS").unwrap_or_default();
    for entry in providers.split(',').filter(|entry| !entry.is_empty()) {
        let (name, base) = entry
            .split_once('=')
            .ok_or("SOAK_PROVIDERS is name=url,name=url,...")?;
        builder = builder.provider(name, mock_provider(base)?);
    }
    let coauth = builder.build()?;
    let instance = std::env::var("SOAK_INSTANCE").unwrap_or_else(|_| "single".into());
    let instance =
        HeaderValue::from_str(&instance).map_err(|_| "SOAK_INSTANCE is not a header value")?;

    let app = Router::new()
        .merge(coauth_axum::router_at(
            "/coauth",
            &ResourceCreator::new(coauth),
        ))
        .layer(axum::middleware::map_response(
            move |mut response: Response| {
                let instance = instance.clone();
                async move {
                    response.headers_mut().insert(INSTANCE, instance);
                    response
                }
            },
        ));

    // Shut down when stdin closes: the driver closes it to stop this instance, and so does
    // the driver's exit, whatever its cause.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = stop.send(());
    });
    println!("listening on http://127.0.0.1:{port}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        })
        .await?;
    Ok(())
}

/// The OAuth 2.0 engine for a generic-mode mock provider at `base` (the mock's client).
fn mock_provider(base: &str) -> Result<OAuth2Provider, Box<dyn Error>> {
    Ok(OAuth2Provider::new(
        OAuth2Config::new(
            "mock-client",
            "mock-secret",
            &format!("{base}/authorize"),
            &format!("{base}/token"),
        )?,
        StandardUserinfo::new(&format!("{base}/userinfo"))?,
    ))
}
