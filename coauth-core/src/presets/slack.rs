//! Slack ("Sign in with Slack", OpenID Connect): issuer `https://slack.com`, client
//! credentials in the form body, errors sent with HTTP 200 as `{"ok": false, "error": ...}`,
//! and Slack's namespaced claims (`https://slack.com/team_id`, ...).

use super::spec::{OidcPreset, Refresh, UserFields, preset};
use crate::oauth2::ClientAuth;

/// Slack, declared.
const SLACK: OidcPreset = OidcPreset {
    name: "Slack",
    issuer: "https://slack.com",
    authorize: "https://slack.com/openid/connect/authorize",
    token: "https://slack.com/api/openid.connect.token",
    jwks: "https://slack.com/openid/connect/keys",
    userinfo: Some("https://slack.com/api/openid.connect.userInfo"),
    client_auth: ClientAuth::Post,
    pkce: false,
    silent: false,
    user: UserFields {
        // Slack's own picture claim when the standard one is missing.
        avatar: &["/picture", "/https:~1~1slack.com~1user_image_512"],
        ..UserFields::STANDARD_CLAIMS
    },
    refresh: Refresh::No,
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Slack preset.
    ///
    /// ```
    /// let slack = coauth_core::presets::Slack::new("client-id", "client-secret").build()?;
    /// # let _ = slack;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Slack = SLACK
}

impl Slack {
    /// Preselects a workspace (`team=`); the user can still pick another, so check
    /// `https://slack.com/team_id` in the profile when only one workspace may sign in.
    pub fn team(mut self, team_id: impl Into<String>) -> Slack {
        self.builder = self.builder.authorize_param("team", team_id);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn the_namespaced_picture_is_the_fallback() {
        let user = map_user(
            &SLACK.user,
            &json!({"sub": "U1", "https://slack.com/user_image_512": "https://x/512.png"}),
        )
        .unwrap();
        assert_eq!(user.avatar_url.as_deref(), Some("https://x/512.png"));
        let user = map_user(
            &SLACK.user,
            &json!({"sub": "U1", "picture": "https://x/p.png",
                    "https://slack.com/user_image_512": "https://x/512.png"}),
        )
        .unwrap();
        assert_eq!(user.avatar_url.as_deref(), Some("https://x/p.png"));
    }
}
