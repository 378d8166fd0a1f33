//! Twitter (X) with OAuth 1.0a: HMAC-SHA1 three-legged flow through `/oauth/request_token`,
//! `/oauth/authenticate` ("Sign in with Twitter": no second prompt for a user who already
//! authorized the app) and `/oauth/access_token`, then the profile from
//! `1.1/account/verify_credentials.json` with the email. A refusal comes back as
//! `?denied=<request token>`.

use serde_json::Value;

use super::spec::{EmailVerified, OAuth1Preset, UserFields, preset, web};
use crate::Error;
use crate::provider::User;

/// Twitter, declared.
const TWITTER: OAuth1Preset = OAuth1Preset {
    name: "Twitter",
    web: "https://api.twitter.com",
    api: "https://api.twitter.com",
    request_token: web("/oauth/request_token"),
    authorize: web("/oauth/authenticate"),
    access_token: web("/oauth/access_token"),
    profile: super::spec::api(
        "/1.1/account/verify_credentials.json?include_email=true&skip_status=true",
    ),
    user: UserFields {
        name: &["/name", "/screen_name"],
        username: &["/screen_name"],
        email: &["/email"],
        // Twitter returns `email` only when the user has a verified address (null
        // otherwise), so a present email is a verified one.
        email_verified: EmailVerified::Always,
        avatar: &["/profile_image_url_https"],
        // `id` exceeds 2^53 for recent accounts: the string form.
        ..UserFields::id("/id_str")
    },
    user_hook: Some(profile_url),
};

preset! {
    oauth1
    /// The Twitter (X) OAuth 1.0a preset: "Sign in with Twitter" (`oauth/authenticate`).
    ///
    /// Register the result page's exact URL as the app's callback URL at Twitter: the
    /// engine sends it as `oauth_callback` and requires `oauth_callback_confirmed=true`. To
    /// receive the email, the app must have "Request email address from users" turned on.
    /// Other hosts: `with_hosts(oauth_base, api_base)`, where `oauth_base` serves
    /// `/oauth/*` and `api_base` serves `/1.1/account/verify_credentials.json` (for example
    /// `https://api.x.com`, or a test server).
    ///
    /// ```
    /// let twitter = coauth_core::presets::Twitter::new("consumer-key", "consumer-secret")
    ///     .build()?;
    /// # let _ = twitter;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Twitter = TWITTER
}

/// The profile page, only for a well-formed handle (letters, digits, `_`).
fn profile_url(profile: &Value, user: &mut User) -> Result<(), Error> {
    user.profile_url = profile
        .get("screen_name")
        .and_then(Value::as_str)
        .filter(|name| {
            !name.is_empty()
                && name.len() <= 50
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .map(|name| format!("https://x.com/{name}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use crate::provider::Provider;

    fn map(profile: Value) -> Option<User> {
        let mut user = map_user(&TWITTER.user, &profile)?;
        profile_url(&profile, &mut user).unwrap();
        Some(user)
    }

    #[test]
    fn twitter_user_object_maps_to_the_user() {
        let user = map(serde_json::json!({
            "id": 1_234_567_890_123_456_789_u64, "id_str": "1234567890123456789",
            "name": "Ada", "screen_name": "ada_l", "email": "ada@example.test",
            "profile_image_url_https": "https://pbs.twimg.com/ada.jpg"
        }))
        .unwrap();
        assert_eq!(user.id, "1234567890123456789");
        assert_eq!(user.username.as_deref(), Some("ada_l"));
        assert_eq!(user.email_verified, Some(true));
        assert_eq!(user.profile_url.as_deref(), Some("https://x.com/ada_l"));
        assert_eq!(
            user.avatar_url.as_deref(),
            Some("https://pbs.twimg.com/ada.jpg")
        );
    }

    #[test]
    fn missing_email_and_odd_screen_names() {
        let user = map(serde_json::json!({
            "id": 12, "id_str": "12", "screen_name": "../evil", "email": null
        }))
        .unwrap();
        assert_eq!(user.id, "12");
        assert_eq!(user.email, None);
        assert_eq!(user.email_verified, None);
        assert_eq!(user.profile_url, None);
        assert_eq!(user.name.as_deref(), Some("../evil"));
        assert!(map(serde_json::json!({"name": "x"})).is_none());
    }

    #[test]
    fn endpoints_follow_the_hosts() {
        let provider = Twitter::new("k", "s").build().unwrap();
        let config = provider.config();
        assert_eq!(
            config.request_token_url.as_str(),
            "https://api.twitter.com/oauth/request_token"
        );
        assert_eq!(
            config.authorize_url.as_str(),
            "https://api.twitter.com/oauth/authenticate"
        );
        assert_eq!(provider.denial_rules(), crate::OAUTH1_DENIALS);
        let other = Twitter::new("k", "s")
            .with_hosts("http://127.0.0.1:9/", "http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(
            other.config().access_token_url.as_str(),
            "http://127.0.0.1:9/oauth/access_token"
        );
        assert!(
            Twitter::new("k", "s")
                .with_hosts("not a url", "x")
                .build()
                .is_err()
        );
    }
}
