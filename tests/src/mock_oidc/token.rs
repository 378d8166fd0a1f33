//! The mock's back channel: client authentication, the token endpoint with the ID tokens it
//! signs (good or forged), and userinfo.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use super::keys::{self, b64};
use super::server::{Shared, get_field, json_response, now, pairs, random};
use super::{ClientAuthMode, Forge, OidcUser, Quirks, TokenRequest};
use crate::mock::{self, Endpoint};
use crate::mock_provider::declared::document::place;
use coauth_core::presets::spec::{EmailVerified, UserFields};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A token endpoint error, in the provider's shape.
fn token_error(shared: &Shared, error: &str) -> Response {
    if shared.config.quirks == Quirks::Slack {
        return json_response(StatusCode::OK, &json!({"ok": false, "error": error}));
    }
    json_response(StatusCode::BAD_REQUEST, &json!({"error": error}))
}

/// Checks a client-signed JWT's standard claims.
fn check_client_jwt(
    claims: &Value,
    iss: &str,
    sub: &str,
    audiences: &[String],
) -> Result<(), String> {
    let aud_ok = match &claims["aud"] {
        Value::String(aud) => audiences.contains(aud),
        Value::Array(items) => items
            .iter()
            .any(|a| a.as_str().is_some_and(|a| audiences.iter().any(|x| x == a))),
        _ => false,
    };
    if claims["iss"] != iss || claims["sub"] != sub || !aud_ok {
        return Err("iss, sub or aud is wrong".into());
    }
    if claims["exp"].as_u64().is_none_or(|exp| exp <= now()) {
        return Err("expired or without exp".into());
    }
    Ok(())
}

fn authenticate(
    shared: &Shared,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<(), String> {
    let config = &shared.config;
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let field = |name| get_field(form, name);
    if let Quirks::Apple { team_key, team_id } = &config.quirks {
        let secret = field("client_secret").ok_or("client_secret is required")?;
        let claims = keys::verify_jws(secret, team_key)?;
        return check_client_jwt(&claims, team_id, &config.client_id, &[shared.issuer()]);
    }
    match &config.client_auth {
        ClientAuthMode::Basic => {
            let encoded = basic
                .and_then(|v| v.strip_prefix("Basic "))
                .ok_or("Basic auth is required")?;
            let decoded = STANDARD.decode(encoded).map_err(|_| "bad Basic")?;
            let decoded = String::from_utf8(decoded).map_err(|_| "bad Basic")?;
            let (id, secret) = decoded.split_once(':').ok_or("bad Basic")?;
            let unescape = |s: &str| -> String {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            if field("client_secret").is_some() {
                return Err("the secret was sent twice".into());
            }
            if unescape(id) != config.client_id || unescape(secret) != config.client_secret {
                return Err("wrong client credentials".into());
            }
            Ok(())
        }
        ClientAuthMode::Post => {
            if basic.is_some() {
                return Err("client_secret_post only".into());
            }
            if field("client_id") != Some(&config.client_id)
                || field("client_secret") != Some(&config.client_secret)
            {
                return Err("wrong client credentials".into());
            }
            Ok(())
        }
        ClientAuthMode::PrivateKeyJwt(jwk) => {
            if basic.is_some() || field("client_secret").is_some() {
                return Err("private_key_jwt only".into());
            }
            if field("client_assertion_type") != Some(JWT_BEARER) {
                return Err("client_assertion_type must be jwt-bearer".into());
            }
            let assertion = field("client_assertion").ok_or("client_assertion is required")?;
            let claims = keys::verify_jws(assertion, jwk)?;
            let audiences = [shared.url(&shared.paths().token), shared.issuer()];
            check_client_jwt(&claims, &config.client_id, &config.client_id, &audiences)?;
            let jti = claims["jti"].as_str().ok_or("jti is required")?.to_owned();
            let mut state = shared.lock();
            if state.used_jtis.contains(&jti) {
                return Err("the assertion was replayed".into());
            }
            state.used_jtis.push(jti);
            Ok(())
        }
    }
}

pub(super) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.endpoints.count(Endpoint::Token);
    let form = pairs(&body);
    shared.lock().last_token_request = Some(TokenRequest {
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        form: form.clone(),
    });
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Token)).await {
        return answer;
    }
    if authenticate(&shared, &headers, &form).is_err() {
        return token_error(&shared, "invalid_client");
    }
    let field = |name| get_field(&form, name);
    let nonce = match field("grant_type") {
        Some("authorization_code") => {
            let Some(grant) = field("code").and_then(|code| shared.lock().codes.remove(code))
            else {
                return token_error(&shared, "invalid_grant");
            };
            if field("redirect_uri") != Some(grant.redirect_uri.as_str()) {
                return token_error(&shared, "invalid_grant");
            }
            if let Some(challenge) = &grant.challenge {
                let verified = field("code_verifier").is_some_and(|verifier| {
                    b64(ring::digest::digest(
                        &ring::digest::SHA256,
                        verifier.as_bytes(),
                    )) == *challenge
                });
                if !verified {
                    return token_error(&shared, "invalid_grant");
                }
            }
            grant.nonce
        }
        Some("refresh_token") => {
            let known = field("refresh_token")
                .is_some_and(|token| shared.lock().refresh_tokens.iter().any(|t| t == token));
            if !known {
                return token_error(&shared, "invalid_grant");
            }
            None
        }
        _ => return token_error(&shared, "unsupported_grant_type"),
    };
    let access_token = random();
    let refresh_token = random();
    let id_token = mint_id_token(&shared, nonce.as_deref());
    let mut answer = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": refresh_token,
        "id_token": id_token,
        "scope": "openid profile email",
    });
    if shared.config.quirks == Quirks::Slack {
        answer["ok"] = true.into();
    }
    // Google and LinkedIn keep the refresh token: their refresh answers carry none.
    let keeps_refresh_token = matches!(shared.config.quirks, Quirks::Google | Quirks::LinkedIn);
    if field("grant_type") == Some("refresh_token")
        && keeps_refresh_token
        && let Some(answer) = answer.as_object_mut()
    {
        answer.remove("refresh_token");
    }
    let mut state = shared.lock();
    state.access_tokens.push(access_token);
    state.refresh_tokens.push(refresh_token);
    drop(state);
    let mut response = json_response(StatusCode::OK, &answer);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The user's claims, in the imitated provider's shape.
fn user_claims(shared: &Shared) -> serde_json::Map<String, Value> {
    let user = &shared.config.user;
    let mut claims = json!({
        "sub": user.sub,
        "name": user.name(),
        "given_name": user.given_name,
        "family_name": user.family_name,
        "email": user.email,
        "email_verified": user.email_verified,
        "picture": user.picture,
        "preferred_username": user.preferred_username,
    });
    match &shared.config.quirks {
        Quirks::Google => {
            claims["hd"] = "example.test".into();
            claims["azp"] = shared.config.client_id.clone().into();
        }
        Quirks::Microsoft { tid } => {
            let object = claims.as_object_mut().expect("claims are an object");
            object.remove("email_verified");
            object.remove("picture");
            claims["tid"] = tid.clone().into();
            claims["oid"] = "00000000-0000-0000-66f3-3332eca7ea81".into();
            claims["ver"] = "2.0".into();
        }
        Quirks::Apple { .. } => {
            let object = claims.as_object_mut().expect("claims are an object");
            for name in [
                "name",
                "given_name",
                "family_name",
                "picture",
                "preferred_username",
            ] {
                object.remove(name);
            }
            claims["email_verified"] = user.email_verified.to_string().into();
            claims["is_private_email"] = "false".into();
        }
        Quirks::LinkedIn => claims["locale"] = json!({"country": "US", "language": "en"}),
        Quirks::Slack => {
            claims["https://slack.com/user_id"] = user.sub.clone().into();
            claims["https://slack.com/team_id"] = "T0MOCK".into();
            claims["https://slack.com/user_image_512"] = user.picture.clone().into();
        }
        Quirks::Declared { spec, .. } => place_declared(&mut claims, &spec.user, user),
        Quirks::Generic => {}
    }
    claims.as_object().cloned().unwrap_or_default()
}

/// The user's values also at the first pointer the declaration reads each field from (a
/// value already there stays).
fn place_declared(claims: &mut Value, fields: &UserFields, user: &OidcUser) {
    place(claims, fields.id, json!(user.sub));
    if let Some(pointer) = fields.name.first() {
        place(claims, pointer, json!(user.name()));
    }
    if let Some((first, last)) = fields.full_name {
        place(claims, first, json!(user.given_name));
        place(claims, last, json!(user.family_name));
    }
    if let Some(pointer) = fields.username.first() {
        place(claims, pointer, json!(user.preferred_username));
    }
    if let Some(pointer) = fields.email.first() {
        place(claims, pointer, json!(user.email));
    }
    if let Some(pointer) = fields.avatar.first() {
        place(claims, pointer, json!(user.picture));
    }
    if let EmailVerified::Field(pointer) = fields.email_verified {
        place(claims, pointer, json!(user.email_verified));
    }
}

fn mint_id_token(shared: &Shared, nonce: Option<&str>) -> String {
    let state = shared.lock();
    let now = shared.config.issued_at.unwrap_or_else(now);
    let mut claims = Value::Object(user_claims(shared));
    claims["iss"] = shared.token_issuer().into();
    claims["aud"] = shared.config.client_id.clone().into();
    claims["iat"] = now.into();
    claims["exp"] = (now + 600).into();
    claims["auth_time"] = now.into();
    if let Some(nonce) = nonce {
        claims["nonce"] = nonce.into();
    }
    for (name, value) in &state.extra_claims {
        claims[name] = value.clone();
    }
    let client = shared.config.client_id.clone();
    let object = claims.as_object_mut().expect("claims are an object");
    let header = json!({"kid": state.key.kid, "typ": "JWT"});
    match state.forge {
        Forge::WrongIssuer => drop(object.insert("iss".into(), "https://evil.example".into())),
        Forge::WrongAudience => drop(object.insert("aud".into(), "another-client".into())),
        Forge::SeveralAudiencesNoAzp => {
            object.insert("aud".into(), json!([client, "another-client"]));
            object.remove("azp");
        }
        Forge::SeveralAudiencesWrongAzp => {
            object.insert("aud".into(), json!([client, "another-client"]));
            object.insert("azp".into(), "another-client".into());
        }
        Forge::MissingExp => drop(object.remove("exp")),
        Forge::StringExp => drop(object.insert("exp".into(), (now + 600).to_string().into())),
        Forge::MissingIat => drop(object.remove("iat")),
        Forge::StringIat => drop(object.insert("iat".into(), now.to_string().into())),
        Forge::StringNbf => drop(object.insert("nbf".into(), now.to_string().into())),
        Forge::FutureNbf => drop(object.insert("nbf".into(), (now + 3600).into())),
        Forge::Expired => {
            object.insert("iat".into(), (now - 7200).into());
            object.insert("exp".into(), (now - 3600).into());
        }
        Forge::WrongNonce => drop(object.insert("nonce".into(), "not-the-nonce".into())),
        Forge::MissingNonce => drop(object.remove("nonce")),
        _ => {}
    }
    let attacker_header = |extra: Value| {
        let mut header = json!({"kid": state.attacker.kid, "typ": "JWT"});
        for (name, value) in extra.as_object().expect("header object") {
            header[name] = value.clone();
        }
        header
    };
    match state.forge {
        Forge::BadSignature => state.attacker.mint(header, &claims),
        Forge::AlgNone => keys::mint_unsigned(header, &claims),
        Forge::Hs256WithPublicKey => keys::mint_hs256(header, &claims, &state.key.public_bytes()),
        Forge::RandomKid => state
            .key
            .mint(json!({"kid": random(), "typ": "JWT"}), &claims),
        Forge::EmbeddedJwk => state.attacker.mint(
            attacker_header(json!({"jwk": state.attacker.jwk()})),
            &claims,
        ),
        Forge::Jku => state.attacker.mint(
            attacker_header(json!({"jku": shared.url("/attacker/jwks")})),
            &claims,
        ),
        Forge::X5u => state.attacker.mint(
            attacker_header(json!({"x5u": shared.url("/attacker/jwks")})),
            &claims,
        ),
        _ if shared
            .declared()
            .is_some_and(|spec| spec.hs256_client_secret) =>
        {
            keys::mint_hs256(
                json!({"typ": "JWT"}),
                &claims,
                shared.config.client_secret.as_bytes(),
            )
        }
        _ => state.key.mint(header, &claims),
    }
}

pub(super) async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    shared.endpoints.count(Endpoint::Profile);
    if let Some(answer) = mock::apply_fault(shared.endpoints.fault(Endpoint::Profile)).await {
        return answer;
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let known = token.is_some_and(|token| shared.lock().access_tokens.contains(&token));
    if !known {
        if shared.config.quirks == Quirks::Slack {
            return json_response(
                StatusCode::OK,
                &json!({"ok": false, "error": "invalid_auth"}),
            );
        }
        return json_response(StatusCode::UNAUTHORIZED, &json!({"error": "invalid_token"}));
    }
    let mut claims = user_claims(&shared);
    claims.extend(shared.lock().extra_claims.clone());
    if let Some(sub) = shared.lock().userinfo_sub.clone() {
        claims.insert("sub".into(), sub.into());
    }
    if shared.config.quirks == Quirks::Slack {
        claims.insert("ok".into(), true.into());
    }
    json_response(StatusCode::OK, &Value::Object(claims))
}
