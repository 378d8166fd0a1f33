use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Request, Response};
use serde_json::json;

use super::*;
use crate::protocol::{AuthOptions, ResultOptions};
use crate::provider::{FinishContext, Provider, StartContext};
use crate::{HttpError, SystemClock};

const EXAMPLE: OAuth2Preset = OAuth2Preset {
    name: "Example",
    web: "https://www.example.com",
    api: "https://api.example.com",
    authorize: web("/{version}/authorize"),
    token: api("/oauth/token"),
    scopes: &["a", "b"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    authorize_params: &[("display", "popup"), ("app", "{client_id}")],
    vars: &[("version", "v1")],
    profile: ProfileCall {
        query: &[("fields", "id,name"), ("v", "{version}")],
        headers: &[("client-id", "{client_id}")],
        user_at: "/data/0",
        ..ProfileCall::bearer_get(api("/{version}/me"))
    },
    user: UserFields {
        name: &["/display_name", "/login"],
        username: &["/login"],
        email: &["/email"],
        email_verified: EmailVerified::Field("/verified"),
        avatar: &["/picture/url"],
        profile_url: ProfileUrl::Template("https://example.com/u/{/login}"),
        ..UserFields::id("/id")
    },
    ..OAuth2Preset::DEFAULT
};

#[test]
fn users_are_read_from_their_pointers() {
    let user = map_user(
        &EXAMPLE.user,
        &json!({"id": 42, "login": "ada", "email": "a@x.test", "verified": "true",
                "picture": {"url": "https://x/p.png"}}),
    )
    .unwrap();
    assert_eq!(user.id, "42");
    // The first present name wins: no display_name, so the login.
    assert_eq!(user.name.as_deref(), Some("ada"));
    assert_eq!(user.email_verified, Some(true));
    assert_eq!(user.avatar_url.as_deref(), Some("https://x/p.png"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://example.com/u/ada")
    );
    // No id, no user: an empty id is no id either.
    assert!(map_user(&EXAMPLE.user, &json!({"login": "ada"})).is_none());
    assert!(map_user(&EXAMPLE.user, &json!({"id": ""})).is_none());
    // Without the template's value there is no profile URL; without an email no verdict.
    let user = map_user(&EXAMPLE.user, &json!({"id": 1, "verified": true})).unwrap();
    assert_eq!(user.profile_url, None);
    assert_eq!(user.email_verified, None);
}

#[test]
fn each_email_verdict() {
    let object = json!({"id": 1, "email": "a@x.test", "confirmed_at": null, "ok": false});
    let verdict = |email_verified| {
        map_user(
            &UserFields {
                email: &["/email"],
                email_verified,
                ..UserFields::id("/id")
            },
            &object,
        )
        .unwrap()
        .email_verified
    };
    assert_eq!(verdict(EmailVerified::Unknown), None);
    assert_eq!(verdict(EmailVerified::ByHook), None);
    assert_eq!(verdict(EmailVerified::Always), Some(true));
    assert_eq!(verdict(EmailVerified::Never), Some(false));
    assert_eq!(verdict(EmailVerified::Field("/ok")), Some(false));
    assert_eq!(
        verdict(EmailVerified::PresentAt("/confirmed_at")),
        Some(false)
    );
    assert_eq!(verdict(EmailVerified::PresentAt("/email")), Some(true));
    let full = UserFields {
        full_name: Some(("/first", "/last")),
        ..UserFields::id("/id")
    };
    let name = |object| map_user(&full, &object).unwrap().name;
    assert_eq!(
        name(json!({"id": 1, "first": "Ada", "last": "L"})).as_deref(),
        Some("Ada L")
    );
    assert_eq!(name(json!({"id": 1, "last": "L"})).as_deref(), Some("L"));
    assert_eq!(name(json!({"id": 1})), None);
}

/// A provider built from `EXAMPLE` whose every call `http` answers.
fn provider() -> OAuth2Provider {
    PresetBuilder::new(&EXAMPLE, "app", "secret")
        .with_hosts("https://web.test", "https://api.test/")
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_authorization_url_follows_the_declaration() {
    let started = provider()
        .start(StartContext {
            redirect_uri: "https://app.test/r",
            state: "s",
            pkce_challenge: "c",
            nonce: "n",
            silent: false,
            options: &AuthOptions::default(),
            http: &|_: Request<Bytes>| async { Err(HttpError::Other("no call".into())) },
            clock: &SystemClock,
        })
        .await
        .unwrap();
    assert_eq!(
        started.url.as_str(),
        "https://web.test/v1/authorize?response_type=code&client_id=app&\
         redirect_uri=https%3A%2F%2Fapp.test%2Fr&state=s&scope=a%2Cb&code_challenge=c&\
         code_challenge_method=S256&display=popup&app=app"
    );
    // No silent sign-in unless declared.
    let silent = provider()
        .start(StartContext {
            redirect_uri: "https://app.test/r",
            state: "s",
            pkce_challenge: "c",
            nonce: "n",
            silent: true,
            options: &AuthOptions::default(),
            http: &|_: Request<Bytes>| async { Err(HttpError::Other("no call".into())) },
            clock: &SystemClock,
        })
        .await
        .unwrap_err();
    assert_eq!(silent.code(), "InputError");
}

#[tokio::test]
async fn a_sign_in_makes_the_declared_calls() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let http = move |request: Request<Bytes>| {
        let record = Arc::clone(&record);
        async move {
            let uri = request.uri().to_string();
            let client_id = request
                .headers()
                .get("client-id")
                .map(|v| v.to_str().unwrap().to_owned());
            record.lock().unwrap().push((uri.clone(), client_id));
            let body = if uri.ends_with("/oauth/token") {
                json!({"access_token": "at", "token_type": "bearer"})
            } else {
                json!({"data": [{"id": 7, "display_name": "Ada", "login": "ada"}]})
            };
            Ok(Response::new(Bytes::from(body.to_string())))
        }
    };
    let params = BTreeMap::from([("code".to_owned(), "c".to_owned())]);
    let finished = provider()
        .finish(FinishContext {
            params: &params,
            redirect_uri: "https://app.test/r",
            pkce_verifier: "v",
            nonce: "n",
            sealed: &Value::Null,
            options: &ResultOptions::default(),
            http: &http,
            clock: &SystemClock,
        })
        .await
        .unwrap();
    assert_eq!(finished.user.id, "7");
    assert_eq!(finished.user.name.as_deref(), Some("Ada"));
    // The profile document is the user object.
    assert_eq!(finished.profile["login"], "ada");
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].0, "https://api.test/oauth/token");
    assert_eq!(
        seen[1],
        (
            "https://api.test/v1/me?fields=id%2Cname&v=v1".to_owned(),
            Some("app".to_owned())
        )
    );
}

#[test]
fn bad_builders_are_config_errors() {
    let undeclared = PresetBuilder::new(&EXAMPLE, "app", "secret")
        .var("tenant", "x")
        .build()
        .unwrap_err();
    assert!(undeclared.to_string().contains("tenant"), "{undeclared}");
    let host = PresetBuilder::new(&EXAMPLE, "app", "secret")
        .with_hosts("ftp://web.test", "https://api.test")
        .build()
        .unwrap_err();
    assert!(host.to_string().contains("http(s)"), "{host}");
    let own = PresetBuilder::new(&EXAMPLE, "app", "secret")
        .authorize_param("state", "fixed")
        .build()
        .unwrap_err();
    assert!(own.to_string().contains("state"), "{own}");
    let version = PresetBuilder::new(&EXAMPLE, "app", "secret")
        .var("version", "v2")
        .build()
        .unwrap();
    assert_eq!(
        version.config().authorize_url.as_str(),
        "https://www.example.com/v2/authorize"
    );
}

#[test]
fn hex_is_lower_case() {
    assert_eq!(hex(&[0, 15, 255]), "000fff");
}

/// A provider whose host depends on a region variable that is checked at build time, and
/// whose token answer names the user.
const REGIONAL: OAuth2Preset = OAuth2Preset {
    name: "Regional",
    web: "https://{host}",
    api: "https://api.{host}",
    authorize: web("/authorize"),
    token: api("/token"),
    vars: &[("host", "example.com")],
    check_vars: Some(|context| match context.var("host") {
        "example.com" | "example.cn" => Ok(()),
        _ => Err(ConfigError("Regional has no such host".into())),
    }),
    token_user_id: Some("/athlete/id"),
    profile: ProfileCall {
        query: &[("uid", "{user_id}")],
        ..ProfileCall::bearer_get(api("/me"))
    },
    ..OAuth2Preset::DEFAULT
};

#[test]
fn hosts_name_variables_and_variables_are_checked() {
    let build = |host: &str| {
        PresetBuilder::new(&REGIONAL, "id", "secret")
            .var("host", host)
            .build()
    };
    let cn = build("example.cn").unwrap();
    assert_eq!(
        cn.config().authorize_url.as_str(),
        "https://example.cn/authorize"
    );
    assert_eq!(
        cn.config().token_url.as_str(),
        "https://api.example.cn/token"
    );
    assert!(build("evil.example").is_err());
    // Other hosts replace the templates whole.
    let local = PresetBuilder::new(&REGIONAL, "id", "secret")
        .with_hosts("http://127.0.0.1:1", "http://127.0.0.1:2")
        .build()
        .unwrap();
    assert_eq!(
        local.config().token_url.as_str(),
        "http://127.0.0.1:2/token"
    );
}

#[tokio::test]
async fn the_token_answer_s_user_is_the_profile_s() {
    let read = |extra: serde_json::Value, id: u64| async move {
        let http = move |request: Request<Bytes>| {
            assert_eq!(request.uri().query(), Some("uid=7"));
            let body = Bytes::from(json!({ "id": id }).to_string());
            async move { Ok(Response::new(body)) }
        };
        let builder = PresetBuilder::new(&REGIONAL, "id", "secret");
        fetch_profile(builder, &http, &test_credentials("t", extra)).await
    };
    let (user, _) = read(json!({"athlete": {"id": 7}}), 7).await.unwrap();
    assert_eq!(user.id, "7");
    let other = read(json!({"athlete": {"id": 7}}), 8).await.unwrap_err();
    assert_eq!(other.code(), "ProviderError");
    assert!(other.to_string().contains("different users"), "{other}");
    let http = |_: Request<Bytes>| async { panic!("no call without the token's user") };
    let builder = PresetBuilder::new(&REGIONAL, "id", "secret");
    let missing = fetch_profile(builder, &http, &test_credentials("t", json!({})))
        .await
        .unwrap_err();
    assert!(
        missing.to_string().contains("does not name the user"),
        "{missing}"
    );
}

#[tokio::test]
async fn a_marked_answer_is_read_by_its_mark() {
    const MARKED: OAuth2Preset = OAuth2Preset {
        name: "Marked",
        web: "https://example.com",
        api: "https://example.com",
        profile: ProfileCall {
            user_at: "/data/user",
            success: Some(("/error/code", "ok")),
            ..ProfileCall::bearer_get(api("/me"))
        },
        ..OAuth2Preset::DEFAULT
    };
    let read = |answer: serde_json::Value| async move {
        let http = move |_: Request<Bytes>| {
            let body = Bytes::from(answer.to_string());
            async move { Ok(Response::new(body)) }
        };
        let builder = PresetBuilder::new(&MARKED, "id", "secret");
        fetch_profile(builder, &http, &test_credentials("t", json!({}))).await
    };
    let (user, _) = read(json!({"data": {"user": {"id": "u"}}, "error": {"code": "ok"}}))
        .await
        .unwrap();
    assert_eq!(user.id, "u");
    let refused =
        read(json!({"data": {"user": {"id": "u"}}, "error": {"code": "scope_not_authorized"}}))
            .await
            .unwrap_err();
    assert!(
        refused.to_string().contains("scope_not_authorized"),
        "{refused}"
    );
}
