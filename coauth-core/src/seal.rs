//! Flow sealing: everything the result step needs, carried by the browser in an AEAD blob.
//!
//! The server keeps nothing per pending sign-in. `auth_url` seals a [`FlowState`] with
//! XChaCha20-Poly1305 under a key derived by HKDF-SHA256 from the app secret; `result` opens
//! it. The blob is `base64url(version | key id | nonce | ciphertext)`. The version, the key id
//! and the provider name are authenticated as associated data, so a blob cannot be replayed
//! against another provider and a blob from another deployment (another secret) is refused by
//! its unknown key id before decryption is even tried.
//!
//! An account-linking flow also carries a tag of the app user who started it: HMAC-SHA256
//! of the user id under a second key derived from the same secret, so the blob holds no user
//! id and `result` can check that the same user finishes the flow.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::Error;
use crate::aead::{NONCE_LEN, TAG_LEN, XChaCha20Poly1305};
use crate::crypto::random_bytes;

/// The blob format version; also the first byte of every blob.
const VERSION: u8 = 1;
const KEY_ID_LEN: usize = 4;
/// Blobs longer than this are refused before any decoding or decryption.
pub(crate) const MAX_BLOB_LEN: usize = 4096;
/// Clock skew tolerated between servers that share the secret.
pub(crate) const ISSUED_AT_LEEWAY_SECS: u64 = 60;

/// What `auth_url` hands to `result`, sealed inside the flow blob.
///
/// Its `Debug` (below) leaves out every secret it holds: `state`, the PKCE verifier, the
/// nonce, the binding cookie's hash, the linking user's tag and the provider's sealed data
/// (the OAuth 1.0a request token and its secret). SECURITY.md item 30.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct FlowState {
    /// Name of the provider the flow was started with.
    pub provider: String,
    /// The exact redirect URI sent to the provider.
    pub redirect_uri: String,
    /// The Origin of the page that started the flow.
    pub origin: String,
    /// The app's identity value from the client, returned as-is in the result.
    pub identity: serde_json::Value,
    /// `true` for a silent (hidden iframe) attempt.
    pub silent: bool,
    /// The OAuth `state` sent to the provider.
    pub state: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// The OpenID Connect nonce.
    pub nonce: String,
    /// SHA-256 (base64url) of the browser's binding cookie.
    pub binding: String,
    /// For an account-linking flow (a non-null `identity`): the tag of the app user who
    /// started it ([`Opened::linking_user_tag`]). Absent from every other flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linking_user: Option<String>,
    /// Provider-specific data produced by [`crate::Provider::start`].
    pub provider_data: serde_json::Value,
    /// The OAuth 1.0a request token the redirect must carry instead of `state`
    /// ([`crate::Started::bound_to_request_token`]). Absent from every other flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_token: Option<String>,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: u64,
}

impl std::fmt::Debug for FlowState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const REDACTED: &str = "[redacted]";
        f.debug_struct("FlowState")
            .field("provider", &self.provider)
            .field("redirect_uri", &self.redirect_uri)
            .field("origin", &self.origin)
            .field("identity", &self.identity)
            .field("silent", &self.silent)
            .field("state", &REDACTED)
            .field("verifier", &REDACTED)
            .field("nonce", &REDACTED)
            .field("binding", &REDACTED)
            .field(
                "linking_user",
                &self.linking_user.as_ref().map(|_| REDACTED),
            )
            .field("provider_data", &REDACTED)
            .field(
                "request_token",
                &self.request_token.as_ref().map(|_| REDACTED),
            )
            .field("iat", &self.iat)
            .field("exp", &self.exp)
            .finish()
    }
}

/// What a key is for: the HKDF salt and labels it is derived with, so that keys (and key
/// ids) of different uses never coincide even under one app secret.
pub(crate) struct Purpose {
    salt: &'static [u8],
    key: &'static [u8],
    id: &'static [u8],
}

/// The flow blobs' keys.
const FLOW: Purpose = Purpose {
    salt: b"coauth flow sealing",
    key: b"coauth flow key v1",
    id: b"coauth flow key id v1",
};

/// The session cookies' keys.
pub(crate) const SESSION: Purpose = Purpose {
    salt: b"coauth session sealing",
    key: b"coauth session key v1",
    id: b"coauth session key id v1",
};

/// An AEAD key derived from an app secret for one [`Purpose`], with its public id.
struct AeadKey {
    id: [u8; KEY_ID_LEN],
    cipher: XChaCha20Poly1305,
}

impl AeadKey {
    fn derive(hkdf: &Hkdf<Sha256>, purpose: &Purpose) -> Self {
        let mut key = [0u8; 32];
        let mut id = [0u8; KEY_ID_LEN];
        // Both lengths are far below HKDF-SHA256's limit of 255 * 32 bytes.
        hkdf.expand(purpose.key, &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        hkdf.expand(purpose.id, &mut id)
            .expect("4 bytes is a valid HKDF-SHA256 output length");
        AeadKey {
            id,
            cipher: XChaCha20Poly1305::new(key),
        }
    }
}

/// Why a sealed value could not be made.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum SealError {
    /// The value does not serialize to JSON.
    NotJson,
    /// The sealed value would be this many characters, more than allowed.
    TooLong(usize),
}

/// Why a sealed value did not open. Says which check failed, nothing of the content.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum OpenError {
    /// Longer than allowed: refused before decoding.
    TooLong,
    /// Sealed under a key id this app does not have (another deployment or a retired secret).
    UnknownKey,
    /// Not base64url, too short, another version, tampered with, sealed for another label,
    /// or not the JSON expected.
    Invalid,
}

/// The current key of one [`Purpose`] and those of earlier secrets, which still open (key
/// rotation). A sealed value is `base64url(version | key id | nonce | ciphertext | tag)`;
/// the version, the key id and a label (what the value is for: a flow's provider, a
/// cookie's name) are authenticated as associated data.
pub(crate) struct Keyring {
    /// The current key first, then the previous ones.
    keys: Vec<AeadKey>,
}

impl Keyring {
    /// The keys of `purpose` for `secret` and `previous` secrets; each secret's HKDF is
    /// handed to `also` too, for the caller's other keys of the same secret.
    fn derive_with(
        secret: &[u8],
        previous: &[Vec<u8>],
        purpose: &Purpose,
        mut also: impl FnMut(&Hkdf<Sha256>),
    ) -> Self {
        let keys = std::iter::once(secret)
            .chain(previous.iter().map(Vec::as_slice))
            .map(|secret| {
                let hkdf = Hkdf::<Sha256>::new(Some(purpose.salt), secret);
                also(&hkdf);
                AeadKey::derive(&hkdf, purpose)
            })
            .collect();
        Keyring { keys }
    }

    /// The keys of `purpose` for `secret` and `previous` secrets.
    pub(crate) fn new(secret: &[u8], previous: &[Vec<u8>], purpose: &Purpose) -> Self {
        Self::derive_with(secret, previous, purpose, |_| {})
    }

    /// Seals `value` as JSON under the current key for `label`; at most `max_len`
    /// characters.
    pub(crate) fn seal(
        &self,
        label: &[u8],
        value: &impl Serialize,
        max_len: usize,
    ) -> Result<String, SealError> {
        const HEADER_LEN: usize = 1 + KEY_ID_LEN + NONCE_LEN;
        let key = &self.keys[0];
        // One buffer: the header, then the JSON, encrypted in place, then the tag.
        let mut blob = Vec::with_capacity(512);
        blob.push(VERSION);
        blob.extend_from_slice(&key.id);
        blob.extend_from_slice(&random_bytes::<NONCE_LEN>());
        serde_json::to_writer(&mut blob, value).map_err(|_| SealError::NotJson)?;
        // base64url without padding of version, key id, nonce, ciphertext and tag.
        let sealed_len = ((blob.len() + TAG_LEN) * 4).div_ceil(3);
        if sealed_len > max_len {
            return Err(SealError::TooLong(sealed_len));
        }
        let aad = associated_data(&key.id, label);
        let (header, plaintext) = blob.split_at_mut(HEADER_LEN);
        let nonce: &[u8; NONCE_LEN] = header[1 + KEY_ID_LEN..]
            .try_into()
            .expect("the header ends with the nonce");
        let tag = key.cipher.seal_in_place(nonce, &aad, plaintext);
        blob.extend_from_slice(&tag);
        let blob = URL_SAFE_NO_PAD.encode(blob);
        debug_assert_eq!(blob.len(), sealed_len);
        Ok(blob)
    }

    /// Opens a value sealed for `label` under any of the keys; returns it with the index of
    /// the key that opened it (0: the current one).
    pub(crate) fn open<T: DeserializeOwned>(
        &self,
        label: &[u8],
        blob: &str,
        max_len: usize,
    ) -> Result<(T, usize), OpenError> {
        if blob.len() > max_len {
            return Err(OpenError::TooLong);
        }
        let mut raw = URL_SAFE_NO_PAD
            .decode(blob)
            .map_err(|_| OpenError::Invalid)?;
        if raw.len() < 1 + KEY_ID_LEN + NONCE_LEN + TAG_LEN || raw[0] != VERSION {
            return Err(OpenError::Invalid);
        }
        let key_id = &raw[1..1 + KEY_ID_LEN];
        let (index, key) = self
            .keys
            .iter()
            .enumerate()
            .find(|(_, key)| key.id == key_id)
            .ok_or(OpenError::UnknownKey)?;
        let aad = associated_data(&key.id, label);
        let (header, sealed) = raw.split_at_mut(1 + KEY_ID_LEN + NONCE_LEN);
        let nonce: &[u8; NONCE_LEN] = header[1 + KEY_ID_LEN..]
            .try_into()
            .expect("the header ends with the nonce");
        let plaintext = key
            .cipher
            .open_in_place(nonce, &aad, sealed)
            .map_err(|_| OpenError::Invalid)?;
        let value = serde_json::from_slice(plaintext).map_err(|_| OpenError::Invalid)?;
        Ok((value, index))
    }
}

fn associated_data(key_id: &[u8; KEY_ID_LEN], label: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(1 + KEY_ID_LEN + label.len());
    aad.push(VERSION);
    aad.extend_from_slice(key_id);
    aad.extend_from_slice(label);
    aad
}

/// A flow that opened, with the linking key of the secret it was sealed under.
pub(crate) struct Opened<'a> {
    /// The flow's content.
    pub state: FlowState,
    linking: &'a Hmac<Sha256>,
}

impl std::fmt::Debug for Opened<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Opened<'_> {
    /// The linking user tag of `user_id` under the key this flow was sealed with, to compare
    /// with [`FlowState::linking_user`]: a flow started before a key rotation still checks
    /// against the tag it was started with.
    pub(crate) fn linking_user_tag(&self, user_id: &str) -> String {
        linking_user_tag(self.linking, user_id)
    }
}

/// base64url of HMAC-SHA256(linking key, `user_id`).
fn linking_user_tag(key: &Hmac<Sha256>, user_id: &str) -> String {
    let mut mac = key.clone();
    mac.update(user_id.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Seals and opens flow blobs with the current key, and opens blobs of earlier keys.
pub(crate) struct FlowSealer {
    keys: Keyring,
    /// HMAC-SHA256 keyed for the linking user tag, one per key of `keys`, in its order;
    /// cloned for each tag.
    linking: Vec<Hmac<Sha256>>,
}

impl FlowSealer {
    /// A sealer for `secret`, able to open blobs sealed under any of `previous`.
    pub(crate) fn new(secret: &[u8], previous: &[Vec<u8>]) -> Self {
        let mut linking = Vec::with_capacity(1 + previous.len());
        let keys = Keyring::derive_with(secret, previous, &FLOW, |hkdf| {
            let mut key = [0u8; 32];
            hkdf.expand(b"coauth linking user key v1", &mut key)
                .expect("32 bytes is a valid HKDF-SHA256 output length");
            linking.push(
                <Hmac<Sha256> as Mac>::new_from_slice(&key)
                    .expect("HMAC takes a key of any length"),
            );
        });
        FlowSealer { keys, linking }
    }

    /// The linking user tag of `user_id` under the current key, for a flow sealed now.
    pub(crate) fn linking_user_tag(&self, user_id: &str) -> String {
        linking_user_tag(&self.linking[0], user_id)
    }

    /// Seals `state` into a URL-safe blob.
    ///
    /// A blob longer than [`FlowSealer::open`] accepts ([`MAX_BLOB_LEN`]) is refused here,
    /// so `auth_url` never hands out a flow that `result` would refuse (SECURITY.md item
    /// 37). With the caps on what the client sends (`identity`, see
    /// [`crate::protocol::MAX_IDENTITY_BYTES`]) only a configuration or a provider that
    /// seals unusually long values reaches that limit, so the error is the server's
    /// ([`Error::Provider`], 500), with the sizes for the app's log.
    pub(crate) fn seal(&self, state: &FlowState) -> Result<String, Error> {
        self.keys
            .seal(state.provider.as_bytes(), state, MAX_BLOB_LEN)
            .map_err(|error| match error {
                SealError::NotJson => Error::Provider(
                    "the sign-in flow could not be sealed: its data is not JSON".into(),
                ),
                SealError::TooLong(sealed_len) => Error::Provider(format!(
                    "the sign-in flow would be {sealed_len} characters, more than the \
                     {MAX_BLOB_LEN} the result step accepts: the configured redirect URI or \
                     origin, or the data the provider seals, are too long"
                )),
            })
    }

    /// Opens a blob sealed for `provider` and checks its lifetime against `now`.
    ///
    /// Every failure is an [`Error::Input`] with a message that says which check failed but
    /// nothing of the content.
    pub(crate) fn open(&self, blob: &str, provider: &str, now: u64) -> Result<Opened<'_>, Error> {
        let invalid = || Error::Input("the sign-in flow is invalid; start again".into());
        let (state, index): (FlowState, usize) = self
            .keys
            .open(provider.as_bytes(), blob, MAX_BLOB_LEN)
            .map_err(|error| match error {
                OpenError::TooLong => Error::Input("the sign-in flow is too long".into()),
                OpenError::UnknownKey => Error::Input(
                    "the sign-in flow was sealed with an unknown key; start again".into(),
                ),
                OpenError::Invalid => invalid(),
            })?;
        if state.provider != provider {
            return Err(invalid());
        }
        if now >= state.exp {
            return Err(Error::Input(
                "the sign-in flow has expired; start again".into(),
            ));
        }
        if state.iat > now + ISSUED_AT_LEEWAY_SECS {
            return Err(invalid());
        }
        Ok(Opened {
            state,
            linking: &self.linking[index],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"an app secret of at least thirty-two bytes";

    fn state(provider: &str, iat: u64) -> FlowState {
        FlowState {
            provider: provider.into(),
            redirect_uri: "https://app.example/coauth/result_page".into(),
            origin: "https://app.example".into(),
            identity: serde_json::json!({"user": 7}),
            silent: false,
            state: "st".into(),
            verifier: "ver".into(),
            nonce: "non".into(),
            binding: "bind".into(),
            linking_user: None,
            provider_data: serde_json::Value::Null,
            request_token: None,
            iat,
            exp: iat + 600,
        }
    }

    #[test]
    fn round_trip() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let original = state("github", 1000);
        let blob = sealer.seal(&original).unwrap();
        assert_eq!(sealer.open(&blob, "github", 1001).unwrap().state, original);
    }

    #[test]
    fn blob_hides_its_content() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let blob = sealer.seal(&state("github", 1000)).unwrap();
        let raw = URL_SAFE_NO_PAD.decode(&blob).unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("ver") && !text.contains("app.example"));
    }

    #[test]
    fn every_flipped_bit_is_refused() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let blob = sealer.seal(&state("github", 1000)).unwrap();
        let raw = URL_SAFE_NO_PAD.decode(&blob).unwrap();
        for byte in 0..raw.len() {
            let mut tampered = raw.clone();
            tampered[byte] ^= 0x01;
            let tampered = URL_SAFE_NO_PAD.encode(tampered);
            let error = sealer.open(&tampered, "github", 1001).unwrap_err();
            assert_eq!(error.code(), "InputError", "byte {byte}");
        }
    }

    #[test]
    fn expired_blob_is_refused() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let blob = sealer.seal(&state("github", 1000)).unwrap();
        assert!(sealer.open(&blob, "github", 1599).is_ok());
        let error = sealer.open(&blob, "github", 1600).unwrap_err();
        assert!(error.to_string().contains("expired"));
    }

    #[test]
    fn blob_from_the_future_is_refused() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let blob = sealer.seal(&state("github", 5000)).unwrap();
        assert!(sealer.open(&blob, "github", 1000).is_err());
    }

    #[test]
    fn other_provider_is_refused() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let blob = sealer.seal(&state("github", 1000)).unwrap();
        assert_eq!(
            sealer.open(&blob, "google", 1001).unwrap_err().code(),
            "InputError"
        );
    }

    #[test]
    fn foreign_key_is_refused() {
        let ours = FlowSealer::new(SECRET, &[]);
        let theirs = FlowSealer::new(b"another secret, also thirty-two bytes long", &[]);
        let blob = theirs.seal(&state("github", 1000)).unwrap();
        let error = ours.open(&blob, "github", 1001).unwrap_err();
        assert!(error.to_string().contains("unknown key"));
    }

    #[test]
    fn rotation_opens_blobs_of_previous_keys_only() {
        let old_secret = b"the old secret, thirty-two bytes or longer".to_vec();
        let old = FlowSealer::new(&old_secret, &[]);
        let blob = old.seal(&state("github", 1000)).unwrap();
        let rotated = FlowSealer::new(SECRET, &[old_secret]);
        assert!(rotated.open(&blob, "github", 1001).is_ok());
        let retired = FlowSealer::new(SECRET, &[]);
        assert!(retired.open(&blob, "github", 1001).is_err());
    }

    #[test]
    fn linking_user_tags_are_keyed_hmacs_of_the_user_id() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let alice = sealer.linking_user_tag("alice");
        assert_eq!(alice, sealer.linking_user_tag("alice"));
        assert_eq!(alice.len(), 43);
        assert!(!alice.contains("alice"));
        assert_ne!(alice, sealer.linking_user_tag("bob"));
        assert_ne!(alice, crate::crypto::sha256_b64(b"alice"));
        let other = FlowSealer::new(b"another secret, also thirty-two bytes long", &[]);
        assert_ne!(alice, other.linking_user_tag("alice"));
    }

    #[test]
    fn an_opened_flow_tags_with_the_key_it_was_sealed_under() {
        let old_secret = b"the old secret, thirty-two bytes or longer".to_vec();
        let old = FlowSealer::new(&old_secret, &[]);
        let mut linking = state("github", 1000);
        linking.linking_user = Some(old.linking_user_tag("alice"));
        let blob = old.seal(&linking).unwrap();
        let rotated = FlowSealer::new(SECRET, &[old_secret]);
        let opened = rotated.open(&blob, "github", 1001).unwrap();
        assert_eq!(opened.state, linking);
        assert_eq!(
            opened.state.linking_user.as_deref(),
            Some(opened.linking_user_tag("alice").as_str())
        );
        assert_ne!(
            rotated.linking_user_tag("alice"),
            opened.linking_user_tag("alice")
        );
    }

    /// A flow too long for `open` is an error at `seal`, never a blob `result` refuses; the
    /// largest values a client can make sealed (SECURITY.md item 37), next to the longest
    /// OAuth 1.0a request token and secret, a 64-character provider name and a
    /// 200-character redirect URI, still give a blob that opens.
    #[test]
    fn seal_refuses_what_open_would_refuse_and_the_largest_client_values_fit() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let mut huge = state("github", 1000);
        huge.provider_data = serde_json::json!({ "oauth_token_secret": "s".repeat(4000) });
        let error = sealer.seal(&huge).unwrap_err();
        assert_eq!(error.code(), "ProviderError");
        assert!(error.to_string().contains("4096"), "{error}");
        assert!(!error.to_string().contains("sss"), "{error}");

        let provider = "p".repeat(64);
        let mut largest = state(&provider, 1000);
        largest.redirect_uri = format!("https://app.example/{}", "r".repeat(180));
        // The largest identity the protocol accepts, counted as serialized JSON.
        let text = "i".repeat(crate::protocol::MAX_IDENTITY_BYTES - 2);
        largest.identity = serde_json::Value::String(text);
        crate::protocol::check_identity(&largest.identity).unwrap();
        largest.linking_user = Some(sealer.linking_user_tag("alice"));
        largest.state = "s".repeat(43);
        largest.verifier = "v".repeat(43);
        largest.nonce = "n".repeat(43);
        largest.binding = "b".repeat(43);
        // The OAuth 1.0a engine refuses longer ones (`MAX_REQUEST_TOKEN_LEN` in oauth1.rs).
        largest.provider_data = serde_json::json!({
            "oauth_token": "t".repeat(512),
            "oauth_token_secret": "s".repeat(512),
        });
        let blob = sealer.seal(&largest).unwrap();
        assert!(blob.len() <= MAX_BLOB_LEN, "{}", blob.len());
        assert_eq!(sealer.open(&blob, &provider, 1001).unwrap().state, largest);
    }

    /// `Debug` of a flow, sealed or opened, shows none of the secrets it carries.
    #[test]
    fn debug_hides_the_flows_secrets() {
        let sealer = FlowSealer::new(SECRET, &[]);
        let mut flow = state("twitter", 1000);
        flow.state = "state-value-xyz".into();
        flow.verifier = "verifier-value-xyz".into();
        flow.nonce = "nonce-value-xyz".into();
        flow.binding = "binding-hash-xyz".into();
        flow.linking_user = Some("linking-tag-xyz".into());
        flow.provider_data = serde_json::json!({
            "oauth_token": "request-token-xyz",
            "oauth_token_secret": "token-secret-xyz",
        });
        let blob = sealer.seal(&flow).unwrap();
        let opened = sealer.open(&blob, "twitter", 1001).unwrap();
        for text in [
            format!("{flow:?}"),
            format!("{flow:#?}"),
            format!("{opened:?}"),
        ] {
            assert!(
                text.contains("twitter") && text.contains("[redacted]"),
                "{text}"
            );
            assert!(!text.contains("xyz"), "{text}");
        }
    }

    #[test]
    fn garbage_and_oversize_are_refused_without_panic() {
        let sealer = FlowSealer::new(SECRET, &[]);
        for blob in [
            "",
            "!!!",
            "AQ",
            &"A".repeat(MAX_BLOB_LEN + 1),
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert_eq!(
                sealer.open(blob, "github", 1).unwrap_err().code(),
                "InputError"
            );
        }
    }
}
