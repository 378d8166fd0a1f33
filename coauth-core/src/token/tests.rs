use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::*;
use crate::SystemClock;

fn response(status: u16, content_type: &str, body: &str) -> Response<Bytes> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

/// A registration's settings, as the tests vary them.
#[derive(Clone)]
struct Config {
    client_secret: Secret,
    client_auth: ClientAuth,
}

fn config() -> Config {
    Config {
        client_secret: Secret::new("secret"),
        client_auth: ClientAuth::Basic,
    }
}

/// The token request of `config` with the form `code=c`.
fn token_request(config: &Config) -> Request<Bytes> {
    TokenClient::new(
        "client id".into(),
        config.client_secret.clone(),
        config.client_auth,
    )
    .request(
        &Url::parse("https://p.example/token").unwrap(),
        vec![("code", "c")],
        &SystemClock,
    )
    .unwrap()
}

/// Mints `minted-at-{now}` for every request.
struct Minter;

impl ClientSecretMinter for Minter {
    fn mint(&self, client_id: &str, now_unix: u64) -> Result<Secret, Error> {
        Ok(Secret::new(format!("{client_id}-minted-at-{now_unix}")))
    }
}

struct FixedClock(u64);

impl Clock for FixedClock {
    fn now_unix(&self) -> u64 {
        self.0
    }
}

#[test]
fn a_minted_secret_replaces_the_configured_one_at_the_clock_s_time() {
    let client = TokenClient::new("app".into(), Secret::new("unused"), ClientAuth::Post)
        .with_minter(Some(Arc::new(Minter)));
    let request = client
        .request(
            &Url::parse("https://p.example/token").unwrap(),
            vec![("code", "c")],
            &FixedClock(1_700_000_000),
        )
        .unwrap();
    assert_eq!(
        request.body().as_ref(),
        b"code=c&client_id=app&client_secret=app-minted-at-1700000000"
    );
}

fn authorize(
    silent: bool,
    prompt: Option<Prompt>,
    extra: &[(String, String)],
) -> Vec<(String, String)> {
    let endpoint = Url::parse("https://p.example/authorize?tenant=common").unwrap();
    Authorize {
        endpoint: &endpoint,
        client_id: "client id",
        client_id_param: "client_id",
        redirect_uri: "https://app.example/r",
        state: "s",
        scopes: &["a", "b"],
        scope_separator: ",",
        pkce_challenge: Some("ch"),
        nonce: Some("n"),
        response_mode: Some("form_post"),
        silent,
        prompt,
        extra,
        prefix: &UrlPrefix::default(),
    }
    .url()
    .query_pairs()
    .map(|(k, v)| (k.into_owned(), v.into_owned()))
    .collect()
}

#[test]
fn the_authorization_url_has_every_parameter_in_order() {
    let pairs = authorize(false, None, &[("display".into(), "popup".into())]);
    let expected: Vec<(String, String)> = [
        ("tenant", "common"),
        ("response_type", "code"),
        ("client_id", "client id"),
        ("redirect_uri", "https://app.example/r"),
        ("state", "s"),
        ("scope", "a,b"),
        ("nonce", "n"),
        ("code_challenge", "ch"),
        ("code_challenge_method", "S256"),
        ("response_mode", "form_post"),
        ("display", "popup"),
    ]
    .iter()
    .map(|(k, v)| ((*k).into(), (*v).into()))
    .collect();
    assert_eq!(pairs, expected);
}

#[test]
fn one_prompt_per_url_and_silent_wins() {
    let prompts = |pairs: Vec<(String, String)>| -> Vec<String> {
        pairs
            .into_iter()
            .filter(|(k, _)| k == "prompt")
            .map(|(_, v)| v)
            .collect()
    };
    assert_eq!(
        prompts(authorize(false, Some(Prompt::Consent), &[])),
        ["consent"]
    );
    assert_eq!(
        prompts(authorize(true, Some(Prompt::Consent), &[])),
        ["none"]
    );
    assert_eq!(prompts(authorize(true, None, &[])), ["none"]);
    assert!(prompts(authorize(false, None, &[])).is_empty());
    // An extra parameter cannot smuggle in a second prompt or state.
    let extra = [
        ("prompt".to_owned(), "login".to_owned()),
        ("state".to_owned(), "forged".to_owned()),
    ];
    let pairs = authorize(true, None, &extra);
    assert_eq!(prompts(pairs.clone()), ["none"]);
    assert_eq!(pairs.iter().filter(|(k, _)| k == "state").count(), 1);
    assert!(check_extra_params(&extra).is_err());
    assert!(check_extra_params(&[("access_type".into(), "offline".into())]).is_ok());
}

#[test]
fn basic_auth_form_encodes_before_base64() {
    let mut config = config();
    config.client_secret = Secret::new("s3cr:t&+");
    let request = token_request(&config);
    let header = request.headers()[header::AUTHORIZATION].to_str().unwrap();
    let decoded = STANDARD
        .decode(header.trim_start_matches("Basic "))
        .unwrap();
    assert_eq!(
        String::from_utf8(decoded).unwrap(),
        "client+id:s3cr%3At%26%2B"
    );
    assert_eq!(request.body().as_ref(), b"code=c");
}

#[test]
fn post_auth_puts_the_secret_in_the_body() {
    let mut config = config();
    config.client_auth = ClientAuth::Post;
    let request = token_request(&config);
    assert!(request.headers().get(header::AUTHORIZATION).is_none());
    assert_eq!(
        request.body().as_ref(),
        b"code=c&client_id=client+id&client_secret=secret"
    );
}

#[test]
fn basic_with_client_id_in_body_and_public_clients() {
    let mut config = config();
    config.client_auth = ClientAuth::BasicWithClientIdInBody;
    let request = token_request(&config);
    assert!(request.headers().contains_key(header::AUTHORIZATION));
    assert_eq!(request.body().as_ref(), b"code=c&client_id=client+id");
    config.client_auth = ClientAuth::Public;
    let request = token_request(&config);
    assert!(request.headers().get(header::AUTHORIZATION).is_none());
    assert_eq!(request.body().as_ref(), b"code=c&client_id=client+id");
}

#[test]
fn other_token_answer_fields_are_kept_without_secrets() {
    let credentials = parse_token_response(&response(
        200,
        "application/json",
        r#"{"access_token":"at","expires_in":0,"user_id":66748,"email":"a@b.test",
            "secret":"s","oauth_token_secret":"t","refresh_token":"r","id_token":"i"}"#,
    ))
    .unwrap();
    assert_eq!(
        serde_json::Value::Object(credentials.extra),
        serde_json::json!({"user_id": 66748, "email": "a@b.test"})
    );
}

#[test]
fn status_and_message_errors_name_the_message() {
    let error = parse_token_response(&response(
        400,
        "application/json",
        r#"{"status":400,"message":"Invalid authorization code"}"#,
    ))
    .unwrap_err();
    assert_eq!(error.code(), "ProviderError");
    assert!(
        error
            .to_string()
            .ends_with("HTTP 400 (Invalid authorization code)")
    );
}

#[test]
fn json_token_answer() {
    let credentials = parse_token_response(&response(
        200,
        "application/json",
        r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","scope":"a b"}"#,
    ))
    .unwrap();
    assert_eq!(credentials.access_token.expose(), "at");
    assert_eq!(credentials.expires_in, Some(3600));
    assert_eq!(credentials.refresh_token.unwrap().expose(), "rt");
    assert_eq!(credentials.scope.as_deref(), Some("a b"));
}

#[test]
fn form_token_answer_with_string_expiry() {
    let credentials = parse_token_response(&response(
        200,
        "application/x-www-form-urlencoded",
        "access_token=at%2B1&scope=user%3Aemail&token_type=bearer&expires_in=60",
    ))
    .unwrap();
    assert_eq!(credentials.access_token.expose(), "at+1");
    assert_eq!(credentials.scope.as_deref(), Some("user:email"));
    assert_eq!(credentials.expires_in, Some(60));
}

#[test]
fn expires_in_as_json_string_and_scope_as_array() {
    let credentials = parse_token_response(&response(
        200,
        "application/json",
        r#"{"access_token":"at","expires_in":"3599","scope":["a","b"]}"#,
    ))
    .unwrap();
    assert_eq!(credentials.expires_in, Some(3599));
    assert_eq!(credentials.scope.as_deref(), Some("a b"));
}

#[test]
fn error_with_http_200_is_an_error() {
    let error = parse_token_response(&response(
        200,
        "application/json",
        r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect"}"#,
    ))
    .unwrap_err();
    assert_eq!(error.code(), "ProviderError");
    assert!(error.to_string().contains("bad_verification_code"));
    let form = parse_token_response(&response(200, "text/plain", "error=bad_verification_code"))
        .unwrap_err();
    assert_eq!(form.code(), "ProviderError");
}

#[test]
fn server_errors_are_technical() {
    for answer in [
        response(502, "text/plain", "Bad Gateway"),
        response(
            200,
            "application/json",
            r#"{"error":"temporarily_unavailable"}"#,
        ),
    ] {
        assert_eq!(
            parse_token_response(&answer).unwrap_err().code(),
            "ProviderTechnicalError"
        );
    }
}

#[test]
fn malformed_answers_are_provider_errors() {
    for answer in [
        response(200, "application/json", r#"{"access_token": "#),
        response(200, "text/html", "<html>hello</html>"),
        response(200, "application/json", r#"{"token_type":"bearer"}"#),
        response(400, "text/plain", ""),
    ] {
        assert_eq!(
            parse_token_response(&answer).unwrap_err().code(),
            "ProviderError"
        );
    }
}

#[test]
fn a_renamed_client_id_travels_under_its_name_in_the_url_and_the_form() {
    let endpoint = Url::parse("https://p.example/authorize").unwrap();
    let extra = [("client_key".to_owned(), "spoofed".to_owned())];
    let url = Authorize {
        endpoint: &endpoint,
        client_id: "key",
        client_id_param: "client_key",
        redirect_uri: "https://app.example/r",
        state: "s",
        scopes: &[],
        scope_separator: ",",
        pkce_challenge: None,
        nonce: None,
        response_mode: None,
        silent: false,
        prompt: None,
        extra: &extra,
        prefix: &UrlPrefix::default(),
    }
    .url();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // Once, under its own name, and a fixed parameter cannot replace it.
    assert_eq!(
        pairs.iter().filter(|(k, _)| k == "client_key").count(),
        1,
        "{pairs:?}"
    );
    assert!(pairs.contains(&("client_key".into(), "key".into())));
    assert!(!pairs.iter().any(|(k, _)| k == "client_id"));
    let client = TokenClient::new("key".into(), Secret::new("s"), ClientAuth::Post)
        .with_client_id_param("client_key");
    let request = client
        .request(
            &Url::parse("https://p.example/token").unwrap(),
            vec![("code", "c")],
            &SystemClock,
        )
        .unwrap();
    assert_eq!(
        request.body().as_ref(),
        b"code=c&client_key=key&client_secret=s"
    );
}

#[test]
fn a_wrapped_token_answer_is_read_where_declared() {
    let wrapped = response(
        200,
        "application/json",
        r#"{"data": [{"access_token": "IGQVJ", "user_id": "1020", "permissions": "x"}]}"#,
    );
    let credentials = parse_token_answer(&wrapped, Some("/data/0")).unwrap();
    assert_eq!(credentials.access_token.expose(), "IGQVJ");
    assert_eq!(credentials.extra["user_id"], "1020");
    // Undeclared, the wrapper is no token answer.
    assert!(parse_token_answer(&wrapped, None).is_err());
    // A top-level answer and an error are read as they are.
    let flat = response(
        200,
        "application/json",
        r#"{"access_token": "a", "user_id": 1}"#,
    );
    assert_eq!(
        parse_token_answer(&flat, Some("/data/0"))
            .unwrap()
            .access_token
            .expose(),
        "a"
    );
    let error = response(
        400,
        "application/json",
        r#"{"error": "invalid_grant", "data": [{"access_token": "x"}]}"#,
    );
    assert!(parse_token_answer(&error, Some("/data/0")).is_err());
}

#[test]
fn a_kept_url_prefix_gives_the_same_urls_and_only_for_its_endpoint_and_redirect_uri() {
    let endpoint = Url::parse("https://p.example/authorize?tenant=common").unwrap();
    let other_endpoint = Url::parse("https://q.example/authorize").unwrap();
    let url = |endpoint: &Url, redirect_uri: &str, state: &str, prefix: &UrlPrefix| {
        Authorize {
            endpoint,
            client_id: "client id",
            client_id_param: "client_id",
            redirect_uri,
            state,
            scopes: &["a", "b"],
            scope_separator: " ",
            pkce_challenge: Some("ch"),
            nonce: Some("n"),
            response_mode: None,
            silent: false,
            prompt: None,
            extra: &[],
            prefix,
        }
        .url()
        .to_string()
    };
    let kept = UrlPrefix::default();
    let first = "https://app.example/coauth/result_page";
    let second = "https://app.example/coauth/result_page_other";
    // Built whole and kept, then from the kept start: the same text as built whole (a
    // fresh, empty prefix).
    for state in ["s1", "s2", "s3"] {
        assert_eq!(
            url(&endpoint, first, state, &kept),
            url(&endpoint, first, state, &UrlPrefix::default())
        );
    }
    assert!(kept.get(&endpoint, first).is_some());
    // Another redirect URI or endpoint is never served the kept start.
    let for_second = url(&endpoint, second, "s4", &kept);
    assert_eq!(
        for_second,
        url(&endpoint, second, "s4", &UrlPrefix::default())
    );
    assert!(for_second.contains("result_page_other"), "{for_second}");
    let elsewhere = url(&other_endpoint, first, "s5", &kept);
    assert_eq!(
        elsewhere,
        url(&other_endpoint, first, "s5", &UrlPrefix::default())
    );
    assert!(
        elsewhere.starts_with("https://q.example/authorize?response_type=code"),
        "{elsewhere}"
    );
    assert!(kept.get(&endpoint, second).is_none());
    assert!(kept.get(&other_endpoint, first).is_none());
}
