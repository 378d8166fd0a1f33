use super::*;

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// One row of a redirect table: the rules in force, the redirect, and the code it becomes
/// (`None`: not an error, the flow goes on).
type RedirectRow = (
    &'static [DenialRule],
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
);

fn check_redirects(table: &[RedirectRow]) {
    for (rules, redirect, code) in table {
        let error = redirect_error(&params(redirect), rules);
        assert_eq!(
            error.as_ref().map(Error::code),
            *code,
            "{redirect:?} under {rules:?}"
        );
    }
}

/// Every redirect shape of the standard rules and the code it becomes.
#[test]
fn every_redirect_shape_names_its_code() {
    check_redirects(&[
        // RFC 6749 4.1.2.1, for every provider.
        (
            STANDARD_DENIALS,
            &[("error", "access_denied")],
            Some("UserDenied"),
        ),
        (
            STANDARD_DENIALS,
            &[("error", "ACCESS_DENIED")],
            Some("UserDenied"),
        ),
        (
            STANDARD_DENIALS,
            &[("error", "invalid_scope")],
            Some("ProviderError"),
        ),
        (
            STANDARD_DENIALS,
            &[("error", "login_required")],
            Some("ProviderError"),
        ),
        (
            STANDARD_DENIALS,
            &[("error", "server_error")],
            Some("ProviderTechnicalError"),
        ),
        (
            STANDARD_DENIALS,
            &[("error", "temporarily_unavailable")],
            Some("ProviderTechnicalError"),
        ),
        (STANDARD_DENIALS, &[("code", "c"), ("state", "s")], None),
        // A shape a provider did not declare is no denial.
        (
            STANDARD_DENIALS,
            &[("error", "user_cancelled_authorize")],
            Some("ProviderError"),
        ),
        (
            STANDARD_DENIALS,
            &[("error_code", "200")],
            Some("ProviderError"),
        ),
        (STANDARD_DENIALS, &[("denied", "t")], None),
        // OAuth 1.0a: `denied=<request token>`, whatever its value.
        (
            OAUTH1_DENIALS,
            &[("denied", "request-token")],
            Some("UserDenied"),
        ),
        (
            OAUTH1_DENIALS,
            &[("oauth_token", "t"), ("oauth_verifier", "v")],
            None,
        ),
    ]);
}

/// The denial rules the catalog's preset for `provider_type` declares.
#[cfg(feature = "presets")]
fn declared(provider_type: &str) -> &'static [DenialRule] {
    crate::presets::CATALOG
        .iter()
        .find(|entry| entry.provider_type == provider_type)
        .unwrap_or_else(|| panic!("no preset {provider_type} in the catalog"))
        .declared
        .denials()
}

/// The redirect shapes the providers document, under the rules their presets declare.
#[cfg(feature = "presets")]
#[test]
fn every_provider_s_redirect_shape_names_its_code() {
    check_redirects(&[
        // Facebook: error_code 200 (with or without `error`) and 4201 (dialog cancelled).
        (
            declared("facebook"),
            &[
                ("error_code", "200"),
                ("error_message", "Permissions error"),
            ],
            Some("UserDenied"),
        ),
        (
            declared("facebook"),
            &[
                ("error_code", "4201"),
                ("error_message", "User canceled the Dialog flow"),
            ],
            Some("UserDenied"),
        ),
        (
            declared("facebook"),
            &[
                ("error", "access_denied"),
                ("error_code", "200"),
                ("error_reason", "user_denied"),
            ],
            Some("UserDenied"),
        ),
        (
            declared("facebook"),
            &[("error_code", "1349")],
            Some("ProviderError"),
        ),
        // VK: `error_reason=user_denied` next to the error.
        (
            declared("vk"),
            &[
                ("error", "access_denied_by_vk"),
                ("error_reason", "user_denied"),
            ],
            Some("UserDenied"),
        ),
        (
            declared("vk"),
            &[("error", "invalid_request")],
            Some("ProviderError"),
        ),
        // Only Facebook's preset takes its `error_code`.
        (
            declared("github"),
            &[("error_code", "200")],
            Some("ProviderError"),
        ),
        // Apple and LinkedIn name their own cancellations.
        #[cfg(feature = "oidc")]
        (
            declared("apple"),
            &[("error", "user_cancelled_authorize")],
            Some("UserDenied"),
        ),
        #[cfg(feature = "oidc")]
        (
            declared("linkedin"),
            &[("error", "user_cancelled_login")],
            Some("UserDenied"),
        ),
        #[cfg(feature = "oidc")]
        (
            declared("linkedin"),
            &[("error", "user_cancelled_authorize")],
            Some("UserDenied"),
        ),
        #[cfg(feature = "oidc")]
        (
            declared("google"),
            &[("error", "user_cancelled_login")],
            Some("ProviderError"),
        ),
        #[cfg(feature = "oauth1")]
        (
            declared("twitter"),
            &[("denied", "request-token")],
            Some("UserDenied"),
        ),
    ]);
}

/// Every rule every preset of the catalog declares: the redirect it describes is a denial
/// under the preset's rules, so is the standard denial of its protocol, and the redirect
/// of an approval is none.
#[cfg(feature = "presets")]
#[test]
fn every_declared_denial_rule_is_a_denial_and_takes_no_approval() {
    for entry in crate::presets::CATALOG {
        let rules = entry.declared.denials();
        #[cfg(feature = "oauth1")]
        let oauth1 = matches!(entry.declared, crate::presets::Declared::OAuth1(_));
        #[cfg(not(feature = "oauth1"))]
        let oauth1 = false;
        let (standard, approval): (&[DenialRule], &[(&str, &str)]) = if oauth1 {
            (
                OAUTH1_DENIALS,
                &[("oauth_token", "t"), ("oauth_verifier", "v")],
            )
        } else {
            (
                STANDARD_DENIALS,
                &[("code", "c"), ("state", "s"), ("iss", "https://id.example")],
            )
        };
        let name = entry.provider_type;
        assert!(!rules.is_empty(), "{name} declares no denial rule");
        for rule in rules.iter().chain(standard) {
            assert!(!rule.param.is_empty(), "{name}: {rule:?}");
            assert!(rule.value != Some(""), "{name}: {rule:?}");
            // The redirect the rule describes, next to the flow's own parameters.
            let mut redirect = params(&[("state", "s")]);
            redirect.insert(
                rule.param.to_owned(),
                rule.value.unwrap_or("request-token").to_owned(),
            );
            assert_eq!(
                redirect_error(&redirect, rules).as_ref().map(Error::code),
                Some("UserDenied"),
                "{name}: {redirect:?} under {rules:?}"
            );
        }
        assert_eq!(
            redirect_error(&params(approval), rules),
            None,
            "{name}: an approval is taken for an error under {rules:?}"
        );
    }
}

/// What the catalog says a preset's rules are is what its built provider applies.
#[cfg(all(feature = "presets", feature = "oidc", feature = "oauth1"))]
#[test]
fn the_catalog_s_denial_rules_are_the_built_providers() {
    use crate::Provider;
    use crate::presets::{Facebook, LinkedIn, Oidc, Twitter};
    let facebook = Facebook::new("id", "secret").build().unwrap();
    assert_eq!(facebook.denial_rules(), declared("facebook"));
    let linkedin = LinkedIn::new("id", "secret").build().unwrap();
    assert_eq!(linkedin.denial_rules(), declared("linkedin"));
    let twitter = Twitter::new("key", "secret").build().unwrap();
    assert_eq!(twitter.denial_rules(), declared("twitter"));
    let oidc = Oidc::new("https://id.example", "id", "secret")
        .build()
        .unwrap();
    assert_eq!(oidc.denial_rules(), declared("oidc"));
}

#[test]
fn a_redirect_error_keeps_only_a_sanitized_code() {
    let error = redirect_error(
        &params(&[("error", "<script>alert(1)</script>")]),
        STANDARD_DENIALS,
    )
    .unwrap();
    assert!(!error.to_string().contains('<'));
    assert!(error.browser_message().contains("scriptalert1script"));
}

/// Every answer shape of a token endpoint: status, body as JSON fields (`None`: not JSON or
/// form), and the code (`None`: not an error).
#[test]
fn every_token_answer_shape_names_its_code() {
    let table: &[(u16, Option<serde_json::Value>, Option<&str>)] = &[
        (200, Some(serde_json::json!({"access_token": "a"})), None),
        (502, None, Some("ProviderTechnicalError")),
        (
            503,
            Some(serde_json::json!({"access_token": "a"})),
            Some("ProviderTechnicalError"),
        ),
        (200, None, Some("ProviderError")),
        (400, None, Some("ProviderError")),
        (
            200,
            Some(serde_json::json!({"error": "bad_verification_code"})),
            Some("ProviderError"),
        ),
        (
            400,
            Some(serde_json::json!({"error": "invalid_grant"})),
            Some("ProviderError"),
        ),
        (
            200,
            Some(serde_json::json!({"error": "temporarily_unavailable"})),
            Some("ProviderTechnicalError"),
        ),
        (
            400,
            Some(serde_json::json!({"status": 400, "message": "Invalid code"})),
            Some("ProviderError"),
        ),
    ];
    for (status, fields, code) in table {
        let fields = fields.as_ref().and_then(serde_json::Value::as_object);
        let error = token_answer_error(StatusCode::from_u16(*status).unwrap(), fields);
        assert_eq!(
            error.as_ref().map(Error::code),
            *code,
            "{status} {fields:?}"
        );
    }
}

/// Every answer shape of a provider API: status, body, code (`None`: the JSON is used).
#[test]
fn every_api_answer_shape_names_its_code() {
    let table: &[(u16, &str, Option<&str>)] = &[
        (200, r#"{"id": 1}"#, None),
        (502, "Bad Gateway", Some("ProviderTechnicalError")),
        (200, "<html>", Some("ProviderError")),
        (
            401,
            r#"{"status":401,"message":"Invalid OAuth token"}"#,
            Some("ProviderError"),
        ),
        // VK: HTTP 200 with an error object.
        (
            200,
            r#"{"error":{"error_code":5,"error_msg":"User authorization failed"}}"#,
            Some("ProviderError"),
        ),
        (
            200,
            r#"{"error":{"error_code":10,"error_msg":"Internal server error"}}"#,
            Some("ProviderTechnicalError"),
        ),
        // Odnoklassniki: HTTP 200 with top-level error fields.
        (
            200,
            r#"{"error_code":102,"error_msg":"PARAM_SESSION_EXPIRED : Session expired"}"#,
            Some("ProviderError"),
        ),
        (
            200,
            r#"{"error_code":1,"error_msg":"UNKNOWN : Unknown error"}"#,
            Some("ProviderTechnicalError"),
        ),
    ];
    for (status, body, code) in table {
        let answer = api_answer(StatusCode::from_u16(*status).unwrap(), body.as_bytes());
        assert_eq!(
            answer.err().as_ref().map(Error::code),
            *code,
            "{status} {body}"
        );
    }
    let twitch = api_answer(
        StatusCode::UNAUTHORIZED,
        br#"{"error":"Unauthorized","status":401,"message":"Invalid <b>token"}"#,
    )
    .unwrap_err();
    assert!(twitch.to_string().ends_with("HTTP 401 (Invalid btoken)"));
}

/// Every answer shape of a document a provider publishes (OpenID discovery, JWKS): status,
/// body, code (`None`: the JSON is used), and how the message ends.
#[test]
fn every_document_answer_shape_names_its_code() {
    let table: &[(u16, &str, Option<&str>, &str)] = &[
        (200, r#"{"keys": []}"#, None, ""),
        // A document is used as it is, whatever its fields say.
        (200, r#"{"error": "x"}"#, None, ""),
        (
            500,
            r#"{"keys": []}"#,
            Some("ProviderTechnicalError"),
            "JWKS endpoint failed with HTTP 500",
        ),
        (
            503,
            "Service Unavailable",
            Some("ProviderTechnicalError"),
            "JWKS endpoint failed with HTTP 503",
        ),
        (
            404,
            "<html>Not Found</html>",
            Some("ProviderError"),
            "JWKS endpoint refused the request with HTTP 404",
        ),
        (
            403,
            r#"{"message": "<b>blocked"}"#,
            Some("ProviderError"),
            "JWKS endpoint refused the request with HTTP 403 (bblocked)",
        ),
        (
            301,
            "",
            Some("ProviderError"),
            "JWKS endpoint refused the request with HTTP 301",
        ),
        (
            200,
            "<html>",
            Some("ProviderError"),
            "JWKS answer is malformed (HTTP 200)",
        ),
    ];
    for (status, body, code, message) in table {
        let answer = json_answer(
            "JWKS",
            StatusCode::from_u16(*status).unwrap(),
            body.as_bytes(),
        );
        let error = answer.err();
        assert_eq!(error.as_ref().map(Error::code), *code, "{status} {body}");
        if let Some(error) = error {
            assert!(error.to_string().ends_with(message), "{error}");
        }
    }
}

/// An API that marks every answer (TikTok's `error.code`, Naver's `resultcode`): only the
/// declared value is a success, whatever else the answer carries.
#[test]
fn a_marked_api_answer_succeeds_only_with_its_mark() {
    let tiktok = |status: u16, body: &str| {
        api_answer_marked(
            StatusCode::from_u16(status).unwrap(),
            body.as_bytes(),
            "/error/code",
            "ok",
        )
        .map_err(|error| (error.code(), error.to_string()))
    };
    // TikTok's success carries an `error` object, which is no error here.
    let ok = tiktok(
        200,
        r#"{"data":{"user":{"open_id":"o"}},"error":{"code":"ok","message":"","log_id":"1"}}"#,
    )
    .unwrap();
    assert_eq!(ok["data"]["user"]["open_id"], "o");
    let (code, message) = tiktok(
        200,
        r#"{"data":{},"error":{"code":"access_token_invalid","message":"x","log_id":"1"}}"#,
    )
    .unwrap_err();
    assert_eq!(code, "ProviderError");
    assert!(message.contains("access_token_invalid"), "{message}");
    assert_eq!(
        tiktok(200, r#"{"data":{}}"#).unwrap_err().0,
        "ProviderError"
    );
    assert_eq!(
        tiktok(503, "unavailable").unwrap_err().0,
        "ProviderTechnicalError"
    );
    let naver = api_answer_marked(
        StatusCode::OK,
        br#"{"resultcode":"024","message":"Authentication failed"}"#,
        "/resultcode",
        "00",
    )
    .unwrap_err();
    assert!(naver.to_string().contains("024"), "{naver}");
}

/// Every answer shape of an OAuth 1.0a endpoint that is not a success.
#[cfg(feature = "oauth1")]
#[test]
fn every_oauth1_answer_shape_names_its_code() {
    let table: &[(u16, &str, &str, &str)] = &[
        (500, "", "ProviderTechnicalError", "HTTP 500"),
        (
            401,
            r#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#,
            "ProviderError",
            "(HTTP 401, error 32)",
        ),
        (
            401,
            "error=invalid_signature&x=1",
            "ProviderError",
            "(HTTP 401, error invalid_signature)",
        ),
        (
            403,
            r#"{"error":"<bad>"}"#,
            "ProviderError",
            "(HTTP 403, error bad)",
        ),
        (
            400,
            "Bad request: secret-token-123",
            "ProviderError",
            "(HTTP 400)",
        ),
    ];
    for (status, body, code, detail) in table {
        let error = oauth1_answer_error(
            "access token",
            StatusCode::from_u16(*status).unwrap(),
            body.as_bytes(),
        );
        assert_eq!(error.code(), *code, "{body}");
        assert!(error.to_string().ends_with(detail), "{error}");
        assert!(!error.to_string().contains("secret-token"), "{error}");
    }
}

#[test]
fn provider_error_codes_are_sanitized_and_short() {
    let error = provider_error(
        "token request",
        &serde_json::json!("<script>alert(1)</script>"),
    );
    assert!(!error.to_string().contains('<'));
    assert_eq!(sanitize(&"x".repeat(100)).len(), 64);
    assert_eq!(sanitize("a\nb\"c'd;e"), "abcde");
}
