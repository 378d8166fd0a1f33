//! The provider look-alikes behind [`Mode::Preset`](super::Mode::Preset): each [`Preset`]
//! serves its provider's paths and mimics its token answer, its profile endpoint, the client
//! authentication it insists on, the way it wants the access token, its error bodies and the
//! shape in which it reports that the user said no.
//!
//! Written from the providers' documentation, independently of coauth-core's presets.

mod global;
mod ru;

use std::sync::Arc;

use axum::Router;
use axum::response::Response;
use http::header::AUTHORIZATION;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::state::Shared;
use super::{ClientAuth, MockUser, Paths, respond};
use crate::mock::{self, Endpoint};

/// A provider the mock can imitate (see [`Mode::Preset`](super::Mode::Preset)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// Facebook Login and the Graph API (`/v23.0/...`): `fields=` (with field modifiers:
    /// `picture` is 50 px unless `picture.type(large)` or `picture.width(n)` asks for more)
    /// and `appsecret_proof` on `/me`, denial as `error_code=200&error_message=...`.
    Facebook,
    /// X OAuth 2.0: PKCE required, Basic plus `client_id` in the body, `data.*` profile.
    X,
    /// Discord: avatar hashes, `global_name`, `verified`.
    Discord,
    /// GitLab: `/api/v4/user` with a numeric id and `confirmed_at`.
    GitLab,
    /// Spotify: `/v1/me` with `images` and `external_urls`.
    Spotify,
    /// Twitch: credentials in the body, `scope` as a JSON array, `{status,message}` errors,
    /// Helix needs `Client-Id`, and its `email` is only ever a verified one.
    Twitch,
    /// Reddit: Basic only, errors with HTTP 200, HTML-escaped `icon_img`.
    Reddit,
    /// Dropbox: the profile is a `POST` without a body.
    Dropbox,
    /// Bitbucket: the email only from `/2.0/user/emails` (`/2.0/user` without `account_id`
    /// for a user whose id is empty).
    Bitbucket,
    /// Login with Amazon: `/user/profile` with `user_id`.
    Amazon,
    /// Yahoo: PKCE required, OpenID Connect style userinfo.
    Yahoo,
    /// VK (legacy): `email` and `user_id` only in the token answer, `v=` required, API
    /// errors with HTTP 200.
    Vk,
    /// VK ID: public client, PKCE required, `device_id` from the redirect required (with
    /// `state`) at the token endpoint, `POST /oauth2/user_info`.
    VkId,
    /// Yandex: `Authorization: OAuth <token>` on `/info`, `default_avatar_id`.
    Yandex,
    /// Mail.ru: `/userinfo?access_token=...` (without `id` for a user whose id is empty).
    MailRu,
    /// Odnoklassniki: `fb.do` calls signed with MD5, errors with HTTP 200.
    Odnoklassniki,
}

/// Every preset, for tests that go through all of them.
pub const ALL_PRESETS: [Preset; 16] = [
    Preset::Facebook,
    Preset::X,
    Preset::Discord,
    Preset::GitLab,
    Preset::Spotify,
    Preset::Twitch,
    Preset::Reddit,
    Preset::Dropbox,
    Preset::Bitbucket,
    Preset::Amazon,
    Preset::Yahoo,
    Preset::Vk,
    Preset::VkId,
    Preset::Yandex,
    Preset::MailRu,
    Preset::Odnoklassniki,
];

/// The Discord avatar hash the mock reports for every user.
pub const DISCORD_AVATAR_HASH: &str = "8342729096ea3675442027381ff50dfe";
/// The Yandex `default_avatar_id` the mock reports for every user.
pub const YANDEX_AVATAR_ID: &str = "131652443/kJGIZX9C3GZZ9RhTmORXxl2D0-1";
/// The Graph API version in the Facebook look-alike's paths.
pub const FACEBOOK_VERSION: &str = "v23.0";
/// The Odnoklassniki app's public key the mock expects as `application_key`.
pub const OK_APPLICATION_KEY: &str = "CBAMOCKABABABABA";

impl Preset {
    pub(super) fn paths(self) -> Paths {
        let (authorize, token, userinfo) = match self {
            Preset::Facebook => (
                "/v23.0/dialog/oauth",
                "/v23.0/oauth/access_token",
                "/v23.0/me",
            ),
            Preset::X => ("/i/oauth2/authorize", "/2/oauth2/token", "/2/users/me"),
            Preset::Discord => ("/oauth2/authorize", "/api/oauth2/token", "/api/users/@me"),
            Preset::GitLab => ("/oauth/authorize", "/oauth/token", "/api/v4/user"),
            Preset::Spotify => ("/authorize", "/api/token", "/v1/me"),
            Preset::Twitch => ("/oauth2/authorize", "/oauth2/token", "/helix/users"),
            Preset::Reddit => ("/api/v1/authorize", "/api/v1/access_token", "/api/v1/me"),
            Preset::Dropbox => (
                "/oauth2/authorize",
                "/oauth2/token",
                "/2/users/get_current_account",
            ),
            Preset::Bitbucket => (
                "/site/oauth2/authorize",
                "/site/oauth2/access_token",
                "/2.0/user",
            ),
            Preset::Amazon => ("/ap/oa", "/auth/o2/token", "/user/profile"),
            Preset::Yahoo => (
                "/oauth2/request_auth",
                "/oauth2/get_token",
                "/openid/v1/userinfo",
            ),
            Preset::Vk => ("/authorize", "/access_token", "/method/users.get"),
            Preset::VkId => ("/authorize", "/oauth2/auth", "/oauth2/user_info"),
            Preset::Yandex => ("/authorize", "/token", "/info"),
            Preset::MailRu => ("/login", "/token", "/userinfo"),
            Preset::Odnoklassniki => ("/oauth/authorize", "/oauth/token.do", "/fb.do"),
        };
        Paths {
            authorize,
            token,
            userinfo,
        }
    }

    /// Whether the authorization request must carry a PKCE challenge (otherwise PKCE is
    /// checked only when the client used it).
    pub(super) fn pkce_required(self) -> bool {
        // Yahoo refuses authorization requests without a code challenge (since 2023).
        matches!(self, Preset::X | Preset::VkId | Preset::Yahoo)
    }

    /// The client authentication the token endpoint insists on.
    pub(super) fn client_auth(self) -> ClientAuth {
        match self {
            Preset::X => ClientAuth::BasicWithClientId,
            Preset::Reddit => ClientAuth::Basic,
            Preset::VkId => ClientAuth::Public,
            Preset::Facebook
            | Preset::Twitch
            | Preset::Amazon
            | Preset::Vk
            | Preset::Odnoklassniki => ClientAuth::Post,
            Preset::Discord
            | Preset::GitLab
            | Preset::Spotify
            | Preset::Dropbox
            | Preset::Bitbucket
            | Preset::Yahoo
            | Preset::Yandex
            | Preset::MailRu => ClientAuth::Any,
        }
    }

    /// The redirect parameters (besides `state`) that say the user refused.
    pub(super) fn denial(self) -> Vec<(&'static str, &'static str)> {
        let described = |description| {
            vec![
                ("error", "access_denied"),
                ("error_description", description),
            ]
        };
        match self {
            // Facebook's other shape (passport-facebook): no `error` at all.
            Preset::Facebook => vec![
                ("error_code", "200"),
                ("error_message", "Permissions error"),
            ],
            Preset::Vk => vec![
                ("error", "access_denied"),
                ("error_reason", "user_denied"),
                ("error_description", "User denied your request"),
            ],
            Preset::Discord | Preset::GitLab => {
                described("The resource owner or authorization server denied the request.")
            }
            Preset::Twitch => described("The user denied you access"),
            Preset::Dropbox => {
                described("The user chose not to give your app access to their Dropbox account.")
            }
            Preset::Amazon => described("The user has denied the requested scope"),
            Preset::VkId | Preset::Yandex | Preset::MailRu => described("User denied access"),
            Preset::X
            | Preset::Spotify
            | Preset::Reddit
            | Preset::Bitbucket
            | Preset::Yahoo
            | Preset::Odnoklassniki => vec![("error", "access_denied")],
        }
    }

    /// Parameters the provider adds to a successful redirect (VK ID's `device_id`).
    pub(super) fn approval_params(
        self,
        code: &str,
        state: Option<&str>,
    ) -> Vec<(&'static str, String)> {
        match self {
            Preset::VkId => ru::vk_id_approval(code, state),
            _ => Vec::new(),
        }
    }

    /// Checks what the provider requires of a token request beyond client authentication
    /// and the code itself (VK ID: `device_id` and `state` from the redirect).
    pub(super) fn check_token_request(
        self,
        code: &str,
        form: &super::params::Params,
    ) -> Result<(), String> {
        match self {
            Preset::VkId => ru::vk_id_check_token_request(code, form),
            _ => Ok(()),
        }
    }

    /// The token endpoint's answer for issued tokens.
    pub(super) fn token_answer(self, issued: &Issued<'_>) -> Response {
        match self {
            Preset::Vk | Preset::VkId | Preset::Yandex | Preset::MailRu | Preset::Odnoklassniki => {
                ru::token_answer(self, issued)
            }
            _ => global::token_answer(self, issued),
        }
    }

    /// The token endpoint's answer for a refused request, in the provider's shape.
    pub(super) fn token_error(
        self,
        error: &str,
        status: StatusCode,
        description: &str,
    ) -> Response {
        match self {
            Preset::Twitch => respond::json(
                status,
                &json!({"status": status.as_u16(), "message": description}),
            ),
            Preset::Facebook => respond::json(
                StatusCode::BAD_REQUEST,
                &json!({"error": {"message": description, "type": "OAuthException", "code": 100}}),
            ),
            // Reddit answers refused token requests with HTTP 200.
            Preset::Reddit => respond::json(StatusCode::OK, &json!({"error": error})),
            Preset::Vk => respond::json(
                StatusCode::UNAUTHORIZED,
                &json!({"error": error, "error_description": description}),
            ),
            _ => respond::json(
                status,
                &json!({"error": error, "error_description": description}),
            ),
        }
    }

    /// Adds the profile routes.
    pub(super) fn routes(self, app: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
        match self {
            Preset::Vk | Preset::VkId | Preset::Yandex | Preset::MailRu | Preset::Odnoklassniki => {
                ru::routes(self, app)
            }
            _ => global::routes(self, app),
        }
    }
}

/// What the token endpoint issued, for [`Preset::token_answer`].
pub(super) struct Issued<'a> {
    pub(super) access_token: &'a str,
    pub(super) refresh_token: &'a str,
    pub(super) scope: Option<&'a str>,
    pub(super) user: &'a MockUser,
}

/// Counts a profile call and applies the injected fault (the answer to send instead).
async fn begin(shared: &Shared) -> Option<Response> {
    shared.endpoints.count(Endpoint::Profile);
    mock::apply_fault(shared.endpoints.fault(Endpoint::Profile)).await
}

/// The user an access token was issued for.
fn token_user(shared: &Shared, token: Option<&str>) -> Option<MockUser> {
    let token = token.filter(|token| !token.is_empty())?;
    shared.lock().access_tokens.get(token).cloned()
}

/// The token of `Authorization: <scheme> <token>`; the scheme is compared case-insensitively.
fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (given, token) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then_some(token.trim())
}

/// `401` with an OAuth-style error body, what most APIs answer to a bad token.
fn invalid_token(message: &str) -> Response {
    respond::json(
        StatusCode::UNAUTHORIZED,
        &json!({"error": "invalid_token", "error_description": message}),
    )
}

/// A numeric id as a JSON number (providers with numeric ids), else a string.
fn numeric_id(id: &str) -> Value {
    id.parse::<u64>()
        .map_or_else(|_| json!(id), |number| json!(number))
}

/// The name's first word and the rest.
fn name_parts(user: &MockUser) -> (String, String) {
    match user.name.split_once(' ') {
        Some((first, last)) => (first.to_owned(), last.to_owned()),
        None => (user.name.clone(), String::new()),
    }
}

/// The common token answer: JSON with a bearer token, its lifetime, the refresh token and
/// the scope, plus `extra` fields.
fn bearer_answer(issued: &Issued<'_>, expires_in: Value, extra: Value) -> Response {
    let mut body = json!({
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "refresh_token": issued.refresh_token,
    });
    if let Some(scope) = issued.scope {
        body["scope"] = json!(scope);
    }
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    respond::json(StatusCode::OK, &body)
}
