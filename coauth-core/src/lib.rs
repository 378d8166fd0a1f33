#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod aead;
mod clock;
mod config;
mod cookie;
mod crypto;
#[cfg(test)]
mod debug_tests;
mod early;
#[cfg(feature = "env")]
pub mod env;
mod error;
mod error_hook;
mod failure;
mod flow;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod http_client;
#[cfg(feature = "hyper-client")]
mod hyper_client;
#[cfg(feature = "oidc")]
pub mod jose;
mod net;
#[cfg(feature = "oauth1")]
pub mod oauth1;
pub mod oauth2;
#[cfg(feature = "oidc")]
pub mod oidc;
#[cfg(feature = "presets")]
pub mod presets;
mod protocol;
mod provider;
pub mod resources;
mod seal;
mod secret;
mod session;
mod token;
mod trace;

pub use clock::{Clock, SystemClock};
pub use config::{
    Coauth, CoauthBuilder, FnResultHook, FnSessionUser, MAX_FLOW_LIFETIME, MIN_SECRET_LEN,
    ResultHook, SessionUser, result_hook, session_user,
};
pub use crypto::pkce_challenge;
pub use error::{ConfigError, Error};
pub use error_hook::{ErrorEvent, ErrorHook, Step};
pub use failure::{DenialRule, OAUTH1_DENIALS, STANDARD_DENIALS};
pub use flow::{AuthUrlOutcome, BINDING_COOKIE_LOOPBACK, BINDING_COOKIE_SECURE, RequestContext};
pub use http_client::{HttpClient, HttpError, HttpErrorDetail, OutboundPolicy};
#[cfg(feature = "hyper-client")]
pub use hyper_client::{HyperClient, HyperClientBuilder, ProxyConfig, Roots};
pub use protocol::{
    AuthOptions, AuthUrlRequest, AuthUrlResponse, MAX_IDENTITY_BYTES, Mode, ResultOptions,
    ResultRequest, parse_json,
};
pub use provider::{
    AuthResult, Credentials, FinishContext, Finished, IntoProvider, Provider, StartContext,
    Started, User,
};
pub use resources::{Resource, ResourceCreator};
pub use secret::Secret;
pub use session::{
    MAX_SESSION_COOKIE_BYTES, MAX_SESSION_LIFETIME, SESSION_COOKIE_LOOPBACK, SESSION_COOKIE_SECURE,
    Session, SessionClaims, SessionRefusal, Sessions, UserField,
};

pub use async_trait::async_trait;
pub use bytes;
pub use http;
/// The `url` crate, whose `Url` appears in [`Started`] and the engines' configurations.
pub use url;
