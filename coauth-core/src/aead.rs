//! XChaCha20-Poly1305, the AEAD that seals flows and sessions.
//!
//! The construction of draft-irtf-cfrg-xchacha: HChaCha20 of the key and the nonce's first
//! 16 bytes gives a subkey, and ChaCha20-Poly1305 (RFC 8439) under that subkey with the
//! nonce `0u32 || nonce[16..24]` encrypts and authenticates. HChaCha20 comes from RustCrypto's
//! `chacha20`, the inner ChaCha20-Poly1305 from `ring`, whose assembly is several times
//! faster on short messages than the portable code; the bytes are exactly those of
//! RustCrypto's `XChaCha20Poly1305`, which the tests check.

use chacha20::cipher::consts::U10;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey};

/// Length of a key.
pub(crate) const KEY_LEN: usize = 32;
/// Length of a nonce: 192 bits, so random nonces never repeat in practice.
pub(crate) const NONCE_LEN: usize = 24;
/// Length of the authentication tag.
pub(crate) const TAG_LEN: usize = 16;

/// An XChaCha20-Poly1305 key.
pub(crate) struct XChaCha20Poly1305 {
    key: [u8; KEY_LEN],
}

/// Decryption failed: the ciphertext, the tag, the nonce or the associated data is not what
/// was sealed under this key.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Forged;

impl XChaCha20Poly1305 {
    pub(crate) fn new(key: [u8; KEY_LEN]) -> Self {
        XChaCha20Poly1305 { key }
    }

    /// The ChaCha20-Poly1305 key and nonce of this key and `nonce`.
    fn inner(&self, nonce: &[u8; NONCE_LEN]) -> (LessSafeKey, Nonce) {
        let subkey = chacha20::hchacha::<U10>((&self.key).into(), nonce[..16].into());
        let key = UnboundKey::new(&CHACHA20_POLY1305, &subkey)
            .expect("a 32-byte key is a ChaCha20-Poly1305 key");
        let mut inner_nonce = [0u8; 12];
        inner_nonce[4..].copy_from_slice(&nonce[16..]);
        (
            LessSafeKey::new(key),
            Nonce::assume_unique_for_key(inner_nonce),
        )
    }

    /// Encrypts `in_out` in place and returns the tag.
    pub(crate) fn seal_in_place(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> [u8; TAG_LEN] {
        let (key, nonce) = self.inner(nonce);
        let tag = key
            .seal_in_place_separate_tag(nonce, Aad::from(aad), in_out)
            .expect("ChaCha20-Poly1305 seals any message shorter than 256 GiB");
        let mut out = [0u8; TAG_LEN];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// Checks and decrypts `in_out` (the ciphertext followed by its tag) in place; returns
    /// the plaintext, the start of `in_out`.
    pub(crate) fn open_in_place<'a>(
        &self,
        nonce: &[u8; NONCE_LEN],
        aad: &[u8],
        in_out: &'a mut [u8],
    ) -> Result<&'a mut [u8], Forged> {
        let (key, nonce) = self.inner(nonce);
        key.open_in_place(nonce, Aad::from(aad), in_out)
            .map_err(|_| Forged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};

    /// RustCrypto's `XChaCha20Poly1305`, the reference.
    fn reference(key: &[u8; KEY_LEN]) -> chacha20poly1305::XChaCha20Poly1305 {
        chacha20poly1305::XChaCha20Poly1305::new(key.into())
    }

    /// A deterministic byte pattern for `n` bytes.
    fn bytes(seed: u8, n: usize) -> Vec<u8> {
        (0..n)
            .map(|i| seed.wrapping_mul(31).wrapping_add(i as u8).wrapping_mul(7))
            .collect()
    }

    #[test]
    fn the_same_bytes_as_rustcrypto_for_every_length_and_both_open_each_other() {
        for (seed, len) in [0usize, 1, 15, 16, 17, 63, 64, 65, 255, 256, 450, 1000, 4096]
            .into_iter()
            .enumerate()
        {
            let seed = seed as u8;
            let key: [u8; KEY_LEN] = bytes(seed, KEY_LEN).try_into().unwrap();
            let nonce: [u8; NONCE_LEN] = bytes(seed ^ 0x55, NONCE_LEN).try_into().unwrap();
            let aad = bytes(seed ^ 0xaa, len % 40);
            let message = bytes(seed ^ 0x0f, len);
            let ours = XChaCha20Poly1305::new(key);
            let mut sealed = message.clone();
            let tag = ours.seal_in_place(&nonce, &aad, &mut sealed);
            let mut theirs = message.clone();
            let their_tag = reference(&key)
                .encrypt_in_place_detached((&nonce).into(), &aad, &mut theirs)
                .unwrap();
            assert_eq!(sealed, theirs, "ciphertext, {len} bytes");
            assert_eq!(&tag[..], their_tag.as_slice(), "tag, {len} bytes");

            let mut with_tag = [sealed.as_slice(), &tag].concat();
            assert_eq!(
                ours.open_in_place(&nonce, &aad, &mut with_tag).unwrap(),
                message.as_slice()
            );
            let by_reference = reference(&key)
                .encrypt(
                    (&nonce).into(),
                    Payload {
                        msg: &message,
                        aad: &aad,
                    },
                )
                .unwrap();
            let mut opened = by_reference.clone();
            assert_eq!(
                ours.open_in_place(&nonce, &aad, &mut opened).unwrap(),
                message.as_slice()
            );
        }
    }

    /// The test vector of draft-irtf-cfrg-xchacha-03, appendix A.3.1.
    #[test]
    fn the_draft_s_test_vector() {
        let hex = |text: &str| -> Vec<u8> {
            let text: String = text.split_whitespace().collect();
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
                .collect()
        };
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you \
only one tip for the future, sunscreen would be it.";
        let aad = hex("50515253c0c1c2c3c4c5c6c7");
        let key: [u8; KEY_LEN] =
            hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f")
                .try_into()
                .unwrap();
        let nonce: [u8; NONCE_LEN] = hex("404142434445464748494a4b4c4d4e4f5051525354555657")
            .try_into()
            .unwrap();
        let expected = hex(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb\
             731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452\
             2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9\
             21f9664c97637da9768812f615c68b13b52e",
        );
        let tag = hex("c0875924c1c7987947deafd8780acf49");
        let ours = XChaCha20Poly1305::new(key);
        let mut sealed = plaintext.to_vec();
        assert_eq!(ours.seal_in_place(&nonce, &aad, &mut sealed).to_vec(), tag);
        assert_eq!(sealed, expected);
    }

    #[test]
    fn any_change_is_refused() {
        let ours = XChaCha20Poly1305::new([1; KEY_LEN]);
        let nonce = [2; NONCE_LEN];
        let mut sealed = b"a message".to_vec();
        let tag = ours.seal_in_place(&nonce, b"aad", &mut sealed);
        let sealed = [sealed.as_slice(), &tag].concat();
        for byte in 0..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[byte] ^= 0x80;
            assert_eq!(
                ours.open_in_place(&nonce, b"aad", &mut tampered),
                Err(Forged)
            );
        }
        let mut other_aad = sealed.clone();
        assert_eq!(
            ours.open_in_place(&nonce, b"aae", &mut other_aad),
            Err(Forged)
        );
        let mut other_nonce = sealed.clone();
        let mut nonce2 = nonce;
        nonce2[23] ^= 1;
        assert_eq!(
            ours.open_in_place(&nonce2, b"aad", &mut other_nonce),
            Err(Forged)
        );
        let mut other_key = sealed.clone();
        assert_eq!(
            XChaCha20Poly1305::new([3; KEY_LEN]).open_in_place(&nonce, b"aad", &mut other_key),
            Err(Forged)
        );
        let mut short = sealed[..TAG_LEN - 1].to_vec();
        assert_eq!(ours.open_in_place(&nonce, b"aad", &mut short), Err(Forged));
    }
}
