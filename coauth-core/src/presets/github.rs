//! GitHub: OAuth 2.0 with a form-encoded token answer unless JSON is asked for, errors sent
//! with HTTP 200, a required `User-Agent`, an email that is `null` on `/user` unless the
//! user made it public (then the primary verified one is read from `/user/emails`), and an
//! RFC 9207 `iss` in its answers.

use super::spec::{
    EmailsCall, OAuth2Preset, ProfileCall, ProfileUrl, Refresh, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;

/// What GitHub's API asks every client to send.
const HEADERS: &[(&str, &str)] = &[
    ("accept", "application/vnd.github+json"),
    ("x-github-api-version", "2022-11-28"),
];

/// GitHub, declared.
const GITHUB: OAuth2Preset = OAuth2Preset {
    name: "GitHub",
    web: "https://github.com",
    api: "https://api.github.com",
    authorize: web("/login/oauth/authorize"),
    token: web("/login/oauth/access_token"),
    scopes: &["read:user", "user:email"],
    client_auth: ClientAuth::Post,
    // GitHub has no prompt=none: a silent attempt would show the consent page.
    silent: false,
    // GitHub's issuer is `/login/oauth` on the web host (`https://github.com/login/oauth`).
    issuer: Some(web("/login/oauth")),
    profile: ProfileCall {
        headers: HEADERS,
        ..ProfileCall::bearer_get(api("/user"))
    },
    emails: Some(EmailsCall {
        endpoint: api("/user/emails"),
        headers: HEADERS,
        only_without_email: true,
        list_at: "",
        email: "/email",
        primary: "/primary",
        verified: "/verified",
        verified_only: true,
    }),
    user: UserFields {
        name: &["/name", "/login"],
        username: &["/login"],
        email: &["/email"],
        avatar: &["/avatar_url"],
        profile_url: ProfileUrl::Field("/html_url"),
        ..UserFields::id("/id")
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The GitHub preset. GitHub Enterprise Server: `with_hosts("https://HOST",
    /// "https://HOST/api/v3")`.
    ///
    /// ```
    /// let github = coauth_core::presets::GitHub::new("client-id", "client-secret").build()?;
    /// # let _ = github;
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    GitHub = GITHUB
}
