//! The look-alikes of Russian providers: VK, VK ID, Yandex, Mail.ru and Odnoklassniki.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, StatusCode, Uri};
use md5::Md5;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::super::params::Params;
use super::super::respond;
use super::super::state::Shared;
use super::{
    Issued, OK_APPLICATION_KEY, Preset, YANDEX_AVATAR_ID, authorization, bearer_answer, begin,
    invalid_token, name_parts, numeric_id, token_user,
};

pub(super) fn token_answer(preset: Preset, issued: &Issued<'_>) -> Response {
    let user = issued.user;
    match preset {
        // VK puts the user's id and email into the token answer, and nowhere else.
        Preset::Vk => {
            let mut body = json!({"access_token": issued.access_token, "expires_in": 86_400,
                                  "user_id": numeric_id(&user.id)});
            if let Some(email) = &user.email {
                body["email"] = json!(email);
            }
            respond::json(StatusCode::OK, &body)
        }
        Preset::VkId => bearer_answer(
            issued,
            json!(3600),
            json!({"user_id": numeric_id(&user.id)}),
        ),
        // Odnoklassniki: a "session" token whose lifetime is a string.
        Preset::Odnoklassniki => respond::json(
            StatusCode::OK,
            &json!({"access_token": issued.access_token, "token_type": "session",
                    "refresh_token": issued.refresh_token, "expires_in": "1800"}),
        ),
        _ => bearer_answer(issued, json!(31_536_000), json!({})),
    }
}

pub(super) fn routes(preset: Preset, app: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    let path = preset.paths().userinfo;
    match preset {
        Preset::Vk => app.route(path, get(vk_users_get)),
        Preset::VkId => app.route(path, post(vk_id_user_info)),
        Preset::Yandex => app.route(path, get(yandex_info)),
        Preset::MailRu => app.route(path, get(mailru_userinfo)),
        _ => app.route(path, get(ok_api)),
    }
}

/// VK ID's `device_id` for a code: a hash of the code and the state, so the token endpoint
/// can check that both came from the same redirect without storing anything.
fn device_id(code: &str, state: &str) -> String {
    let digest = Sha256::digest(format!("{code}\n{state}").as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

pub(super) fn vk_id_approval(code: &str, state: Option<&str>) -> Vec<(&'static str, String)> {
    vec![
        ("device_id", device_id(code, state.unwrap_or(""))),
        ("type", "code_v2".to_owned()),
    ]
}

pub(super) fn vk_id_check_token_request(code: &str, form: &Params) -> Result<(), String> {
    let state = form.get("state").ok_or("state is required")?;
    let device = form.get("device_id").ok_or("device_id is required")?;
    if device != device_id(code, state) {
        return Err("device_id or state does not belong to this code".into());
    }
    Ok(())
}

fn query(uri: &Uri) -> HashMap<String, String> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// VK's `users.get`: the token in `access_token`, `v` required, errors with HTTP 200.
async fn vk_users_get(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    if let Some(answer) = begin(&shared).await {
        return answer;
    }
    let query = query(&uri);
    let vk_error = |code: u16, message: &str| {
        respond::json(
            StatusCode::OK,
            &json!({"error": {"error_code": code, "error_msg": message, "request_params": []}}),
        )
    };
    let Some(user) = token_user(&shared, query.get("access_token").map(String::as_str)) else {
        return vk_error(5, "User authorization failed: invalid access_token (4).");
    };
    if query.get("v").is_none_or(String::is_empty) {
        return vk_error(8, "Invalid request: v (version) is required");
    }
    let (first, last) = name_parts(&user);
    let mut person = json!({"id": numeric_id(&user.id), "first_name": first, "last_name": last,
                            "can_access_closed": true, "is_closed": false});
    let fields = query.get("fields").cloned().unwrap_or_default();
    for field in fields.split(',') {
        match field {
            "screen_name" => person["screen_name"] = json!(user.login),
            "photo_100" => person["photo_100"] = json!(user.avatar_url),
            _ => {}
        }
    }
    respond::json(StatusCode::OK, &json!({"response": [person]}))
}

/// VK ID's `POST /oauth2/user_info` with `client_id` and `access_token` in the form.
async fn vk_id_user_info(State(shared): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    if let Some(answer) = begin(&shared).await {
        return answer;
    }
    let Ok(form) = Params::parse(&body) else {
        return respond::json(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_request"}),
        );
    };
    if form.get("client_id") != Some(shared.settings.client_id.as_str()) {
        return respond::json(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_client", "error_description": "client_id is missing or unknown"}),
        );
    }
    let Some(user) = token_user(&shared, form.get("access_token")) else {
        return respond::json(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "invalid_token", "error_description": "access_token is missing or invalid"}),
        );
    };
    let (first, last) = name_parts(&user);
    respond::json(
        StatusCode::OK,
        &json!({"user": {"user_id": user.id, "first_name": first, "last_name": last,
                         "avatar": user.avatar_url, "email": user.email, "sex": 1,
                         "verified": false, "birthday": "10.12.1815"}}),
    )
}

/// Yandex's `/info`: only `Authorization: OAuth <token>` (or `oauth_token=`).
async fn yandex_info(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap) -> Response {
    if let Some(answer) = begin(&shared).await {
        return answer;
    }
    let query = query(&uri);
    let token = authorization(&headers, "oauth").or(query.get("oauth_token").map(String::as_str));
    let Some(user) = token_user(&shared, token) else {
        return respond::text(StatusCode::UNAUTHORIZED, "Missing or invalid OAuth token");
    };
    let (first, last) = name_parts(&user);
    respond::json(
        StatusCode::OK,
        &json!({
            "id": user.id, "login": user.login, "client_id": shared.settings.client_id,
            "display_name": user.name, "real_name": user.name, "first_name": first,
            "last_name": last, "default_email": user.email,
            "emails": user.email.iter().collect::<Vec<_>>(),
            "default_avatar_id": YANDEX_AVATAR_ID, "is_avatar_empty": false,
            "psuid": "1.AAceCw.tbHgw5DtJ9_zeqPrk-Ba2w.qPWSRC5v2t2IaksPJgnge",
        }),
    )
}

/// Mail.ru's `/userinfo?access_token=...`.
async fn mailru_userinfo(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    if let Some(answer) = begin(&shared).await {
        return answer;
    }
    let query = query(&uri);
    let Some(user) = token_user(&shared, query.get("access_token").map(String::as_str)) else {
        return invalid_token("token not found or expired");
    };
    let (first, last) = name_parts(&user);
    let mut body = json!({"id": user.id, "client_id": shared.settings.client_id, "gender": "f",
                          "name": user.name, "nickname": user.login, "locale": "ru_RU",
                          "first_name": first, "last_name": last, "email": user.email,
                          "birthday": "10.12.1815", "image": user.avatar_url});
    // A user with an empty id stands for an answer without `id`.
    if user.id.is_empty()
        && let Some(body) = body.as_object_mut()
    {
        body.remove("id");
    }
    respond::json(StatusCode::OK, &body)
}

/// Odnoklassniki's `fb.do`: `application_key` and an MD5 signature over the other
/// parameters, errors with HTTP 200.
async fn ok_api(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    if let Some(answer) = begin(&shared).await {
        return answer;
    }
    let query = query(&uri);
    let ok_error = |code: u16, message: &str| {
        respond::json(
            StatusCode::OK,
            &json!({"error_code": code, "error_msg": message, "error_data": null}),
        )
    };
    if query.get("application_key").map(String::as_str) != Some(OK_APPLICATION_KEY) {
        return ok_error(101, "PARAM_API_KEY : Application key is missing or invalid");
    }
    let Some(token) = query.get("access_token") else {
        return ok_error(102, "PARAM_SESSION_EXPIRED : Session expired");
    };
    let Some(user) = token_user(&shared, Some(token)) else {
        return ok_error(102, "PARAM_SESSION_EXPIRED : Session expired");
    };
    let session_secret = hex_md5(&format!("{token}{}", shared.settings.client_secret));
    let mut signed: Vec<String> = query
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "sig" | "access_token"))
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    signed.sort();
    let expected = hex_md5(&format!("{}{session_secret}", signed.concat()));
    if query.get("sig") != Some(&expected) {
        return ok_error(104, "PARAM_SIGNATURE : Invalid signature");
    }
    if query.get("method").map(String::as_str) != Some("users.getCurrentUser") {
        return ok_error(3, "METHOD : Method is unknown");
    }
    let (first, last) = name_parts(&user);
    let all = json!({"uid": user.id, "name": user.name, "first_name": first,
                     "last_name": last, "email": user.email, "pic190x190": user.avatar_url});
    let fields = query.get("fields").cloned().unwrap_or_default();
    let body: serde_json::Map<String, Value> = fields
        .split(',')
        .filter_map(|field| Some((field.to_owned(), all.get(field)?.clone())))
        .filter(|(_, value)| !value.is_null())
        .collect();
    respond::json(StatusCode::OK, &Value::Object(body))
}

fn hex_md5(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
