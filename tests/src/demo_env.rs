//! The demo's real providers, turned on by environment variables: a preset is on when its
//! `COAUTH_<NAME>_CLIENT_ID` and `COAUTH_<NAME>_CLIENT_SECRET` are both set (VK ID, a
//! public client, needs only the id), plus the extra settings some presets need:
//! `COAUTH_GITLAB_BASE_URL` (optional, a self-hosted GitLab) and
//! `COAUTH_ODNOKLASSNIKI_APPLICATION_KEY` (required, the app's public key). Twitter's
//! OAuth 1.0a consumer key and secret go in `COAUTH_TWITTER_CLIENT_ID` / `_CLIENT_SECRET`.

use coauth_core::presets::{
    Amazon, Bitbucket, Discord, Dropbox, Facebook, GitHub, GitLab, MailRu, Odnoklassniki, Reddit,
    Spotify, Twitch, Twitter, Vk, VkId, X, Yahoo, Yandex,
};
use coauth_core::presets::{Apple, Google, LinkedIn, Microsoft, Oidc, Slack};
use coauth_core::{CoauthBuilder, ConfigError, Provider};

/// Reads a setting by its variable name.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The settings found for one preset.
struct Found<'a> {
    id: String,
    /// Empty when the preset needs no secret.
    secret: String,
    lookup: Lookup<'a>,
}

/// Adds a built provider to the builder under the preset's name.
type Adder = Box<dyn FnOnce(CoauthBuilder, &'static str) -> CoauthBuilder>;

/// Makes a preset from the settings found.
type MakePreset = fn(Found<'_>) -> Result<Adder, String>;

/// The provider, ready to add, or why it could not be built.
fn add<P: Provider>(built: Result<P, ConfigError>) -> Result<Adder, String> {
    let provider = built.map_err(|e| e.to_string())?;
    Ok(Box::new(move |builder: CoauthBuilder, name| {
        builder.provider(name, provider)
    }))
}

/// One preset the demo can turn on.
struct EnvPreset {
    /// The provider's name in `providerType`.
    name: &'static str,
    /// `<NAME>` in the variable names.
    env: &'static str,
    /// Whether `COAUTH_<NAME>_CLIENT_SECRET` is needed too.
    needs_secret: bool,
    make: MakePreset,
}

const fn preset(name: &'static str, env: &'static str, make: MakePreset) -> EnvPreset {
    EnvPreset {
        name,
        env,
        needs_secret: true,
        make,
    }
}

/// The presets, by provider name.
const PRESETS: &[EnvPreset] = &[
    preset("github", "GITHUB", |f| {
        add(GitHub::new(f.id, f.secret).try_build())
    }),
    preset("twitter", "TWITTER", |f| {
        add(Twitter::new(f.id, f.secret).try_build())
    }),
    preset("facebook", "FACEBOOK", |f| {
        add(Facebook::new(f.id, f.secret).try_build())
    }),
    preset("x", "X", |f| add(X::new(f.id, f.secret).try_build())),
    preset("discord", "DISCORD", |f| {
        add(Discord::new(f.id, f.secret).try_build())
    }),
    preset("gitlab", "GITLAB", |f| {
        let gitlab = GitLab::new(f.id, f.secret);
        add(match (f.lookup)("COAUTH_GITLAB_BASE_URL") {
            Some(base) => gitlab.with_base_url(base).try_build(),
            None => gitlab.try_build(),
        })
    }),
    preset("spotify", "SPOTIFY", |f| {
        add(Spotify::new(f.id, f.secret).try_build())
    }),
    preset("twitch", "TWITCH", |f| {
        add(Twitch::new(f.id, f.secret).try_build())
    }),
    preset("reddit", "REDDIT", |f| {
        add(Reddit::new(f.id, f.secret).try_build())
    }),
    preset("dropbox", "DROPBOX", |f| {
        add(Dropbox::new(f.id, f.secret).try_build())
    }),
    preset("bitbucket", "BITBUCKET", |f| {
        add(Bitbucket::new(f.id, f.secret).try_build())
    }),
    preset("amazon", "AMAZON", |f| {
        add(Amazon::new(f.id, f.secret).try_build())
    }),
    preset("yahoo", "YAHOO", |f| {
        add(Yahoo::new(f.id, f.secret).try_build())
    }),
    preset("vk", "VK", |f| add(Vk::new(f.id, f.secret).try_build())),
    EnvPreset {
        name: "vk-id",
        env: "VK_ID",
        needs_secret: false,
        make: |f| add(VkId::new(f.id).try_build()),
    },
    preset("yandex", "YANDEX", |f| {
        add(Yandex::new(f.id, f.secret).try_build())
    }),
    preset("mailru", "MAILRU", |f| {
        add(MailRu::new(f.id, f.secret).try_build())
    }),
    preset("odnoklassniki", "ODNOKLASSNIKI", |f| {
        let key = (f.lookup)("COAUTH_ODNOKLASSNIKI_APPLICATION_KEY")
            .ok_or("COAUTH_ODNOKLASSNIKI_APPLICATION_KEY is not set")?;
        add(Odnoklassniki::new(f.id, f.secret, key).try_build())
    }),
];

/// The OpenID Connect presets, and `oidc`: any OpenID provider by its issuer
/// (`COAUTH_OIDC_ISSUER`; a plain-http loopback issuer such as a local Keycloak only with
/// `COAUTH_OIDC_ALLOW_LOOPBACK=1`). Microsoft takes an optional `COAUTH_MICROSOFT_TENANT`
/// (default `common`); Apple needs no secret but `COAUTH_APPLE_TEAM_ID`,
/// `COAUTH_APPLE_KEY_ID` and the `.p8` key as `COAUTH_APPLE_PRIVATE_KEY` (PEM text) or
/// `COAUTH_APPLE_PRIVATE_KEY_FILE` (its path). Discovery and keys are fetched on first use,
/// so the demo starts without network.
const OIDC_PRESETS: &[EnvPreset] = &[
    preset("google", "GOOGLE", |f| {
        add(Google::new(f.id, f.secret).try_build())
    }),
    preset("microsoft", "MICROSOFT", |f| {
        let microsoft = Microsoft::new(f.id, f.secret);
        add(match (f.lookup)("COAUTH_MICROSOFT_TENANT") {
            Some(tenant) => microsoft.tenant(tenant).try_build(),
            None => microsoft.try_build(),
        })
    }),
    EnvPreset {
        name: "apple",
        env: "APPLE",
        needs_secret: false,
        make: |f| {
            let setting = |name: &str| (f.lookup)(name).ok_or_else(|| format!("{name} is not set"));
            let team = setting("COAUTH_APPLE_TEAM_ID")?;
            let key_id = setting("COAUTH_APPLE_KEY_ID")?;
            let pem = match (f.lookup)("COAUTH_APPLE_PRIVATE_KEY") {
                Some(pem) => pem,
                None => {
                    let path = setting("COAUTH_APPLE_PRIVATE_KEY_FILE")
                        .map_err(|_| "COAUTH_APPLE_PRIVATE_KEY or _FILE is not set".to_owned())?;
                    std::fs::read_to_string(&path)
                        .map_err(|e| format!("COAUTH_APPLE_PRIVATE_KEY_FILE: {e}"))?
                }
            };
            add(Apple::new(f.id, team, key_id, &pem).and_then(Apple::try_build))
        },
    },
    preset("linkedin", "LINKEDIN", |f| {
        add(LinkedIn::new(f.id, f.secret).try_build())
    }),
    preset("slack", "SLACK", |f| {
        add(Slack::new(f.id, f.secret).try_build())
    }),
    preset("oidc", "OIDC", |f| {
        let issuer = (f.lookup)("COAUTH_OIDC_ISSUER").ok_or("COAUTH_OIDC_ISSUER is not set")?;
        let loopback = (f.lookup)("COAUTH_OIDC_ALLOW_LOOPBACK")
            .is_some_and(|value| matches!(value.as_str(), "1" | "true"));
        add(Oidc::new(issuer, f.id, f.secret)
            .allow_http_loopback(loopback)
            .build())
    }),
];

/// What [`providers_from_lookup`] did.
pub struct EnvProviders {
    /// The builder with the providers added.
    pub builder: CoauthBuilder,
    /// The names of the providers turned on.
    pub enabled: Vec<&'static str>,
    /// Why a provider whose client id is set was not turned on.
    pub problems: Vec<String>,
}

/// Adds every preset whose settings `lookup` finds (the environment's variables, or a map
/// in tests).
pub fn providers_from_lookup(mut builder: CoauthBuilder, lookup: Lookup<'_>) -> EnvProviders {
    let mut enabled = Vec::new();
    let mut problems = Vec::new();
    for preset in PRESETS.iter().chain(OIDC_PRESETS) {
        let env = preset.env;
        let Some(id) = lookup(&format!("COAUTH_{env}_CLIENT_ID")) else {
            continue;
        };
        let secret = lookup(&format!("COAUTH_{env}_CLIENT_SECRET"));
        let secret = match (secret, preset.needs_secret) {
            (Some(secret), _) => secret,
            (None, false) => String::new(),
            (None, true) => {
                problems.push(format!(
                    "{}: COAUTH_{env}_CLIENT_SECRET is not set",
                    preset.name
                ));
                continue;
            }
        };
        match (preset.make)(Found { id, secret, lookup }) {
            Ok(add_to) => {
                builder = add_to(builder, preset.name);
                enabled.push(preset.name);
            }
            Err(problem) => problems.push(format!("{}: {problem}", preset.name)),
        }
    }
    EnvProviders {
        builder,
        enabled,
        problems,
    }
}

/// Adds every preset whose settings are in the environment; returns the builder and the
/// names of the providers turned on, and reports presets it could not turn on on stderr.
pub fn providers_from_env(builder: CoauthBuilder) -> (CoauthBuilder, Vec<&'static str>) {
    let found = providers_from_lookup(builder, &|name| std::env::var(name).ok());
    for problem in &found.problems {
        eprintln!("not turned on: {problem}");
    }
    (found.builder, found.enabled)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use coauth_core::{AuthUrlRequest, Coauth, RequestContext};

    use super::*;

    fn from(vars: &[(&str, &str)]) -> EnvProviders {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        providers_from_lookup(Coauth::builder(), &|name| vars.get(name).cloned())
    }

    #[test]
    fn every_preset_has_a_distinct_name() {
        let mut names: Vec<_> = PRESETS.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PRESETS.len());
        assert_eq!(PRESETS.len(), 18);
    }

    #[test]
    fn nothing_set_turns_nothing_on() {
        let found = from(&[]);
        assert!(found.enabled.is_empty());
        assert!(found.problems.is_empty());
    }

    #[tokio::test]
    async fn id_and_secret_turn_a_preset_on_with_its_extra_settings() {
        let found = from(&[
            ("COAUTH_GITLAB_CLIENT_ID", "gl-id"),
            ("COAUTH_GITLAB_CLIENT_SECRET", "gl-secret"),
            ("COAUTH_GITLAB_BASE_URL", "https://git.example.test"),
            ("COAUTH_VK_ID_CLIENT_ID", "vk-app"),
            ("COAUTH_FACEBOOK_CLIENT_ID", "fb-id"),
            ("COAUTH_ODNOKLASSNIKI_CLIENT_ID", "ok-id"),
            ("COAUTH_ODNOKLASSNIKI_CLIENT_SECRET", "ok-secret"),
            ("COAUTH_DISCORD_CLIENT_ID", "d-id"),
            ("COAUTH_DISCORD_CLIENT_SECRET", "d-secret"),
        ]);
        assert_eq!(found.enabled, ["discord", "gitlab", "vk-id"]);
        assert_eq!(
            found.problems,
            [
                "facebook: COAUTH_FACEBOOK_CLIENT_SECRET is not set",
                "odnoklassniki: COAUTH_ODNOKLASSNIKI_APPLICATION_KEY is not set",
            ]
        );
        let coauth = found
            .builder
            .secret("demo env test: a secret of at least 32 bytes")
            .redirect_uri("https://app.example/coauth/result_page")
            .build()
            .unwrap();
        let ctx = RequestContext {
            origin: Some("https://app.example".into()),
            ..RequestContext::default()
        };
        let request = |provider: &str| AuthUrlRequest {
            provider_type: provider.into(),
            redirect_uri: "https://app.example/coauth/result_page".into(),
            identity: serde_json::Value::Null,
            mode: Default::default(),
            auth: Default::default(),
        };
        let gitlab = coauth.auth_url(request("gitlab"), &ctx).await.unwrap();
        assert!(
            gitlab
                .response
                .url
                .starts_with("https://git.example.test/oauth/authorize?")
        );
        assert!(gitlab.response.url.contains("client_id=gl-id"));
        let vk_id = coauth.auth_url(request("vk-id"), &ctx).await.unwrap();
        assert!(
            vk_id
                .response
                .url
                .starts_with("https://id.vk.ru/authorize?")
        );
        let ok = coauth.auth_url(request("odnoklassniki"), &ctx).await;
        assert_eq!(ok.unwrap_err().code(), "InputError");
    }

    #[tokio::test]
    async fn oidc_presets_and_the_generic_provider_turn_on() {
        let found = from(&[
            ("COAUTH_GOOGLE_CLIENT_ID", "g-id"),
            ("COAUTH_GOOGLE_CLIENT_SECRET", "g-secret"),
            ("COAUTH_MICROSOFT_CLIENT_ID", "m-id"),
            ("COAUTH_MICROSOFT_CLIENT_SECRET", "m-secret"),
            ("COAUTH_MICROSOFT_TENANT", "organizations"),
            ("COAUTH_APPLE_CLIENT_ID", "com.example.web"),
            ("COAUTH_OIDC_CLIENT_ID", "o-id"),
            ("COAUTH_OIDC_CLIENT_SECRET", "o-secret"),
            ("COAUTH_OIDC_ISSUER", "http://127.0.0.1:9"),
        ]);
        assert_eq!(found.enabled, ["google", "microsoft"]);
        assert_eq!(found.problems.len(), 2, "{:?}", found.problems);
        assert_eq!(found.problems[0], "apple: COAUTH_APPLE_TEAM_ID is not set");
        // A plain-http issuer needs the explicit loopback opt-in.
        assert!(
            found.problems[1].starts_with("oidc: "),
            "{:?}",
            found.problems
        );
        let found = from(&[
            ("COAUTH_OIDC_CLIENT_ID", "o-id"),
            ("COAUTH_OIDC_CLIENT_SECRET", "o-secret"),
            ("COAUTH_OIDC_ISSUER", "http://127.0.0.1:9"),
            ("COAUTH_OIDC_ALLOW_LOOPBACK", "1"),
        ]);
        assert_eq!(found.enabled, ["oidc"]);
        // Built without any network: discovery waits for the first sign-in.
        let coauth = found
            .builder
            .secret("demo env test: a secret of at least 32 bytes")
            .redirect_uri("https://app.example/coauth/result_page")
            .build()
            .unwrap();
        let _ = coauth;
    }

    #[test]
    fn a_bad_base_url_is_a_problem_not_a_panic() {
        let found = from(&[
            ("COAUTH_GITLAB_CLIENT_ID", "gl-id"),
            ("COAUTH_GITLAB_CLIENT_SECRET", "gl-secret"),
            ("COAUTH_GITLAB_BASE_URL", "not a url"),
        ]);
        assert!(found.enabled.is_empty());
        assert_eq!(found.problems.len(), 1);
        assert!(found.problems[0].starts_with("gitlab: "));
        assert!(!found.problems[0].contains("gl-secret"));
    }
}
