//! Atlassian: 3LO (three-legged OAuth) at `auth.atlassian.com`, whose authorization request
//! must name the API it grants access to (`audience=api.atlassian.com`) and ask for consent
//! every time (`prompt=consent`); the user comes from the User Identity API's `/me` on
//! `api.atlassian.com` (the `read:me` scope), which says whether the email is verified
//! (`email_verified`). The `account_id` is the same across every Atlassian product and site.
//! A refresh token comes with the `offline_access` scope (Atlassian rotates it on every
//! refresh). No PKCE and no silent sign-in: Atlassian's 3LO documentation has neither.

use super::spec::{
    EmailVerified, OAuth2Preset, ProfileCall, Refresh, UserFields, api, preset, web,
};
use crate::oauth2::{ClientAuth, Prompt};

/// Atlassian, declared.
const ATLASSIAN: OAuth2Preset = OAuth2Preset {
    name: "Atlassian",
    web: "https://auth.atlassian.com",
    api: "https://api.atlassian.com",
    authorize: web("/authorize"),
    token: web("/oauth/token"),
    scopes: &["read:me"],
    client_auth: ClientAuth::Post,
    pkce: false,
    // Atlassian's 3LO asks for `prompt=consent` on every authorization request.
    prompt: Some(Prompt::Consent),
    authorize_params: &[("audience", "api.atlassian.com")],
    profile: ProfileCall::bearer_get(api("/me")),
    user: UserFields {
        name: &["/name", "/nickname"],
        email: &["/email"],
        email_verified: EmailVerified::Field("/email_verified"),
        avatar: &["/picture"],
        ..UserFields::id("/account_id")
    },
    refresh: Refresh::WithScope("offline_access"),
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Atlassian preset (Jira, Confluence, Bitbucket Cloud accounts). `auth.atlassian.com`
    /// (the web host) serves `/authorize` and `/oauth/token`, `api.atlassian.com` (the API
    /// host) serves `/me`. Turn on the User Identity API (`read:me`) for the app in
    /// Atlassian's developer console.
    ///
    /// ```
    /// let atlassian = coauth_core::presets::Atlassian::new("client-id", "secret").build()?;
    /// # let _ = atlassian;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Atlassian = ATLASSIAN
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn audience_and_consent_on_every_authorization() {
        let provider = Atlassian::new("id", "secret").build().unwrap();
        let config = provider.config();
        assert_eq!(config.prompt, Some(Prompt::Consent));
        assert_eq!(
            config.extra_authorize_params,
            [("audience".to_owned(), "api.atlassian.com".to_owned())]
        );
        assert!(!config.pkce);
    }

    #[test]
    fn account_id_and_verified_email() {
        let user = map_user(
            &ATLASSIAN.user,
            &json!({"account_id": "5b10a2844c20165700ede21g", "name": "Mia Krystof",
                    "nickname": "mia", "email": "mia@example.test", "email_verified": false,
                    "picture": "https://avatar.example/m.png"}),
        )
        .unwrap();
        assert_eq!(user.id, "5b10a2844c20165700ede21g");
        assert_eq!(user.email_verified, Some(false));
        assert_eq!(user.name.as_deref(), Some("Mia Krystof"));
    }
}
