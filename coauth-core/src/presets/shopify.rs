//! Shopify: one shop per provider (`{shop}.myshopify.com`, checked strictly when the preset
//! is built), comma-separated scopes, the client id and secret in the token request's body,
//! and online access (`grant_options[]=per-user`), whose token answer carries the staff
//! member who signed in (`associated_user`: `id`, `first_name`, `last_name`, `email`,
//! `email_verified`): there is no profile call. Shopify signs its redirect: `hmac` is the
//! hex HMAC-SHA256, keyed with the client secret, of the other parameters sorted and joined
//! (`k=v&k=v`, with `%`, `&` escaped in both and `=` in names), and coauth refuses a
//! redirect whose signature does not match, or that names another shop, before the code is
//! exchanged. Online access tokens expire with the staff member's session (about a day) and
//! come without a refresh token. No PKCE and no silent sign-in. The scopes are the app's;
//! none is sent unless the client asks.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::spec::{
    EmailVerified, OAuth2Preset, PresetContext, Refresh, UserFields, api, preset, web,
};
use crate::crypto::constant_time_eq;
use crate::oauth2::ClientAuth;
use crate::{ConfigError, Error};

/// Shopify, declared. Both hosts are the shop's.
const SHOPIFY: OAuth2Preset = OAuth2Preset {
    name: "Shopify",
    web: "https://{shop}",
    api: "https://{shop}",
    authorize: web("/admin/oauth/authorize"),
    token: api("/admin/oauth/access_token"),
    scopes: &[],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: false,
    // Online access: the token answer names the staff member.
    authorize_params: &[("grant_options[]", "per-user")],
    redirect_params: &["hmac", "host", "shop", "timestamp"],
    // Required: set by [`Shopify::new`].
    vars: &[("shop", "")],
    user_in_token: Some("/associated_user"),
    user: UserFields {
        full_name: Some(("/first_name", "/last_name")),
        email: &["/email"],
        email_verified: EmailVerified::Field("/email_verified"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::No,
    redirect_check: Some(signed_by_shopify),
    check_vars: Some(shop_domain),
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Shopify preset, for the staff of one shop: its `*.myshopify.com` domain serves
    /// `/admin/oauth/authorize` and `/admin/oauth/access_token` (it is both hosts).
    ///
    /// ```
    /// use coauth_core::presets::Shopify;
    ///
    /// let shopify = Shopify::new("my-store.myshopify.com", "client-id", "secret").build()?;
    /// # let _ = shopify;
    /// assert!(Shopify::new("my-store.example", "id", "secret").build().is_err());
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Shopify = SHOPIFY, custom_new
}

impl Shopify {
    /// The provider for the shop `shop` (`my-store.myshopify.com`, checked at
    /// [`Shopify::build`]) and the app registered with the client id and secret.
    pub fn new(
        shop: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
    ) -> Self {
        let builder =
            super::spec::PresetBuilder::new(Self::SPEC, client_id, client_secret).var("shop", shop);
        Shopify { builder }
    }
}

/// The shop is `name.myshopify.com`: `name` starts with a letter or digit and has letters,
/// digits and hyphens only (nothing that could change the host: no dot, slash, `@` or port).
fn shop_domain(context: &PresetContext) -> Result<(), ConfigError> {
    let shop = context.var("shop");
    let valid = shop.strip_suffix(".myshopify.com").is_some_and(|name| {
        name.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if valid {
        Ok(())
    } else {
        Err(ConfigError(
            "Shopify's shop must be the shop's domain, such as my-store.myshopify.com".into(),
        ))
    }
}

/// The redirect is signed with the client secret and names this shop.
fn signed_by_shopify(
    context: &PresetContext,
    params: &BTreeMap<String, String>,
) -> Result<(), Error> {
    let refused = |why: &str| Err(Error::Input(format!("Shopify's redirect {why}")));
    let Some(hmac) = params.get("hmac") else {
        return refused("is not signed (no hmac)");
    };
    let expected = signature(context.secret.expose(), params);
    if !constant_time_eq(&hmac.to_ascii_lowercase(), &expected) {
        return refused("has an hmac that does not match its parameters");
    }
    if params.get("shop").map(String::as_str) != Some(context.var("shop")) {
        return refused("names another shop");
    }
    Ok(())
}

/// The hex HMAC-SHA256 Shopify puts in `hmac`: every parameter but `hmac`, as `name=value`
/// with `%` and `&` escaped (and `=` in names), sorted, joined with `&`.
pub(crate) fn signature(secret: &str, params: &BTreeMap<String, String>) -> String {
    let escape = |text: &str| text.replace('%', "%25").replace('&', "%26");
    let mut pairs: Vec<String> = params
        .iter()
        .filter(|(name, _)| *name != "hmac")
        .map(|(name, value)| format!("{}={}", escape(name).replace('=', "%3D"), escape(value)))
        .collect();
    pairs.sort_unstable();
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(pairs.join("&").as_bytes());
    super::spec::hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> PresetContext {
        PresetContext {
            client_id: "id".into(),
            secret: "hush".into(),
            vars: vec![("shop", "some-shop.myshopify.com".into())],
        }
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn the_signature_of_shopify_s_example() {
        // Shopify's documented example: secret `hush`.
        let example = params(&[
            ("code", "0907a61c0c8d55e99db179b68161bc00"),
            ("shop", "some-shop.myshopify.com"),
            ("state", "0.6784241404160823"),
            ("timestamp", "1337178173"),
        ]);
        assert_eq!(
            signature("hush", &example),
            "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
        );
        let mut signed = example.clone();
        signed.insert(
            "hmac".into(),
            "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf".into(),
        );
        assert!(signed_by_shopify(&context(), &signed).is_ok());
        let mut tampered = signed.clone();
        tampered.insert("timestamp".into(), "1337178174".into());
        assert!(signed_by_shopify(&context(), &tampered).is_err());
        let mut unsigned = signed.clone();
        unsigned.remove("hmac");
        assert_eq!(
            signed_by_shopify(&context(), &unsigned).unwrap_err().code(),
            "InputError"
        );
    }

    #[test]
    fn another_shop_is_refused_even_when_signed() {
        let mut other = params(&[
            ("code", "c"),
            ("shop", "other.myshopify.com"),
            ("state", "s"),
        ]);
        let hmac = signature("hush", &other);
        other.insert("hmac".into(), hmac);
        assert!(signed_by_shopify(&context(), &other).is_err());
    }

    #[test]
    fn delimiters_are_escaped_before_signing() {
        // `a=b&c` as one value must not sign like the two parameters `a=b` and `c`.
        let one = params(&[("a", "b&c=d")]);
        let two = params(&[("a", "b"), ("c", "d")]);
        assert_ne!(signature("k", &one), signature("k", &two));
    }

    #[test]
    fn only_myshopify_domains() {
        for shop in [
            "my-store.myshopify.com",
            "a.myshopify.com",
            "7shop.myshopify.com",
        ] {
            assert!(Shopify::new(shop, "id", "s").build().is_ok(), "{shop}");
        }
        for shop in [
            "",
            "my-store",
            "-store.myshopify.com",
            "my.store.myshopify.com",
            "evil.example/x.myshopify.com",
            "evil.example#.myshopify.com",
            "user@evil.example?.myshopify.com",
            "store.myshopify.com.evil.example",
            "store.myshopify.com:8443",
            ".myshopify.com",
        ] {
            assert!(Shopify::new(shop, "id", "s").build().is_err(), "{shop:?}");
        }
        let provider = Shopify::new("my-store.myshopify.com", "id", "s")
            .build()
            .unwrap();
        assert_eq!(
            provider.config().authorize_url.as_str(),
            "https://my-store.myshopify.com/admin/oauth/authorize"
        );
        assert_eq!(
            provider.config().extra_authorize_params,
            [("grant_options[]".to_owned(), "per-user".to_owned())]
        );
    }
}
