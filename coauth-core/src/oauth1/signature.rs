//! RFC 5849 section 3.4 signatures: the signature base string, HMAC-SHA1, and the
//! `Authorization: OAuth ...` header that carries the protocol parameters.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use url::Url;

/// The one signature method coauth speaks.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// Percent-encodes `value` as RFC 5849 section 3.6 requires: UTF-8 bytes, every byte but the
/// unreserved `A-Z a-z 0-9 - . _ ~` as `%XX` with upper-case hex digits.
pub fn percent_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// The base string URI of section 3.4.1.2: lower-case scheme and host, the port only when it
/// is not the scheme's default, the path, and neither query nor fragment.
pub fn base_string_uri(url: &Url) -> String {
    // `Url` already lower-cases the scheme and a domain host and drops a default port.
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let mut uri = format!("{}://{host}", url.scheme().to_ascii_lowercase());
    if let Some(port) = url.port() {
        uri.push_str(&format!(":{port}"));
    }
    uri.push_str(url.path());
    uri
}

/// The normalized parameter string of section 3.4.1.3.2: every name and value
/// percent-encoded, the pairs sorted by name then value, joined with `=` and `&`.
pub fn normalized_parameters(params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(name, value)| (percent_encode(name), percent_encode(value)))
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The signature base string of section 3.4.1: the upper-case method, the base string URI
/// and the normalized parameters, each percent-encoded, joined with `&`.
///
/// `params` are all the request parameters of section 3.4.1.3.1: the URL's query (read from
/// `url` here), the protocol parameters except `oauth_signature`, and a form-encoded body.
pub fn signature_base_string(method: &str, url: &Url, params: &[(String, String)]) -> String {
    let mut all: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    all.extend(params.iter().cloned());
    format!(
        "{}&{}&{}",
        percent_encode(&method.to_ascii_uppercase()),
        percent_encode(&base_string_uri(url)),
        percent_encode(&normalized_parameters(&all))
    )
}

/// The HMAC-SHA1 signature of section 3.4.2, base64-encoded: the key is the encoded
/// consumer secret and the encoded token secret (empty when there is no token yet), joined
/// by `&`.
pub fn hmac_sha1(base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
    let key = format!(
        "{}&{}",
        percent_encode(consumer_secret),
        percent_encode(token_secret)
    );
    let mut mac =
        <Hmac<Sha1> as Mac>::new_from_slice(key.as_bytes()).expect("HMAC accepts keys of any size");
    mac.update(base_string.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Who signs a request: the client credentials, and the token credentials once there are
/// some (the request token for the access token request, the access token afterwards).
#[derive(Clone, Copy)]
pub struct Signer<'a> {
    /// The consumer key (client identifier).
    pub consumer_key: &'a str,
    /// The consumer secret (client shared secret).
    pub consumer_secret: &'a str,
    /// The token and its secret, when the request is made with one.
    pub token: Option<(&'a str, &'a str)>,
}

impl std::fmt::Debug for Signer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("consumer_key", &self.consumer_key)
            .finish_non_exhaustive()
    }
}

impl Signer<'_> {
    /// The value of the `Authorization` header for a request (section 3.5.1): the protocol
    /// parameters (`extra` are request-specific ones such as `oauth_callback` or
    /// `oauth_verifier`) and their HMAC-SHA1 signature over the method, the URL with its
    /// query, and `form` (the decoded pairs of a form-encoded body; empty otherwise).
    pub fn authorization(
        &self,
        method: &str,
        url: &Url,
        form: &[(String, String)],
        extra: &[(&str, &str)],
        nonce: &str,
        timestamp: u64,
    ) -> String {
        let mut protocol: Vec<(String, String)> = vec![
            ("oauth_consumer_key".into(), self.consumer_key.into()),
            ("oauth_nonce".into(), nonce.into()),
            ("oauth_signature_method".into(), SIGNATURE_METHOD.into()),
            ("oauth_timestamp".into(), timestamp.to_string()),
            ("oauth_version".into(), "1.0".into()),
        ];
        if let Some((token, _)) = self.token {
            protocol.push(("oauth_token".into(), token.into()));
        }
        protocol.extend(
            extra
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
        );
        let mut signed = protocol.clone();
        signed.extend(form.iter().cloned());
        let base = signature_base_string(method, url, &signed);
        let token_secret = self.token.map_or("", |(_, secret)| secret);
        let signature = hmac_sha1(&base, self.consumer_secret, token_secret);
        protocol.push(("oauth_signature".into(), signature));
        protocol.sort();
        let fields: Vec<String> = protocol
            .iter()
            .map(|(name, value)| format!("{}=\"{}\"", percent_encode(name), percent_encode(value)))
            .collect();
        format!("OAuth {}", fields.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Reads the protocol parameters back out of an `Authorization` header.
    fn header_params(header: &str) -> Vec<(String, String)> {
        header
            .strip_prefix("OAuth ")
            .unwrap()
            .split(", ")
            .map(|field| {
                let (name, quoted) = field.split_once('=').unwrap();
                let value = quoted.trim_matches('"');
                let decoded = url::form_urlencoded::parse(format!("v={value}").as_bytes())
                    .next()
                    .unwrap()
                    .1
                    .into_owned();
                (name.to_owned(), decoded)
            })
            .collect()
    }

    #[test]
    fn percent_encoding_follows_section_3_6() {
        assert_eq!(
            percent_encode("Ladies + Gentlemen"),
            "Ladies%20%2B%20Gentlemen"
        );
        assert_eq!(
            percent_encode("An encoded string!"),
            "An%20encoded%20string%21"
        );
        assert_eq!(
            percent_encode("Dogs, Cats & Mice"),
            "Dogs%2C%20Cats%20%26%20Mice"
        );
        assert_eq!(percent_encode("☃"), "%E2%98%83");
        assert_eq!(percent_encode("a-b.c_d~e*f/g"), "a-b.c_d~e%2Af%2Fg");
    }

    #[test]
    fn base_string_uri_normalizes_scheme_host_and_port() {
        for (url, expected) in [
            (
                "HTTP://EXAMPLE.COM:80/r%20v/X?id=123",
                "http://example.com/r%20v/X",
            ),
            (
                "https://www.example.net:8080/?q=1",
                "https://www.example.net:8080/",
            ),
            ("https://example.com:443/a#frag", "https://example.com/a"),
            ("http://127.0.0.1:3000/oauth", "http://127.0.0.1:3000/oauth"),
        ] {
            assert_eq!(base_string_uri(&Url::parse(url).unwrap()), expected);
        }
    }

    /// RFC 5849 section 3.4.1.1's example, whose parameters come from the query, the
    /// `Authorization` header (realm excluded) and a form body with an empty-valued `c2`.
    #[test]
    fn rfc5849_base_string_example() {
        let url = Url::parse("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b").unwrap();
        let mut params = pairs(&[
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
        ]);
        params.extend(url::form_urlencoded::parse(b"c2&a3=2+q").into_owned());
        assert_eq!(
            signature_base_string("post", &url, &params),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
    }

    /// RFC 5849 section 1.2: the three requests of the photo-printing example.
    #[test]
    fn rfc5849_section_1_2_signatures() {
        let initiate = signature_base_string(
            "POST",
            &Url::parse("https://photos.example.net/initiate").unwrap(),
            &pairs(&[
                ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
                ("oauth_signature_method", "HMAC-SHA1"),
                ("oauth_timestamp", "137131200"),
                ("oauth_nonce", "wIjqoS"),
                ("oauth_callback", "http://printer.example.com/ready"),
            ]),
        );
        assert_eq!(
            hmac_sha1(&initiate, "kd94hf93k423kf44", ""),
            "74KNZJeDHnMBp0EMJ9ZHt/XKycU="
        );
        let token = signature_base_string(
            "POST",
            &Url::parse("https://photos.example.net/token").unwrap(),
            &pairs(&[
                ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
                ("oauth_token", "hh5s93j4hdidpola"),
                ("oauth_signature_method", "HMAC-SHA1"),
                ("oauth_timestamp", "137131201"),
                ("oauth_nonce", "walatlh"),
                ("oauth_verifier", "hfdp7dh39dks9884"),
            ]),
        );
        assert_eq!(
            hmac_sha1(&token, "kd94hf93k423kf44", "hdhd0244k9j7ao03"),
            "gKgrFCywp7rO0OXSjdot/IHF7IU="
        );
        let photos = signature_base_string(
            "GET",
            &Url::parse("http://photos.example.net/photos?file=vacation.jpg&size=original")
                .unwrap(),
            &pairs(&[
                ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
                ("oauth_token", "nnch734d00sl2jdk"),
                ("oauth_signature_method", "HMAC-SHA1"),
                ("oauth_timestamp", "137131202"),
                ("oauth_nonce", "chapoH"),
            ]),
        );
        assert_eq!(
            hmac_sha1(&photos, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"),
            "MdpQcU8iPSUjWoN/UDMsK2sui9I="
        );
    }

    /// Twitter's "Creating a signature" example, end to end through the header builder: a
    /// query parameter, a form body with reserved characters, and token credentials.
    #[test]
    fn twitter_documentation_example() {
        let signer = Signer {
            consumer_key: "xvz1evFS4wEEPTGEFPHBog",
            consumer_secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            token: Some((
                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            )),
        };
        let url =
            Url::parse("https://api.twitter.com/1.1/statuses/update.json?include_entities=true")
                .unwrap();
        let form = pairs(&[(
            "status",
            "Hello Ladies + Gentlemen, a signed OAuth request!",
        )]);
        let header = signer.authorization(
            "POST",
            &url,
            &form,
            &[],
            "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
            1318622958,
        );
        assert_eq!(
            header,
            "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", \
             oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", \
             oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", \
             oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", \
             oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", \
             oauth_version=\"1.0\""
        );
    }

    #[test]
    fn extra_protocol_parameters_are_sent_and_signed() {
        let signer = Signer {
            consumer_key: "key",
            consumer_secret: "secret",
            token: None,
        };
        let url = Url::parse("https://p.example/oauth/request_token").unwrap();
        let callback = "https://app.example/coauth/result_page?a=1&b=two words";
        let header = signer.authorization(
            "POST",
            &url,
            &[],
            &[("oauth_callback", callback)],
            "n1",
            100,
        );
        let params = header_params(&header);
        let get = |name: &str| {
            params
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(get("oauth_callback"), callback);
        assert!(!params.iter().any(|(n, _)| n == "oauth_token"));
        // Recompute independently of the header builder: the callback is covered.
        let unsigned: Vec<_> = params
            .iter()
            .filter(|(n, _)| n != "oauth_signature")
            .cloned()
            .collect();
        let base = signature_base_string("POST", &url, &unsigned);
        assert_eq!(get("oauth_signature"), hmac_sha1(&base, "secret", ""));
        let tampered: Vec<_> = unsigned
            .iter()
            .map(|(n, v)| {
                let v = if n == "oauth_callback" {
                    "https://evil.example/".to_owned()
                } else {
                    v.clone()
                };
                (n.clone(), v)
            })
            .collect();
        let base = signature_base_string("POST", &url, &tampered);
        assert_ne!(get("oauth_signature"), hmac_sha1(&base, "secret", ""));
    }

    #[test]
    fn debug_hides_the_secrets() {
        let signer = Signer {
            consumer_key: "key",
            consumer_secret: "consumer-secret-value",
            token: Some(("tok", "token-secret-value")),
        };
        let text = format!("{signer:?}");
        assert!(!text.contains("secret-value"));
    }
}
