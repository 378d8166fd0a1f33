//! Mastodon: every instance is its own provider, at its own origin, with the app registered
//! there (`POST /api/v1/apps` answers the client id and secret). The instance's origin is
//! checked when the preset is built: https only, no path, query or credentials, and a host
//! that the outbound address policy takes for a public destination (a private, loopback or
//! link-local address is refused, loopback only allowed with
//! [`Mastodon::allow_loopback`], for tests and local instances; a host name is checked
//! again, address by address, when the HTTP client resolves it). The client id and secret
//! go in the token request's body; PKCE is sent (Mastodon takes it since 4.3, and earlier
//! versions ignore it). The user is `/api/v1/accounts/verify_credentials` (scope
//! `read:accounts`), whose `id` is unique within its instance only: coauth's user id is
//! `{id}@{instance host}` and the username `{acct}@{instance host}`, so two instances'
//! users never share an id. Mastodon gives no email. Access tokens do not expire (no
//! refresh token). No silent sign-in.

use serde_json::Value;
use url::Url;

use super::spec::{
    Hooks, OAuth2Preset, PresetBuilder, PresetContext, ProfileCall, ProfileUrl, Refresh,
    UserFields, api, preset, web,
};
use crate::net::{Reach, host_reach};
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
    // `instance` is required (set by [`Mastodon::new`]); `loopback` is `allowed` with
    // [`Mastodon::allow_loopback`].
    vars: &[("instance", ""), ("loopback", "refused")],
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
    /// included: for tests and a local instance. Private and link-local addresses stay
    /// refused.
    pub fn allow_loopback(mut self) -> Self {
        self.builder = self.builder.var("loopback", "allowed");
        self
    }
}

/// The instance's origin, checked: https (http on allowed loopback), a host the outbound
/// policy takes, no credentials, path, query or fragment.
fn instance_origin(context: &PresetContext) -> Result<Url, ConfigError> {
    let refused = |why: &str| {
        ConfigError(format!(
            "Mastodon's instance must be an https origin: {why}"
        ))
    };
    let url = Url::parse(context.var("instance")).map_err(|_| refused("not a URL"))?;
    let host = url.host_str().ok_or_else(|| refused("no host"))?;
    let loopback_allowed = context.var("loopback") == "allowed";
    match host_reach(host) {
        Reach::Public => {}
        Reach::Loopback if loopback_allowed => {}
        Reach::Loopback => return Err(refused("a loopback host needs allow_loopback")),
        Reach::Refused => {
            return Err(refused(
                "a private, link-local or reserved address is not an instance",
            ));
        }
    }
    match url.scheme() {
        "https" => {}
        "http" if loopback_allowed && host_reach(host) == Reach::Loopback => {}
        _ => return Err(refused("plain http only on an allowed loopback host")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused("no credentials"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(refused("no path, query or fragment"));
    }
    Ok(url)
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
                .allow_loopback()
                .build()
                .is_ok()
        );
        assert!(
            Mastodon::new("http://[::1]:3000", "id", "s")
                .allow_loopback()
                .build()
                .is_ok()
        );
        assert!(
            Mastodon::new("https://10.0.0.8", "id", "s")
                .allow_loopback()
                .build()
                .is_err()
        );
        assert!(
            Mastodon::new("http://mastodon.social", "id", "s")
                .allow_loopback()
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
