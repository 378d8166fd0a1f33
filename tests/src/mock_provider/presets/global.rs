//! The look-alikes of providers outside Russia: Facebook, X, Discord, GitLab, Spotify,
//! Twitch, Reddit, Dropbox, Bitbucket, Amazon and Yahoo.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use hmac::{Hmac, Mac};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Value, json};
use sha2::Sha256;

use super::super::state::Shared;
use super::super::{MockUser, respond};
use super::{
    DISCORD_AVATAR_HASH, Issued, Preset, authorization, bearer_answer, begin, invalid_token,
    name_parts, numeric_id, token_user,
};

pub(super) fn token_answer(preset: Preset, issued: &Issued<'_>) -> Response {
    let user = issued.user;
    match preset {
        Preset::Facebook => respond::json(
            StatusCode::OK,
            &json!({"access_token": issued.access_token, "token_type": "bearer",
                    "expires_in": 5_183_944}),
        ),
        // Twitch answers the scope as a JSON array.
        Preset::Twitch => respond::json(
            StatusCode::OK,
            &json!({"access_token": issued.access_token, "refresh_token": issued.refresh_token,
                    "expires_in": 14_124, "token_type": "bearer",
                    "scope": issued.scope.unwrap_or("").split(' ').collect::<Vec<_>>()}),
        ),
        Preset::Dropbox => bearer_answer(
            issued,
            json!(14_400),
            json!({"account_id": dropbox_account_id(user), "uid": "12345"}),
        ),
        Preset::Yahoo => bearer_answer(issued, json!(3600), json!({"xoauth_yahoo_guid": user.id})),
        Preset::GitLab => bearer_answer(issued, json!(7200), json!({"created_at": 1_607_635_748})),
        _ => bearer_answer(issued, json!(3600), json!({})),
    }
}

pub(super) fn routes(preset: Preset, app: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    let path = preset.paths().userinfo;
    match preset {
        Preset::Facebook => app.route(path, get(facebook_me)),
        Preset::X => app.route(path, get(x_me)),
        Preset::Twitch => app.route(path, get(twitch_users)),
        Preset::Dropbox => app.route(path, post(dropbox_account)),
        Preset::Bitbucket => app
            .route(path, get(bearer_profile))
            .route(BITBUCKET_EMAILS, get(bitbucket_emails)),
        _ => app.route(path, get(bearer_profile)),
    }
}

/// The path of Bitbucket's email list.
pub(in super::super) const BITBUCKET_EMAILS: &str = "/2.0/user/emails";

fn query(uri: &Uri) -> HashMap<String, String> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// Counts the call, applies the fault, and finds the user of the bearer token.
async fn bearer_user(shared: &Shared, headers: &HeaderMap) -> Result<MockUser, Response> {
    if let Some(answer) = begin(shared).await {
        return Err(answer);
    }
    token_user(shared, authorization(headers, "bearer"))
        .ok_or_else(|| invalid_token("missing, unknown or malformed access token"))
}

/// The profiles that are one bearer-token GET, shaped per provider.
async fn bearer_profile(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let user = match bearer_user(&shared, &headers).await {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    let preset = match shared.settings.mode {
        super::super::Mode::Preset(preset) => preset,
        _ => return invalid_token("not a preset mode"),
    };
    let (first, last) = name_parts(&user);
    let body = match preset {
        Preset::Discord => json!({
            "id": user.id, "username": user.login, "global_name": user.name,
            "discriminator": "0", "avatar": DISCORD_AVATAR_HASH, "email": user.email,
            "verified": user.email_verified, "locale": "en-US", "mfa_enabled": false,
        }),
        Preset::GitLab => json!({
            "id": numeric_id(&user.id), "username": user.login, "name": user.name,
            "state": "active", "avatar_url": user.avatar_url, "web_url": user.profile_url,
            "email": user.email,
            "confirmed_at": if user.email_verified { json!("2012-05-23T09:05:22Z") } else { Value::Null },
        }),
        Preset::Spotify => json!({
            "id": user.login, "display_name": user.name, "email": user.email,
            "images": [{"url": user.avatar_url, "height": 300, "width": 300}],
            "external_urls": {"spotify": user.profile_url},
            "type": "user", "uri": format!("spotify:user:{}", user.login),
        }),
        // Reddit escapes `&` in image URLs as HTML does.
        Preset::Reddit => json!({
            "id": user.id, "name": user.login,
            "icon_img": format!("{}?width=256&amp;s=4f2a", user.avatar_url),
            "verified": user.email_verified, "created_utc": 1_136_073_600.0,
        }),
        Preset::Bitbucket => {
            let mut body = json!({
                "type": "user", "uuid": format!("{{{}}}", user.login),
                "display_name": user.name, "nickname": user.login,
                "links": {"avatar": {"href": user.avatar_url}, "html": {"href": user.profile_url}},
            });
            // A user with an empty id stands for an answer without `account_id`.
            if !user.id.is_empty() {
                body["account_id"] = json!(user.id);
            }
            body
        }
        Preset::Amazon => json!({"user_id": user.id, "name": user.name, "email": user.email}),
        Preset::Yahoo => json!({
            "sub": user.id, "name": user.name, "given_name": first, "family_name": last,
            "nickname": user.login, "email": user.email, "email_verified": user.email_verified,
            "picture": user.avatar_url, "locale": "en-US",
        }),
        _ => return invalid_token("no such profile in this mode"),
    };
    respond::json(StatusCode::OK, &body)
}

/// Facebook's `/me`: only the `fields` asked for, and `appsecret_proof` required (the app
/// has "Require App Secret" on).
async fn facebook_me(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap) -> Response {
    if let Some(answer) = begin(&shared).await {
        return answer;
    }
    let query = query(&uri);
    let token = authorization(&headers, "bearer").or(query.get("access_token").map(String::as_str));
    let graph_error = |message: &str, kind: &str, code: u16| {
        respond::json(
            StatusCode::BAD_REQUEST,
            &json!({"error": {"message": message, "type": kind, "code": code}}),
        )
    };
    let Some(user) = token_user(&shared, token) else {
        return graph_error("Invalid OAuth access token.", "OAuthException", 190);
    };
    let token = token.unwrap_or_default();
    let mut mac = Hmac::<Sha256>::new_from_slice(shared.settings.client_secret.as_bytes())
        .expect("HMAC takes any key");
    mac.update(token.as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    if query.get("appsecret_proof") != Some(&expected) {
        return graph_error(
            "Invalid appsecret_proof provided in the API argument",
            "GraphMethodException",
            100,
        );
    }
    let mut body = serde_json::Map::new();
    let fields = query.get("fields").map_or("id,name", String::as_str);
    for field in fields.split(',') {
        // Graph field modifiers: `picture.type(large)`, `picture.width(400)`.
        let (name, modifiers) = field.split_once('.').unwrap_or((field, ""));
        let value = match name {
            "id" => json!(user.id),
            "name" => json!(user.name),
            "email" => json!(user.email),
            "picture" => facebook_picture(&user, modifiers),
            _ => continue,
        };
        if !value.is_null() {
            body.insert(name.to_owned(), value);
        }
    }
    respond::json(StatusCode::OK, &Value::Object(body))
}

/// The size in pixels of the profile picture Graph answers for the `picture` field's
/// modifiers: 50 by default (`small`, `square`), 100 for `normal`, about 200 for `large`,
/// or the `width(n)` asked for.
fn facebook_picture_size(modifiers: &str) -> u32 {
    let mut size = 50;
    for modifier in modifiers.split('.').filter(|m| !m.is_empty()) {
        let Some((key, value)) = modifier.strip_suffix(')').and_then(|m| m.split_once('(')) else {
            continue;
        };
        size = match (key, value) {
            ("type", "normal") => 100,
            ("type", "large") => 200,
            ("type", _) => 50,
            ("width" | "height", pixels) => pixels.parse().unwrap_or(size),
            _ => size,
        };
    }
    size
}

/// The `picture` field: the user's picture (at least 200 px) when that large a picture was
/// asked for, else a small rendition at another URL.
fn facebook_picture(user: &MockUser, modifiers: &str) -> Value {
    let size = facebook_picture_size(modifiers);
    let url = if size >= 200 {
        user.avatar_url.clone()
    } else {
        format!("{}?width={size}&height={size}", user.avatar_url)
    };
    json!({"data": {"height": size, "is_silhouette": false, "url": url, "width": size}})
}

/// X's `/2/users/me`: `data`, with `profile_image_url` only when `user.fields` asks.
async fn x_me(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap) -> Response {
    let user = match bearer_user(&shared, &headers).await {
        Ok(user) => user,
        Err(_) => {
            return respond::json(
                StatusCode::UNAUTHORIZED,
                &json!({"title": "Unauthorized", "type": "about:blank", "status": 401,
                        "detail": "Unauthorized"}),
            );
        }
    };
    let mut data = json!({"id": user.id, "name": user.name, "username": user.login});
    let fields = query(&uri).get("user.fields").cloned().unwrap_or_default();
    if fields.split(',').any(|field| field == "profile_image_url") {
        data["profile_image_url"] = json!(user.avatar_url);
    }
    respond::json(StatusCode::OK, &json!({"data": data}))
}

/// Twitch's Helix `/users`: needs `Client-Id` (the token's client) besides the token.
async fn twitch_users(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let unauthorized = |message: &str| {
        respond::json(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "Unauthorized", "status": 401, "message": message}),
        )
    };
    let user = match bearer_user(&shared, &headers).await {
        Ok(user) => user,
        Err(_) => return unauthorized("Invalid OAuth token"),
    };
    let client_id = headers.get("client-id").and_then(|v| v.to_str().ok());
    if client_id != Some(shared.settings.client_id.as_str()) {
        return unauthorized("Client ID and OAuth token do not match");
    }
    respond::json(
        StatusCode::OK,
        &json!({"data": [{
            "id": user.id, "login": user.login, "display_name": user.name, "type": "",
            "broadcaster_type": "", "description": "", "profile_image_url": user.avatar_url,
            // Helix documents `email` as "the user's verified email address".
            "email": user.email.as_ref().filter(|_| user.email_verified),
            "created_at": "2016-12-14T20:32:28Z",
        }]}),
    )
}

/// Dropbox's `users/get_current_account`: an RPC endpoint, `POST` with no arguments.
async fn dropbox_account(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let user = match bearer_user(&shared, &headers).await {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let no_arguments = match content_type {
        None => body.is_empty(),
        Some(kind) => kind.starts_with("application/json") && body.as_ref() == b"null",
    };
    if method != Method::POST || !no_arguments {
        return respond::text(
            StatusCode::BAD_REQUEST,
            "Error in call to API function \"users/get_current_account\": request body: \
             could not decode input as JSON",
        );
    }
    let (first, last) = name_parts(&user);
    respond::json(
        StatusCode::OK,
        &json!({
            "account_id": dropbox_account_id(&user),
            "name": {"given_name": first, "surname": last, "familiar_name": first,
                     "display_name": user.name, "abbreviated_name": "AL"},
            "email": user.email, "email_verified": user.email_verified,
            "profile_photo_url": user.avatar_url, "disabled": false, "country": "GB",
            "locale": "en",
        }),
    )
}

/// Dropbox's account id for a mock user.
pub(in super::super) fn dropbox_account_id(user: &MockUser) -> String {
    format!("dbid:{}", user.id)
}

/// Bitbucket's `/2.0/user/emails`: a confirmed secondary address, then the primary one.
async fn bitbucket_emails(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let user = match bearer_user(&shared, &headers).await {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    let mut values = vec![
        json!({"type": "email", "is_primary": false, "is_confirmed": true,
        "email": format!("{}@old.example.test", user.login)}),
    ];
    if let Some(email) = &user.email {
        values.push(json!({"type": "email", "is_primary": true,
            "is_confirmed": user.email_verified, "email": email}));
    }
    respond::json(
        StatusCode::OK,
        &json!({"pagelen": 10, "size": values.len(), "page": 1, "values": values}),
    )
}
