//! The provider round trips of the result step, counted by the mocks: the fewest calls a
//! sign-in can make. OAuth 2.0 with a profile: the token and the profile (2). OpenID
//! Connect with the ID token alone: the token (1), once discovery and the JWKS are cached.
//! OpenID Connect with userinfo: the token and userinfo (2). And the connections coauth's
//! outbound client opens to one provider host for many sign-ins: keep-alive reuses them, so
//! there are about as many as calls in flight at once, never one per sign-in.

mod oidc_support;

use coauth_core::presets::Oidc;
use coauth_tests::fixture::*;
use coauth_tests::mock::{Decision, Endpoint, MockIdp};
use coauth_tests::mock_oidc::{MockOidc, MockOidcConfig};
use coauth_tests::mock_provider::{MockConfig, MockProvider};
use futures_util::stream::{self, StreamExt};
use oidc_support::oidc_app;

/// The back-channel calls of each kind that `sign_in` makes: `(endpoint, calls)` for every
/// endpoint the mock counted, in `Endpoint::BACK_CHANNEL` order.
async fn calls_of(
    mock: &impl MockIdp,
    sign_in: impl std::future::Future<Output = ()>,
) -> Vec<(Endpoint, usize)> {
    let before: Vec<usize> = Endpoint::BACK_CHANNEL
        .iter()
        .map(|endpoint| mock.calls(*endpoint))
        .collect();
    sign_in.await;
    Endpoint::BACK_CHANNEL
        .iter()
        .zip(before)
        .map(|(endpoint, before)| (*endpoint, mock.calls(*endpoint) - before))
        .filter(|(_, calls)| *calls > 0)
        .collect()
}

#[tokio::test]
async fn oauth2_with_a_profile_makes_two_calls() {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let app = App::axum(
        app_builder("demo", mock_oauth2(&mock, &config))
            .build()
            .expect("a valid coauth configuration"),
        Transport::InProcess,
    )
    .await;
    for _ in 0..2 {
        let calls = calls_of(&mock, async {
            assert_ok(&app.sign_in("demo", &mock, Decision::Approve).await);
        })
        .await;
        assert_eq!(calls, [(Endpoint::Token, 1), (Endpoint::Profile, 1)]);
    }
}

/// An OpenID provider found by discovery, with or without its userinfo call.
async fn oidc(userinfo: bool) -> (MockOidc, App) {
    let mock = MockOidc::start(MockOidcConfig::default()).await;
    let mut provider =
        Oidc::new(mock.issuer(), "oidc-client", "oidc-secret").allow_http_loopback(true);
    provider.config_mut().fetch_userinfo = userinfo;
    let app = oidc_app("oidc", provider.build()).await;
    (mock, app)
}

#[tokio::test]
async fn openid_connect_with_the_id_token_alone_makes_one_call_once_cached() {
    let (mock, app) = oidc(false).await;
    let sign_in = || async {
        assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    };
    // The first sign-in discovers the provider and fetches its keys.
    assert_eq!(
        calls_of(&mock, sign_in()).await,
        [
            (Endpoint::Discovery, 1),
            (Endpoint::Token, 1),
            (Endpoint::Jwks, 1)
        ]
    );
    for _ in 0..3 {
        assert_eq!(calls_of(&mock, sign_in()).await, [(Endpoint::Token, 1)]);
    }
}

#[tokio::test]
async fn openid_connect_with_userinfo_makes_two_calls_once_cached() {
    let (mock, app) = oidc(true).await;
    let sign_in = || async {
        assert_ok(&app.sign_in("oidc", &mock, Decision::Approve).await);
    };
    assert_eq!(
        calls_of(&mock, sign_in()).await,
        [
            (Endpoint::Discovery, 1),
            (Endpoint::Token, 1),
            (Endpoint::Jwks, 1),
            (Endpoint::Profile, 1)
        ]
    );
    for _ in 0..3 {
        assert_eq!(
            calls_of(&mock, sign_in()).await,
            [(Endpoint::Token, 1), (Endpoint::Profile, 1)]
        );
    }
}

/// How many sign-ins each connection test makes, and how many run at once in the
/// concurrent one.
const SIGN_INS: usize = 1000;
const IN_FLIGHT: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sign_ins_reuse_the_provider_connections() {
    let config = MockConfig::default();
    let mock = MockProvider::start(config.clone()).await;
    let app = App::axum(
        app_builder("demo", mock_oauth2(&mock, &config))
            .build()
            .expect("a valid coauth configuration"),
        Transport::InProcess,
    )
    .await;
    let sign_in = || async {
        assert_ok(&app.sign_in("demo", &mock, Decision::Approve).await);
    };
    // One after the other: one connection, kept alive for every token and profile call,
    // and a few more at most: hyper's pool hands a connection back from a task of its own
    // once the response has been read, and a call that finds no idle connection in that
    // moment starts another (and takes whichever is ready first). How often that happens
    // depends on the scheduler (1 on a quiet machine, 3 on a loaded one); without
    // keep-alive it would be 2,000.
    for _ in 0..SIGN_INS {
        sign_in().await;
    }
    let sequential = mock.client_connections();
    assert_eq!(mock.calls(Endpoint::Token), SIGN_INS);
    assert_eq!(mock.calls(Endpoint::Profile), SIGN_INS);
    assert!(
        sequential <= 4,
        "{sequential} connections for {SIGN_INS} sequential sign-ins"
    );
    // 64 at a time: at most one connection per call in flight, whatever the number of
    // sign-ins.
    stream::iter(0..SIGN_INS)
        .for_each_concurrent(IN_FLIGHT, |_| sign_in())
        .await;
    // The connections opened for them (the one kept from the sequential sign-ins may serve
    // some of these as well): about one per call in flight, never one per sign-in. A few
    // more than IN_FLIGHT can happen: when a call finds no idle connection the pool starts
    // a new one, and if another call returns its connection first, the waiting call takes
    // that and the new connection joins the pool anyway.
    let concurrent = mock.client_connections() - sequential;
    assert_eq!(mock.calls(Endpoint::Token), 2 * SIGN_INS);
    assert!(
        concurrent <= IN_FLIGHT + IN_FLIGHT / 4,
        "{concurrent} new connections for {SIGN_INS} sign-ins, {IN_FLIGHT} at a time"
    );
    println!(
        "client connections: {sequential} for {SIGN_INS} sequential sign-ins, {concurrent} new \
         for {SIGN_INS} more, {IN_FLIGHT} at a time"
    );
}
