//! coauth-core: the framework-neutral core of coauth, popup social sign-in for Rust web apps.
//!
//! A browser script ([`coauth_js`]) and the server resources made here speak one small JSON
//! protocol. Configure a [`Coauth`] with providers and allowed redirect URIs, turn it into
//! resources with [`ResourceCreator`], and mount those with the adapter crate of your web
//! framework (`coauth-axum`, ...).
//!
//! The server keeps nothing per pending sign-in: everything the second step needs travels in
//! an AEAD-sealed blob, bound to the browser by a cookie and to the provider by associated
//! data.

#![forbid(unsafe_code)]

mod config;
mod crypto;
mod error;
mod flow;
mod http_client;
#[cfg(feature = "hyper-client")]
mod hyper_client;
pub mod oauth1;
pub mod oauth2;
pub mod oidc;
pub mod presets;
mod protocol;
mod provider;
pub mod resources;
mod seal;
mod secret;

pub use config::{
    Clock, Coauth, CoauthBuilder, FnResultHook, FnSessionUser, MAX_FLOW_LIFETIME, MIN_SECRET_LEN,
    ResultHook, SessionUser, SystemClock, result_hook, session_user,
};
pub use crypto::pkce_challenge;
pub use error::{ConfigError, Error};
pub use flow::{AuthUrlOutcome, BINDING_COOKIE_LOOPBACK, BINDING_COOKIE_SECURE, RequestContext};
pub use http_client::{HttpClient, HttpError, OutboundPolicy};
#[cfg(feature = "hyper-client")]
pub use hyper_client::{HyperClient, HyperClientBuilder};
pub use protocol::{
    AuthOptions, AuthUrlRequest, AuthUrlResponse, Mode, ResultOptions, ResultRequest, parse_json,
};
pub use provider::{
    AuthResult, Credentials, FinishContext, Finished, OAUTH1_SEALED_TOKEN, Provider,
    RedirectBinding, StartContext, Started, User,
};
pub use resources::{Resource, ResourceCreator};
pub use secret::Secret;

pub use async_trait::async_trait;
pub use bytes;
pub use http;
/// The `url` crate, whose `Url` appears in [`Started`] and the engines' configurations.
pub use url;
