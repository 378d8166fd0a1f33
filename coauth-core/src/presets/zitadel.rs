//! ZITADEL: OpenID Connect at the instance's URL (`https://my-instance-abc123.zitadel.cloud`,
//! a custom domain, or a self-hosted instance), which is also the issuer; the endpoints
//! are `/oauth/v2/authorize`, `/oauth/v2/token` and `/oauth/v2/keys`, and userinfo is
//! `/oidc/v1/userinfo`. ID tokens carry the profile claims only when the application's
//! "User Info inside ID Token" is on, so the claims are read from userinfo too.
//! `email_verified` is ZITADEL's flag, and `offline_access` brings a refresh token when the
//! application allows the refresh grant. ZITADEL does not document how `prompt=none`
//! answers a signed-out user: silent sign-in is off. The base URL must be https; an
//! instance on loopback only with [`Zitadel::allow_http_loopback`].

use super::platform::{ALLOW_HTTP_LOOPBACK, check_base_url};
use super::spec::{OidcPreset, OidcPresetBuilder, PresetContext, preset};
use crate::ConfigError;

/// ZITADEL, declared (zitadel.com/docs/apis/openidoauth/endpoints).
const ZITADEL: OidcPreset = OidcPreset {
    name: "ZITADEL",
    issuer: "{base}",
    authorize: "{base}/oauth/v2/authorize",
    token: "{base}/oauth/v2/token",
    jwks: "{base}/oauth/v2/keys",
    userinfo: Some("{base}/oidc/v1/userinfo"),
    silent: false,
    vars: &[("base", ""), (ALLOW_HTTP_LOOPBACK, "")],
    check_vars: Some(check_vars),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The ZITADEL preset, for one instance.
    ///
    /// ```
    /// use coauth_core::presets::Zitadel;
    /// let zitadel = Zitadel::new(
    ///     "client-id",
    ///     "client-secret",
    ///     "https://my-instance-abc123.zitadel.cloud",
    /// )
    /// .build()?;
    /// # let _ = zitadel;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Zitadel = ZITADEL, custom_new
}

impl Zitadel {
    /// The application `client_id` of the instance at `instance_url` (https, the instance's
    /// domain, no path). Checked at `build`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
        instance_url: impl Into<String>,
    ) -> Zitadel {
        let base = instance_url.into().trim_end_matches('/').to_owned();
        Zitadel {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, client_secret).var("base", base),
        }
    }

    /// Allows an instance on loopback, plain http included (a local ZITADEL in
    /// development). Off by default.
    pub fn allow_http_loopback(mut self, allow: bool) -> Zitadel {
        self.builder = self
            .builder
            .var(ALLOW_HTTP_LOOPBACK, if allow { "1" } else { "" });
        self
    }
}

fn check_vars(context: &PresetContext) -> Result<(), ConfigError> {
    let base = check_base_url(
        "ZITADEL",
        context.var("base"),
        context.var(ALLOW_HTTP_LOOPBACK) == "1",
    )?;
    // The issuer is the instance's origin: a path would not be part of it.
    let path = url::Url::parse(&base).map(|url| url.path().to_owned());
    if path.is_ok_and(|path| path != "/") {
        return Err(ConfigError(
            "the ZITADEL instance URL must be the instance's origin, without a path".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instance_is_the_issuer() {
        let zitadel = Zitadel::new("c", "s", "https://my-instance.zitadel.cloud/")
            .build()
            .unwrap();
        assert_eq!(zitadel.config().issuer, "https://my-instance.zitadel.cloud");
        let metadata = zitadel.config().metadata.as_ref().unwrap();
        assert_eq!(
            metadata.userinfo_endpoint.as_ref().unwrap().as_str(),
            "https://my-instance.zitadel.cloud/oidc/v1/userinfo"
        );
    }

    #[test]
    fn bad_instance_urls_are_refused() {
        for base in [
            "",
            "my-instance.zitadel.cloud",
            "http://my-instance.zitadel.cloud",
            "https://my-instance.zitadel.cloud/x",
            "https://192.168.1.10",
            "https://my-instance.zitadel.cloud?x=1",
            "http://127.0.0.1:8080",
        ] {
            assert!(Zitadel::new("c", "s", base).build().is_err(), "{base:?}");
        }
        assert!(
            Zitadel::new("c", "s", "http://127.0.0.1:8080")
                .allow_http_loopback(true)
                .build()
                .is_ok()
        );
    }
}
