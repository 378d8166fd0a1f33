//! Mastodon: every instance is its own provider, at its own origin, with the app registered
//! there (`POST /api/v1/apps` answers the client id and secret). The instance's origin is
//! checked when the preset is built: https only, no path, query or credentials, and a host
//! that the outbound address policy takes for a public destination (a private, loopback or
//! link-local address is refused, loopback only allowed with
//! [`Mastodon::allow_http_loopback`], for tests and local instances; a host name is checked
//! again, address by address, when the HTTP client resolves it). The client id and secret
//! go in the token request's body; PKCE is sent (Mastodon takes it since 4.3, and earlier
//! versions ignore it). The user is `/api/v1/accounts/verify_credentials` (scope
//! `read:accounts`), whose `id` is unique within its instance only: coauth's user id is
//! `{id}@{instance host}` and the username `{acct}@{instance host}`, so two instances'
//! users never share an id. Mastodon gives no email. Access tokens do not expire (no
//! refresh token). No silent sign-in.

use serde_json::Value;
use url::Url;

use super::platform::{ALLOW_HTTP_LOOPBACK, check_base_url};
use super::spec::{
    Hooks, OAuth2Preset, PresetBuilder, PresetContext, ProfileCall, ProfileUrl, Refresh,
    UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// Mastodon, declared. Both hosts are the instance's origin.
const MASTODON: OAuth2Preset = OAuth2Preset {
    name: "Mastodon",
    web: "{instance}",
    api: "{instance}",
    authorize: web("/oauth/authorize"),
    token: api("/oauth/token"),
    scopes: &["read:accounts"],
    client_auth: ClientAuth::Post,
    pkce: true,
    // `instance` is required (set by [`Mastodon::new`]); loopback is allowed with
    // [`Mastodon::allow_http_loopback`].
    vars: &[("instance", ""), (ALLOW_HTTP_LOOPBACK, "0")],
    profile: ProfileCall::bearer_get(api("/api/v1/accounts/verify_credentials")),
    user: UserFields {
        name: &["/display_name", "/username"],
        username: &["/acct"],
        avatar: &["/avatar"],
        profile_url: ProfileUrl::Field("/url"),
        ..UserFields::id("/id")
    },
    hooks: Hooks {
        request: None,
        user: Some(on_this_instance),
    },
    refresh: Refresh::No,
    check_vars: Some(public_origin),
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Mastodon preset, for one instance: its origin (`https://mastodon.social`) serves
    /// `/oauth/authorize`, `/oauth/token` and `/api/v1/accounts/verify_credentials` (it is
    /// both hosts).
    ///
    /// ```
    /// use coauth_core::presets::Mastodon;
    ///
    /// let mastodon = Mastodon::new("https://mastodon.social", "client-id", "secret").build()?;
    /// # let _ = mastodon;
    /// // A private address is no instance.
    /// assert!(Mastodon::new("https://10.0.0.8", "id", "secret").build().is_err());
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Mastodon = MASTODON, custom_new
}

impl Mastodon {
    /// The provider for the instance at `instance` (its origin, `https://mastodon.social`;
    /// checked at [`Mastodon::build`]) and the app registered there with the client id and
    /// secret.
    pub fn new(
        instance: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
    ) -> Self {
        let instance = instance.into().trim_end_matches('/').to_owned();
        let builder =
            PresetBuilder::new(Self::SPEC, client_id, client_secret).var("instance", instance);
        Mastodon { builder }
    }

    /// Accepts an instance on loopback (`localhost`, `127.0.0.1`, `::1`), plain http
    /// included: for tests and a local instance. Off by default. Private and link-local
    /// addresses stay refused.
    pub fn allow_http_loopback(mut self, allow: bool) -> Self {
        self.builder = self
            .builder
            .var(ALLOW_HTTP_LOOPBACK, if allow { "1" } else { "0" });
        self
    }
}

/// The instance's origin, checked: a base URL of a self-hosted server as every such preset
/// takes it ([`check_base_url`]: https, a host the outbound policy takes, no credentials,
/// query or fragment), with no path.
fn instance_origin(context: &PresetContext) -> Result<Url, ConfigError> {
    let base = check_base_url(
        "Mastodon instance",
        context.var("instance"),
        context.var(ALLOW_HTTP_LOOPBACK) == "1",
    )?;
    match Url::parse(&base) {
        Ok(url) if url.path() == "/" => Ok(url),
        _ => Err(ConfigError(
            "the Mastodon instance must be an origin, without a path".into(),
        )),
    }
}

/// Checks the instance at build time.
fn public_origin(context: &PresetContext) -> Result<(), ConfigError> {
    instance_origin(context).map(|_| ())
}

/// Says which instance the user is on: `{id}@{host}` and `{acct}@{host}`.
fn on_this_instance(
    context: &PresetContext,
    _: &mut Value,
    _: &Credentials,
    user: &mut User,
) -> Result<(), Error> {
    let origin = instance_origin(context)
        .map_err(|_| Error::Provider("Mastodon's instance is not a valid origin".into()))?;
    let host = match origin.port() {
        Some(port) => format!("{}:{port}", origin.host_str().unwrap_or_default()),
        None => origin.host_str().unwrap_or_default().to_owned(),
    };
    user.id = format!("{}@{host}", user.id);
    if let Some(acct) = user.username.take() {
        // A local account's `acct` is its bare username.
        let local = acct.split('@').next().unwrap_or(&acct).to_owned();
        user.username = Some(format!("{local}@{host}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    #[test]
    fn only_public_https_origins() {
        for instance in [
            "https://mastodon.social",
            "https://mastodon.social/",
            "https://fosstodon.org:8443",
        ] {
            assert!(
                Mastodon::new(instance, "id", "s").build().is_ok(),
                "{instance}"
            );
        }
        for instance in [
            "",
            "mastodon.social",
            "http://mastodon.social",
            "https://mastodon.social/path",
            "https://mastodon.social/?q=1",
            "https://user:pw@mastodon.social",
            "https://10.0.0.8",
            "https://192.168.1.20",
            "https://169.254.169.254",
            "https://[fe80::1]",
            "https://[::ffff:10.0.0.1]",
            "https://127.0.0.1",
            "http://localhost:3000",
        ] {
            assert!(
                Mastodon::new(instance, "id", "s").build().is_err(),
                "{instance:?}"
            );
        }
        // Loopback only with the opt-in; private addresses never.
        assert!(
            Mastodon::new("http://127.0.0.1:3000", "id", "s")
                .allow_http_loopback(true)
                .build()
                .is_ok()
        );
        assert!(
            Mastodon::new("http://[::1]:3000", "id", "s")
                .allow_http_loopback(true)
                .build()
                .is_ok()
        );
        assert!(
            Mastodon::new("https://10.0.0.8", "id", "s")
                .allow_http_loopback(true)
                .build()
                .is_err()
        );
        assert!(
            Mastodon::new("http://mastodon.social", "id", "s")
                .allow_http_loopback(true)
                .build()
                .is_err()
        );
        let provider = Mastodon::new("https://mastodon.social/", "id", "s")
            .build()
            .unwrap();
        assert_eq!(
            provider.config().token_url.as_str(),
            "https://mastodon.social/oauth/token"
        );
    }

    #[tokio::test]
    async fn ids_and_usernames_name_the_instance() {
        let http = |request: Request<Bytes>| {
            assert_eq!(
                request.uri(),
                "https://fosstodon.org/api/v1/accounts/verify_credentials"
            );
            let account = json!({"id": "14715", "username": "trwnh", "acct": "trwnh",
                "display_name": "infinite love ⴳ", "url": "https://fosstodon.org/@trwnh",
                "avatar": "https://files.fosstodon.example/a.png"});
            async move { Ok(Response::new(Bytes::from(account.to_string()))) }
        };
        let mastodon = Mastodon::new("https://fosstodon.org", "id", "secret");
        let (user, profile) =
            fetch_profile(mastodon.builder, &http, &test_credentials("t", json!({})))
                .await
                .unwrap();
        assert_eq!(user.id, "14715@fosstodon.org");
        assert_eq!(user.username.as_deref(), Some("trwnh@fosstodon.org"));
        assert_eq!(user.email, None);
        assert_eq!(profile["id"], "14715");
    }
}
