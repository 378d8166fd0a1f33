//! Yandex ID: PKCE, HTTP Basic at the token endpoint, the profile at `login.yandex.ru/info`
//! with the token in Yandex's own `Authorization: OAuth <token>` scheme, and the picture
//! built from `default_avatar_id` unless `is_avatar_empty`.

use serde_json::Value;

use super::spec::{
    Hooks, OAuth2Preset, PresetContext, ProfileCall, TokenIn, UserFields, api, preset, text, web,
};
use crate::Error;
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};

/// Yandex, declared.
const YANDEX: OAuth2Preset = OAuth2Preset {
    name: "Yandex",
    web: "https://oauth.yandex.ru",
    api: "https://login.yandex.ru",
    authorize: web("/authorize"),
    token: web("/token"),
    // The app's scopes are the ones set when it was registered.
    scopes: &[],
    client_auth: ClientAuth::Basic,
    profile: ProfileCall {
        token: TokenIn::Scheme("OAuth"),
        query: &[("format", "json")],
        ..ProfileCall::bearer_get(api("/info"))
    },
    user: UserFields {
        name: &["/display_name", "/real_name"],
        username: &["/login"],
        email: &["/default_email", "/emails/0"],
        ..UserFields::id("/id")
    },
    hooks: Hooks {
        request: None,
        user: Some(with_avatar),
    },
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Yandex preset. `oauth.yandex.ru` (the web host) serves `/authorize` and `/token`,
    /// `login.yandex.ru` (the API host) serves `/info`. The scopes are the app's (set when it
    /// was registered); none is sent unless the client asks.
    ///
    /// ```
    /// let yandex = coauth_core::presets::Yandex::new("client-id", "client-secret").build()?;
    /// # let _ = yandex;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Yandex = YANDEX
}

/// Sets the picture built from `default_avatar_id`.
fn with_avatar(
    _: &PresetContext,
    profile: &mut Value,
    _: &Credentials,
    user: &mut User,
) -> Result<(), Error> {
    user.avatar_url = avatar_url(profile);
    Ok(())
}

/// `https://avatars.yandex.net/get-yapic/{default_avatar_id}/islands-200`, unless the user
/// has no picture of their own.
fn avatar_url(profile: &Value) -> Option<String> {
    if profile.get("is_avatar_empty") == Some(&Value::Bool(true)) {
        return None;
    }
    text(profile, "/default_avatar_id")
        .map(|id| format!("https://avatars.yandex.net/get-yapic/{id}/islands-200"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn avatar_unless_empty() {
        let profile = json!({"default_avatar_id": "131652443/kJGIZX9C3GZZ9RhTmORXxl2D0-1",
                             "is_avatar_empty": false});
        assert_eq!(
            avatar_url(&profile).as_deref(),
            Some(
                "https://avatars.yandex.net/get-yapic/131652443/kJGIZX9C3GZZ9RhTmORXxl2D0-1/islands-200"
            )
        );
        let empty = json!({"default_avatar_id": "0/0-0", "is_avatar_empty": true});
        assert_eq!(avatar_url(&empty), None);
    }

    #[test]
    fn names_and_emails_fall_back() {
        let user = map_user(
            &YANDEX.user,
            &json!({"id": "1000034426", "login": "ivan", "real_name": "Ivan Ivanov",
                    "emails": ["ivan@yandex.ru"]}),
        )
        .unwrap();
        assert_eq!(user.name.as_deref(), Some("Ivan Ivanov"));
        assert_eq!(user.email.as_deref(), Some("ivan@yandex.ru"));
        assert_eq!(user.username.as_deref(), Some("ivan"));
    }
}
