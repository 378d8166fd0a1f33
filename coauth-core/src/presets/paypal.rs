//! PayPal (Log in with PayPal): live and sandbox environments on different hosts, HTTP
//! Basic at the token endpoint, space-separated scopes that must include `openid`, a fixed
//! `flowEntry=static` on the authorization page, and the user from the Identity API's
//! `/v1/identity/oauth2/userinfo?schema=paypalv1.1`. Its `user_id` (a URL) is the stable id;
//! the email is the primary entry of `emails` (or the first), and `emailVerified` is that
//! entry's `confirmed` flag when PayPal sends one. `verified_account` says whether the
//! *PayPal account* is verified, not the email: it stays in the profile. Every code grant
//! issues a refresh token. No PKCE and no silent sign-in: Log in with PayPal's documentation
//! has neither.

use serde_json::Value;

use super::spec::{
    EmailVerified, Hooks, OAuth2Preset, PresetContext, ProfileCall, Refresh, UserFields, api,
    preset, text, web,
};
use crate::oauth2::ClientAuth;
use crate::provider::{Credentials, User};
use crate::{ConfigError, Error};

/// The live environment's hosts (what the browser visits, what the server calls).
const LIVE: (&str, &str) = ("www.paypal.com", "api-m.paypal.com");
/// The sandbox's hosts.
const SANDBOX: (&str, &str) = ("www.sandbox.paypal.com", "api-m.sandbox.paypal.com");

/// PayPal, declared: `{web_host}` and `{api_host}` are the environment's hosts.
const PAYPAL: OAuth2Preset = OAuth2Preset {
    name: "PayPal",
    web: "https://{web_host}",
    api: "https://{api_host}",
    authorize: web("/signin/authorize"),
    token: api("/v1/oauth2/token"),
    scopes: &["openid", "profile", "email"],
    client_auth: ClientAuth::Basic,
    pkce: false,
    authorize_params: &[("flowEntry", "static")],
    vars: &[("web_host", LIVE.0), ("api_host", LIVE.1)],
    check_vars: Some(check_environment),
    profile: ProfileCall {
        query: &[("schema", "paypalv1.1")],
        ..ProfileCall::bearer_get(api("/v1/identity/oauth2/userinfo"))
    },
    user: UserFields {
        name: &["/name"],
        full_name: Some(("/given_name", "/family_name")),
        email: &["/emails/0/value"],
        email_verified: EmailVerified::Field("/emails/0/confirmed"),
        ..UserFields::id("/user_id")
    },
    hooks: Hooks {
        request: None,
        user: Some(primary_email),
    },
    refresh: Refresh::Issued,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The PayPal preset, live by default ([`PayPal::sandbox`] for the sandbox).
    /// `www.paypal.com` (the web host) serves `/signin/authorize`, `api-m.paypal.com` (the
    /// API host) serves `/v1/oauth2/token` and `/v1/identity/oauth2/userinfo`.
    ///
    /// ```
    /// use coauth_core::presets::PayPal;
    /// let live = PayPal::new("client-id", "secret").build()?;
    /// let sandbox = PayPal::new("sandbox-client-id", "sandbox-secret").sandbox().build()?;
    /// # let _ = (live, sandbox);
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    PayPal = PAYPAL
}

impl PayPal {
    /// The sandbox: `www.sandbox.paypal.com` and `api-m.sandbox.paypal.com`, for the
    /// sandbox app's client id and secret.
    pub fn sandbox(mut self) -> Self {
        self.builder = self
            .builder
            .var("web_host", SANDBOX.0)
            .var("api_host", SANDBOX.1);
        self
    }
}

/// The hosts are the live environment's or the sandbox's, never a mix or another host.
fn check_environment(context: &PresetContext) -> Result<(), ConfigError> {
    let hosts = (context.var("web_host"), context.var("api_host"));
    if hosts == LIVE || hosts == SANDBOX {
        Ok(())
    } else {
        Err(ConfigError(
            "PayPal's hosts must be the live environment's or the sandbox's".into(),
        ))
    }
}

/// The email is the primary entry of `emails` (the first when none is marked primary),
/// verified as its `confirmed` flag says, unknown without one.
fn primary_email(
    _: &PresetContext,
    profile: &mut Value,
    _: &Credentials,
    user: &mut User,
) -> Result<(), Error> {
    let emails = profile.get("emails").and_then(Value::as_array);
    let entry = emails.and_then(|emails| {
        emails
            .iter()
            .find(|entry| entry.get("primary") == Some(&Value::Bool(true)))
            .or_else(|| emails.first())
    });
    user.email = entry.and_then(|entry| text(entry, "/value"));
    user.email_verified = match (&user.email, entry.and_then(|entry| entry.get("confirmed"))) {
        (Some(_), Some(Value::Bool(confirmed))) => Some(*confirmed),
        _ => None,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::{fetch_profile, test_credentials};
    use bytes::Bytes;
    use http::{Request, Response};
    use serde_json::json;

    async fn read(emails: Value) -> User {
        let http = move |request: Request<Bytes>| {
            assert_eq!(
                request.uri(),
                "https://api-m.paypal.com/v1/identity/oauth2/userinfo?schema=paypalv1.1"
            );
            let info = json!({"user_id": "https://www.paypal.com/webapps/auth/identity/user/mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA",
                              "name": "identity test", "payer_id": "WDJJHEBZ4X2LY",
                              "verified_account": "true", "emails": emails});
            async move { Ok(Response::new(Bytes::from(info.to_string()))) }
        };
        let paypal = PayPal::new("id", "secret");
        let (user, _) = fetch_profile(paypal.builder, &http, &test_credentials("t", json!({})))
            .await
            .unwrap();
        user
    }

    #[tokio::test]
    async fn the_primary_email_and_its_confirmation() {
        let user = read(json!([{"value": "other@example.com", "primary": false, "confirmed": true},
                               {"value": "user1@example.com", "primary": true, "confirmed": false}]))
        .await;
        assert!(
            user.id
                .ends_with("/mWq6_1sU85v5EG9yHdPxJRrhGHrnMJ-1PQKtX6pcsmA")
        );
        assert_eq!(user.email.as_deref(), Some("user1@example.com"));
        assert_eq!(user.email_verified, Some(false));
        let user = read(json!([{"value": "user1@example.com"}])).await;
        assert_eq!(
            (user.email.as_deref(), user.email_verified),
            (Some("user1@example.com"), None)
        );
        let user = read(json!([])).await;
        assert_eq!((user.email, user.email_verified), (None, None));
    }

    #[test]
    fn live_or_sandbox_hosts_only() {
        let live = PayPal::new("id", "secret").build().unwrap();
        assert_eq!(
            live.config().authorize_url.as_str(),
            "https://www.paypal.com/signin/authorize"
        );
        let sandbox = PayPal::new("id", "secret").sandbox().build().unwrap();
        assert_eq!(
            sandbox.config().token_url.as_str(),
            "https://api-m.sandbox.paypal.com/v1/oauth2/token"
        );
        let mixed = PayPal::new("id", "secret");
        let mixed = PayPal {
            builder: mixed.builder.var("api_host", SANDBOX.1),
        };
        assert!(mixed.build().is_err());
    }
}
