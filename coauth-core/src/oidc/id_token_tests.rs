//! Claim rules, one case each, on raw JSON payloads.

use super::*;

const NOW: u64 = 1_800_000_000;

fn issuer() -> IssuerRule {
    IssuerRule::Exact(vec!["https://id.example".into()])
}

fn good() -> Map<String, Value> {
    serde_json::json!({
        "iss": "https://id.example", "sub": "u1", "aud": "client",
        "exp": NOW + 300, "iat": NOW - 10, "nonce": "n-1",
    })
    .as_object()
    .unwrap()
    .clone()
}

fn check_with(
    claims: &Map<String, Value>,
    rule: &IssuerRule,
    extra: &[String],
) -> Result<(), Error> {
    check_claims(
        claims,
        &Expected {
            issuer: rule,
            client_id: "client",
            additional_audiences: extra,
            nonce: Some("n-1"),
            now: NOW,
            leeway: 30,
        },
    )
}

fn check(claims: &Map<String, Value>) -> Result<(), Error> {
    check_with(claims, &issuer(), &[])
}

fn with(changes: Value) -> Map<String, Value> {
    let mut claims = good();
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.remove(name);
        } else {
            claims.insert(name.clone(), value.clone());
        }
    }
    claims
}

#[test]
fn a_good_token_passes() {
    check(&good()).unwrap();
    // Fractional NumericDates are numbers too; nbf in the past is fine.
    check(&with(
        serde_json::json!({"exp": (NOW + 300) as f64 + 0.5, "nbf": NOW - 5}),
    ))
    .unwrap();
}

#[test]
fn each_broken_rule_is_a_provider_error() {
    let cases = [
        (
            "wrong iss",
            serde_json::json!({"iss": "https://evil.example"}),
        ),
        ("no iss", serde_json::json!({"iss": null})),
        (
            "iss not a string",
            serde_json::json!({"iss": ["https://id.example"]}),
        ),
        ("no sub", serde_json::json!({"sub": null})),
        ("empty sub", serde_json::json!({"sub": ""})),
        ("numeric sub", serde_json::json!({"sub": 5})),
        ("wrong aud", serde_json::json!({"aud": "other"})),
        (
            "aud array without client",
            serde_json::json!({"aud": ["other"]}),
        ),
        ("no aud", serde_json::json!({"aud": null})),
        (
            "aud with a number",
            serde_json::json!({"aud": ["client", 5]}),
        ),
        (
            "untrusted second audience",
            serde_json::json!({"aud": ["client", "other"], "azp": "client"}),
        ),
        ("azp of another client", serde_json::json!({"azp": "other"})),
        ("azp not a string", serde_json::json!({"azp": 1})),
        ("no exp", serde_json::json!({"exp": null})),
        (
            "string exp",
            serde_json::json!({"exp": (NOW + 300).to_string()}),
        ),
        ("boolean exp", serde_json::json!({"exp": true})),
        ("expired", serde_json::json!({"exp": NOW - 31})),
        ("no iat", serde_json::json!({"iat": null})),
        (
            "string iat",
            serde_json::json!({"iat": (NOW - 10).to_string()}),
        ),
        ("iat in the future", serde_json::json!({"iat": NOW + 31})),
        ("string nbf", serde_json::json!({"nbf": NOW.to_string()})),
        ("future nbf", serde_json::json!({"nbf": NOW + 31})),
        ("string auth_time", serde_json::json!({"auth_time": "1"})),
        ("wrong nonce", serde_json::json!({"nonce": "n-2"})),
        ("no nonce", serde_json::json!({"nonce": null})),
        ("numeric nonce", serde_json::json!({"nonce": 1})),
    ];
    for (what, changes) in cases {
        let error = check(&with(changes)).expect_err(what);
        assert_eq!(error.code(), "ProviderError", "{what}");
        assert!(
            error
                .to_string()
                .starts_with("the provider's ID token is invalid"),
            "{what}"
        );
    }
}

#[test]
fn leeway_is_honoured_at_the_edges() {
    check(&with(serde_json::json!({"exp": NOW - 29}))).unwrap();
    check(&with(serde_json::json!({"iat": NOW + 30, "nbf": NOW + 30}))).unwrap();
}

#[test]
fn several_audiences_need_trust_and_azp() {
    let extra = ["api".to_owned()];
    let two = with(serde_json::json!({"aud": ["client", "api"]}));
    assert!(check_with(&two, &issuer(), &extra).is_err(), "no azp");
    let mut with_azp = two.clone();
    with_azp.insert("azp".into(), "client".into());
    check_with(&with_azp, &issuer(), &extra).unwrap();
    with_azp.insert("azp".into(), "api".into());
    assert!(
        check_with(&with_azp, &issuer(), &extra).is_err(),
        "azp of the other audience"
    );
}

#[test]
fn no_nonce_expected_means_none_checked() {
    let claims = with(serde_json::json!({"nonce": null}));
    let rule = issuer();
    check_claims(
        &claims,
        &Expected {
            issuer: &rule,
            client_id: "client",
            additional_audiences: &[],
            nonce: None,
            now: NOW,
            leeway: 0,
        },
    )
    .unwrap();
}

#[test]
fn tenant_template_uses_the_tokens_own_tid() {
    let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
    let rule = IssuerRule::TenantTemplate("https://login.example/{tenantid}/v2.0".into());
    let good =
        with(serde_json::json!({"iss": format!("https://login.example/{tid}/v2.0"), "tid": tid}));
    check_with(&good, &rule, &[]).unwrap();
    let other_tenant = with(serde_json::json!({
        "iss": format!("https://login.example/{tid}/v2.0"),
        "tid": "00000000-0000-0000-0000-000000000000",
    }));
    assert!(check_with(&other_tenant, &rule, &[]).is_err());
    let no_tid = with(serde_json::json!({"iss": format!("https://login.example/{tid}/v2.0")}));
    assert!(check_with(&no_tid, &rule, &[]).is_err());
    let crafted = with(
        serde_json::json!({"iss": "https://login.example/evil/../x/v2.0", "tid": "evil/../x"}),
    );
    assert!(check_with(&crafted, &rule, &[]).is_err());
    assert!(rule.accepts_response_iss(&format!("https://login.example/{tid}/v2.0")));
    assert!(!rule.accepts_response_iss("https://login.example/common/v2.0"));
    assert!(!rule.accepts_response_iss("https://evil.example/"));
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[test]
fn headers_are_checked_before_anything_else() {
    let payload = b64(&Value::Object(good()));
    let all = Algorithm::DEFAULT_ALLOWLIST;
    let token = |header: Value| format!("{}.{payload}.c2ln", b64(&header));
    let ok =
        token(serde_json::json!({"alg": "RS256", "kid": "k1", "jku": "https://evil.example/jwks"}));
    let parsed = parse(&ok, &all).unwrap();
    assert_eq!(parsed.alg, Algorithm::RS256);
    assert_eq!(parsed.kid.as_deref(), Some("k1"));
    assert_eq!(parsed.claims["sub"], "u1");
    for (what, header) in [
        ("alg none", serde_json::json!({"alg": "none"})),
        ("HS256", serde_json::json!({"alg": "HS256"})),
        ("no alg", serde_json::json!({"kid": "k1"})),
        ("RS384 not on the list", serde_json::json!({"alg": "RS384"})),
        ("crit", serde_json::json!({"alg": "RS256", "crit": ["exp"]})),
        ("numeric kid", serde_json::json!({"alg": "RS256", "kid": 7})),
    ] {
        assert_eq!(
            parse(&token(header), &all).unwrap_err().code(),
            "ProviderError",
            "{what}"
        );
    }
    let unsigned = format!("{}.{payload}.", b64(&serde_json::json!({"alg": "RS256"})));
    assert!(parse(&unsigned, &all).is_err());
    for malformed in ["a.b", "a.b.c.d", "!!.!!.!!", &"a".repeat(MAX_TOKEN_LEN + 1)] {
        assert!(parse(malformed, &all).is_err());
    }
}

/// `Debug` of the claim rules and of a parsed token shows neither the sealed nonce nor the
/// token (SECURITY.md item 30).
#[test]
fn debug_hides_the_nonce_and_the_token() {
    let rule = issuer();
    let nonce = "sealed-nonce-S3CRET";
    let expected = Expected {
        issuer: &rule,
        client_id: "client",
        additional_audiences: &[],
        nonce: Some(nonce),
        now: NOW,
        leeway: 30,
    };
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"k1"}"#);
    let claims = URL_SAFE_NO_PAD.encode(
        serde_json::json!({"iss": "https://id.example", "nonce": nonce, "sub": "u1"}).to_string(),
    );
    let token = format!("{header}.{claims}.{}", URL_SAFE_NO_PAD.encode("sig-S3CRET"));
    let unverified = parse(&token, &[Algorithm::RS256]).unwrap();
    for text in [
        format!("{expected:?}"),
        format!("{expected:#?}"),
        format!("{unverified:?}"),
        format!("{unverified:#?}"),
    ] {
        assert!(!text.contains("S3CRET"), "{text}");
        assert!(!text.contains(&claims) && !text.contains(&header), "{text}");
    }
    assert!(format!("{unverified:?}").contains("\"nonce\""));
}

/// An HS256 token keyed with `secret`, with `header` (its `alg` included).
fn hs256(header: &Value, secret: &str) -> String {
    use hmac::{Hmac, Mac};
    let input = format!("{}.{}", b64(header), b64(&Value::Object(good())));
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

#[test]
fn hs256_is_checked_with_the_client_secret_only() {
    let header = serde_json::json!({"alg": "HS256", "typ": "JWT"});
    let token = hs256(&header, "channel-secret");
    assert!(is_hs256(&token));
    assert_eq!(verify_hs256(&token, "channel-secret").unwrap()["sub"], "u1");
    for (what, token, secret) in [
        ("another secret", token.clone(), "other-secret"),
        ("an empty secret", hs256(&header, ""), ""),
        (
            "another algorithm",
            hs256(&serde_json::json!({"alg": "HS512"}), "channel-secret"),
            "channel-secret",
        ),
        (
            "crit",
            hs256(
                &serde_json::json!({"alg": "HS256", "crit": ["exp"]}),
                "channel-secret",
            ),
            "channel-secret",
        ),
        (
            "a tampered payload",
            token.replacen('.', ".e30", 1),
            "channel-secret",
        ),
    ] {
        assert_eq!(
            verify_hs256(&token, secret).unwrap_err().code(),
            "ProviderError",
            "{what}"
        );
    }
    let rs256 = format!(
        "{}.{}.c2ln",
        b64(&serde_json::json!({"alg": "RS256"})),
        b64(&Value::Object(good()))
    );
    assert!(!is_hs256(&rs256));
}
