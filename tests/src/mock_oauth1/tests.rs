//! The mock's own signature code against RFC 5849 and Twitter's published examples, so the
//! peer that judges coauth is itself known to be right.

use super::signature::{base_string, decode, encode, parse_authorization, signature_matches};

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn rfc5849_section_3_4_1_1_base_string() {
    let mut params: Vec<(String, String)> =
        url::form_urlencoded::parse(b"b5=%3D%253D&a3=a&c%40=&a2=r%20b")
            .into_owned()
            .collect();
    params.extend(url::form_urlencoded::parse(b"c2&a3=2+q").into_owned());
    params.extend(pairs(&[
        ("oauth_consumer_key", "9djdj82h48djs9d2"),
        ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"),
        ("oauth_signature", "ignored"),
    ]));
    assert_eq!(
        base_string("POST", "http://example.com/request", &params),
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
         %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
         key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
         ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
         9d7dh3k39sjv7"
    );
}

#[test]
fn twitter_example_header_verifies() {
    let header = "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", \
        oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", \
        oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", \
        oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", \
        oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", \
        oauth_version=\"1.0\"";
    let mut params = parse_authorization(header).unwrap();
    let signature = params
        .iter()
        .find(|(n, _)| n == "oauth_signature")
        .unwrap()
        .1
        .clone();
    assert_eq!(signature, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
    params.extend(pairs(&[
        ("include_entities", "true"),
        (
            "status",
            "Hello Ladies + Gentlemen, a signed OAuth request!",
        ),
    ]));
    let base = base_string(
        "POST",
        "https://api.twitter.com/1.1/statuses/update.json",
        &params,
    );
    let consumer = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw";
    let token = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
    assert!(signature_matches(&base, consumer, token, &signature));
    assert!(!signature_matches(&base, consumer, "", &signature));
    assert!(!signature_matches(&base, consumer, token, "not base64!"));
}

#[test]
fn sort_is_by_name_then_value() {
    let base = base_string(
        "GET",
        "http://h/p",
        &pairs(&[("a-", "1"), ("a", "2"), ("a", "10")]),
    );
    assert!(base.ends_with(&encode("a=10&a=2&a-=1")), "{base}");
}

#[test]
fn header_parsing() {
    let params =
        parse_authorization("oauth realm=\"x\",oauth_nonce=\"a%20b+c\", oauth_token=\"\"").unwrap();
    assert_eq!(
        params,
        pairs(&[("oauth_nonce", "a b+c"), ("oauth_token", "")])
    );
    for bad in [
        "Bearer abc",
        "OAuth oauth_nonce=unquoted",
        "OAuth oauth_nonce=\"1\", oauth_nonce=\"2\"",
        "OAuth oauth_nonce=\"%zz\"",
        "OAuth",
    ] {
        assert!(parse_authorization(bad).is_err(), "{bad}");
    }
    assert_eq!(decode("%E2%98%83").unwrap(), "☃");
    assert_eq!(encode("☃ *"), "%E2%98%83%20%2A");
}
