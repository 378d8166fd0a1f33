//! GitLab: gitlab.com or a self-hosted instance at any base URL, PKCE, and the REST API's
//! `/api/v4/user`, whose `confirmed_at` says whether the primary email was confirmed.

use super::spec::{
    EmailVerified, OAuth2Preset, ProfileCall, ProfileUrl, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// GitLab, declared.
const GITLAB: OAuth2Preset = OAuth2Preset {
    name: "GitLab",
    web: "https://gitlab.com",
    api: "https://gitlab.com",
    authorize: web("/oauth/authorize"),
    token: api("/oauth/token"),
    scopes: &["read_user"],
    client_auth: ClientAuth::Post,
    profile: ProfileCall::bearer_get(api("/api/v4/user")),
    user: UserFields {
        name: &["/name"],
        username: &["/username"],
        email: &["/email"],
        // `confirmed_at` is set once the user confirmed the primary email.
        email_verified: EmailVerified::PresentAt("/confirmed_at"),
        avatar: &["/avatar_url"],
        profile_url: ProfileUrl::Field("/web_url"),
        ..UserFields::id("/id")
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The GitLab preset: `gitlab.com`, or a self-hosted instance at `base` with
    /// `with_hosts(base, base)`. The web host serves `/oauth/authorize`, the API host
    /// `/oauth/token` and `/api/v4/user`.
    ///
    /// ```
    /// let base = "https://gitlab.example.com";
    /// let gitlab = coauth_core::presets::GitLab::new("application-id", "secret")
    ///     .with_hosts(base, base)
    ///     .build()?;
    /// # let _ = gitlab;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    GitLab = GITLAB
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn confirmed_email_only_with_confirmed_at() {
        let profile = json!({"id": 1, "username": "ada", "email": "a@x.test",
                             "confirmed_at": "2012-05-23T09:05:22Z"});
        let user = map_user(&GITLAB.user, &profile).unwrap();
        assert_eq!(user.id, "1");
        assert_eq!(user.email_verified, Some(true));
        let user = map_user(
            &GITLAB.user,
            &json!({"id": 1, "email": "a@x.test", "confirmed_at": null}),
        )
        .unwrap();
        assert_eq!(user.email_verified, Some(false));
        let user = map_user(&GITLAB.user, &json!({"id": 1, "confirmed_at": null})).unwrap();
        assert_eq!(user.email_verified, None);
    }

    #[test]
    fn self_hosted_base_url() {
        let base = "https://git.example/";
        let gitlab = GitLab::new("id", "secret").with_hosts(base, base);
        let provider = gitlab.build().unwrap();
        assert_eq!(
            provider.config().token_url.as_str(),
            "https://git.example/oauth/token"
        );
        assert_eq!(
            provider.config().authorize_url.as_str(),
            "https://git.example/oauth/authorize"
        );
        assert!(
            GitLab::new("id", "s")
                .with_hosts("not a url", "not a url")
                .build()
                .is_err()
        );
    }
}
