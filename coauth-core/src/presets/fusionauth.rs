//! FusionAuth: OpenID Connect at the app's FusionAuth (`https://auth.example.com`), with the
//! endpoints `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userinfo` and the keys at
//! `/.well-known/jwks.json`. The issuer is the tenant's "Issuer" setting, which must be
//! the base URL for this preset (FusionAuth's default, `acme.com`, is not a URL). With
//! several tenants, [`FusionAuth::tenant`] sends `tenantId`. The ID token must be signed
//! with an asymmetric key (RS256, ES256): FusionAuth's default HMAC key is one the app
//! cannot verify. `email_verified` is FusionAuth's flag, the claims are read from userinfo
//! too, and `offline_access` brings a refresh token. No documented `prompt=none`: silent
//! sign-in is off. The base URL must be https; a FusionAuth on loopback only with
//! [`FusionAuth::allow_http_loopback`].

use super::platform::{ALLOW_HTTP_LOOPBACK, check_base_url, is_guid};
use super::spec::{OidcPreset, OidcPresetBuilder, PresetContext, preset};
use crate::ConfigError;

/// FusionAuth, declared (fusionauth.io/docs/lifecycle/authenticate-users/oauth/endpoints).
const FUSIONAUTH: OidcPreset = OidcPreset {
    name: "FusionAuth",
    issuer: "{base}",
    authorize: "{base}/oauth2/authorize",
    token: "{base}/oauth2/token",
    jwks: "{base}/.well-known/jwks.json",
    userinfo: Some("{base}/oauth2/userinfo"),
    silent: false,
    vars: &[("base", ""), ("tenant_id", ""), (ALLOW_HTTP_LOOPBACK, "")],
    check_vars: Some(check_vars),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The FusionAuth preset.
    ///
    /// ```
    /// use coauth_core::presets::FusionAuth;
    /// let fusionauth =
    ///     FusionAuth::new("client-id", "client-secret", "https://auth.example.com").build()?;
    /// let one_tenant = FusionAuth::new("client-id", "client-secret", "https://auth.example.com")
    ///     .tenant("c1b3b33e-4f2a-4e7e-9a6b-2d9f0b1a7c55")
    ///     .build()?;
    /// # let _ = (fusionauth, one_tenant);
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    FusionAuth = FUSIONAUTH, custom_new
}

impl FusionAuth {
    /// The application `client_id` of the FusionAuth at `base_url` (https). Checked at
    /// `build`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<crate::Secret>,
        base_url: impl Into<String>,
    ) -> FusionAuth {
        let base = base_url.into().trim_end_matches('/').to_owned();
        FusionAuth {
            builder: OidcPresetBuilder::new(Self::SPEC, client_id, client_secret).var("base", base),
        }
    }

    /// The tenant, by its id (a UUID), sent as `tenantId` (needed when the FusionAuth has
    /// several tenants). An empty id is no tenant; anything else but a UUID fails at
    /// `build`.
    pub fn tenant(mut self, tenant_id: impl Into<String>) -> FusionAuth {
        let tenant_id = tenant_id.into();
        if !tenant_id.is_empty() {
            self.builder = self
                .builder
                .var("tenant_id", tenant_id.clone())
                .authorize_param("tenantId", tenant_id);
        }
        self
    }

    /// Allows a FusionAuth on loopback, plain http included (development). Off by default.
    pub fn allow_http_loopback(mut self, allow: bool) -> FusionAuth {
        self.builder = self
            .builder
            .var(ALLOW_HTTP_LOOPBACK, if allow { "1" } else { "" });
        self
    }
}

fn check_vars(context: &PresetContext) -> Result<(), ConfigError> {
    check_base_url(
        "FusionAuth",
        context.var("base"),
        context.var(ALLOW_HTTP_LOOPBACK) == "1",
    )?;
    let tenant = context.var("tenant_id");
    if !tenant.is_empty() && !is_guid(tenant) {
        return Err(ConfigError(format!(
            "the FusionAuth tenant id {tenant:?} must be a UUID"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_is_a_uuid_sent_as_tenant_id() {
        let tenant = "c1b3b33e-4f2a-4e7e-9a6b-2d9f0b1a7c55";
        let provider = FusionAuth::new("c", "s", "https://auth.example.com")
            .tenant(tenant)
            .build()
            .unwrap();
        assert_eq!(
            provider.config().extra_authorize_params,
            [("tenantId".to_owned(), tenant.to_owned())]
        );
        for bad in ["acme", "c1b3b33e-4f2a-4e7e-9a6b-2d9f0b1a7c55&x=1"] {
            assert!(
                FusionAuth::new("c", "s", "https://auth.example.com")
                    .tenant(bad)
                    .build()
                    .is_err(),
                "{bad:?}"
            );
        }
        for base in [
            "http://auth.example.com",
            "https://10.0.0.2",
            "auth.example.com",
        ] {
            assert!(FusionAuth::new("c", "s", base).build().is_err(), "{base:?}");
        }
    }
}
