//! Intuit (QuickBooks): OpenID Connect with the issuer
//! `https://oauth.platform.intuit.com/op/v1`, the authorization page on
//! `appcenter.intuit.com`, HTTP Basic client authentication, and the profile from the
//! userinfo endpoint, which is on another host for sandbox companies
//! (`sandbox-accounts.platform.intuit.com`, with [`Intuit::sandbox`]) than for production
//! (`accounts.platform.intuit.com`). Userinfo speaks camelCase: `givenName`,
//! `familyName`, `email` and `emailVerified`, Intuit's flag. Sign-in needs `openid`,
//! `profile` and `email` only, not `com.intuit.quickbooks.accounting`. Intuit's discovery
//! documents neither PKCE nor the nonce, so neither is sent. Every code grant brings a
//! refresh token. No `prompt=none`: silent sign-in is off.

use super::spec::{EmailVerified, OidcPreset, ProfileUrl, Refresh, UserFields, preset};

/// Intuit, declared (developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/openid-connect,
/// developer.intuit.com/.well-known/openid-configuration).
const INTUIT: OidcPreset = OidcPreset {
    name: "Intuit",
    issuer: "https://oauth.platform.intuit.com/op/v1",
    authorize: "https://appcenter.intuit.com/connect/oauth2",
    token: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
    jwks: "https://oauth.platform.intuit.com/op/v1/jwks",
    userinfo: Some("https://{accounts_host}/v1/openid_connect/userinfo"),
    pkce: false,
    nonce: false,
    silent: false,
    vars: &[("accounts_host", "accounts.platform.intuit.com")],
    user: UserFields {
        name: &[],
        full_name: Some(("/givenName", "/familyName")),
        username: &[],
        email: &["/email"],
        email_verified: EmailVerified::Field("/emailVerified"),
        avatar: &[],
        profile_url: ProfileUrl::None,
        ..UserFields::STANDARD_CLAIMS
    },
    refresh: Refresh::Issued,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Intuit preset (production companies; [`Intuit::sandbox`] for sandbox ones).
    ///
    /// ```
    /// use coauth_core::presets::Intuit;
    /// let intuit = Intuit::new("client-id", "client-secret").build()?;
    /// let sandbox = Intuit::new("client-id", "client-secret").sandbox().build()?;
    /// # let _ = (intuit, sandbox);
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Intuit = INTUIT
}

impl Intuit {
    /// Reads the profile from the sandbox userinfo host, for an app's development keys.
    pub fn sandbox(mut self) -> Intuit {
        self.builder = self
            .builder
            .var("accounts_host", "sandbox-accounts.platform.intuit.com");
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_and_production_userinfo_hosts() {
        let userinfo = |intuit: Intuit| {
            let provider = intuit.build().unwrap();
            provider
                .config()
                .metadata
                .as_ref()
                .unwrap()
                .userinfo_endpoint
                .as_ref()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            userinfo(Intuit::new("c", "s")),
            "https://accounts.platform.intuit.com/v1/openid_connect/userinfo"
        );
        assert_eq!(
            userinfo(Intuit::new("c", "s").sandbox()),
            "https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo"
        );
    }

    #[test]
    fn the_name_is_joined_from_camel_case_claims() {
        let user = crate::presets::spec::map_user(
            &INTUIT.user,
            &serde_json::json!({"sub": "1", "givenName": "Ada", "familyName": "Lovelace",
                "email": "ada@example.com", "emailVerified": true}),
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(user.email_verified, Some(true));
    }
}
