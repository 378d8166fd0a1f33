//! Reddit: HTTP Basic is the only client authentication the token endpoint takes, the
//! authorization request says how long access should last (`duration=temporary`, a one-hour
//! token without a refresh token, unless the app asks for offline access, which sends
//! `duration=permanent`), the API lives on `oauth.reddit.com`, and `icon_img` comes
//! HTML-escaped (`&amp;`). Reddit gives no email. No PKCE: Reddit's OAuth2 documentation has
//! none.

use serde_json::Value;

use super::spec::{
    Hooks, OAuth2Preset, PresetContext, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset,
    web,
};
use crate::Error;
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};

/// Reddit, declared.
const REDDIT: OAuth2Preset = OAuth2Preset {
    name: "Reddit",
    web: "https://www.reddit.com",
    api: "https://oauth.reddit.com",
    authorize: web("/api/v1/authorize"),
    token: web("/api/v1/access_token"),
    scopes: &["identity"],
    client_auth: ClientAuth::Basic,
    pkce: false,
    authorize_params: &[("duration", "{duration}")],
    // `permanent` with [`Reddit::offline_access`].
    vars: &[("duration", "temporary")],
    profile: ProfileCall::bearer_get(api("/api/v1/me")),
    user: UserFields {
        name: &["/name"],
        username: &["/name"],
        avatar: &["/icon_img", "/snoovatar_img"],
        profile_url: ProfileUrl::Template("https://www.reddit.com/user/{/name}"),
        ..UserFields::id("/id")
    },
    hooks: Hooks {
        user: Some(unescape_avatar),
        request: None,
    },
    refresh: Refresh::WithParam("duration", "permanent"),
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Reddit preset. `www.reddit.com` (the web host) serves `/api/v1/authorize` and
    /// `/api/v1/access_token`, `oauth.reddit.com` (the API host) serves `/api/v1/me`.
    ///
    /// ```
    /// let reddit = coauth_core::presets::Reddit::new("client-id", "client-secret").build()?;
    /// # let _ = reddit;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Reddit = REDDIT
}

impl Reddit {
    /// Asks for a refresh token (`duration=permanent`); without it every sign-in asks for a
    /// one-hour token only (`duration=temporary`).
    pub fn offline_access(mut self) -> Self {
        self.builder = self.builder.var("duration", "permanent");
        self
    }
}

/// `icon_img` comes HTML-escaped.
fn unescape_avatar(
    _: &PresetContext,
    _: &mut Value,
    _: &Credentials,
    user: &mut User,
) -> Result<(), Error> {
    user.avatar_url = user.avatar_url.take().map(|url| url.replace("&amp;", "&"));
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
    fn permanent_token_only_with_offline_access() {
        let duration = |reddit: Reddit| {
            let provider = reddit.build().unwrap();
            provider.config().extra_authorize_params.clone()
        };
        let reddit = Reddit::new("id", "secret");
        assert_eq!(
            duration(reddit.clone()),
            [("duration".to_owned(), "temporary".to_owned())]
        );
        assert_eq!(
            duration(reddit.offline_access()),
            [("duration".to_owned(), "permanent".to_owned())]
        );
    }

    #[tokio::test]
    async fn icon_is_unescaped() {
        let http = |_: Request<Bytes>| async {
            let profile = json!({"id": "abc12", "name": "spez",
                "icon_img": "https://styles.redditmedia.com/i.png?width=256&amp;s=1f"});
            Ok(Response::new(Bytes::from(profile.to_string())))
        };
        let reddit = Reddit::new("id", "secret");
        let credentials = test_credentials("t", json!({}));
        let (user, _) = fetch_profile(reddit.builder, &http, &credentials)
            .await
            .unwrap();
        assert_eq!(
            user.avatar_url.as_deref(),
            Some("https://styles.redditmedia.com/i.png?width=256&s=1f")
        );
        assert_eq!(
            user.profile_url.as_deref(),
            Some("https://www.reddit.com/user/spez")
        );
    }
}
