//! Battle.net (Blizzard): one OAuth host for the Americas, Europe, Korea and Taiwan
//! (`oauth.battle.net`) and another for China (`oauth.battlenet.com.cn`), HTTP Basic at the
//! token endpoint, and the user from `/oauth/userinfo` on the same host, which needs the
//! `openid` scope: `sub` (the account id, stable) and `battletag` (`Name#1234`, which the
//! user can change). Battle.net gives no email. No refresh token (access tokens last a day).
//! No PKCE and no silent sign-in: Blizzard's OAuth guide has neither.

use super::spec::{
    OAuth2Preset, PresetContext, ProfileCall, Refresh, UserFields, api, preset, web,
};
use crate::ConfigError;
use crate::oauth2::ClientAuth;

/// The regions [`BattleNet::region`] takes.
const REGIONS: &[&str] = &["us", "eu", "kr", "tw", "cn"];

/// The OAuth host of a region.
fn host_of(region: &str) -> &'static str {
    match region {
        "cn" => "oauth.battlenet.com.cn",
        _ => "oauth.battle.net",
    }
}

/// Battle.net, declared: `{host}` is the region's OAuth host.
const BATTLENET: OAuth2Preset = OAuth2Preset {
    name: "Battle.net",
    web: "https://{host}",
    api: "https://{host}",
    authorize: web("/authorize"),
    token: api("/token"),
    scopes: &["openid"],
    client_auth: ClientAuth::Basic,
    pkce: false,
    vars: &[("region", "us"), ("host", "oauth.battle.net")],
    check_vars: Some(check_region),
    profile: ProfileCall::bearer_get(api("/oauth/userinfo")),
    user: UserFields {
        name: &["/battletag"],
        username: &["/battletag"],
        ..UserFields::id("/sub")
    },
    refresh: Refresh::No,
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Battle.net preset, for the `us`, `eu`, `kr` and `tw` regions by default
    /// (`oauth.battle.net`); [`BattleNet::region`] with `cn` for China
    /// (`oauth.battlenet.com.cn`).
    ///
    /// ```
    /// use coauth_core::presets::BattleNet;
    /// let global = BattleNet::new("client-id", "client-secret").build()?;
    /// let china = BattleNet::new("client-id", "client-secret").region("cn").build()?;
    /// assert!(BattleNet::new("client-id", "client-secret").region("mars").build().is_err());
    /// # let _ = (global, china);
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    BattleNet = BATTLENET
}

impl BattleNet {
    /// The region: `us`, `eu`, `kr`, `tw` (all on `oauth.battle.net`) or `cn`
    /// (`oauth.battlenet.com.cn`), in any case. Anything else fails at `build`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        let region = region.into().to_ascii_lowercase();
        let host = host_of(&region);
        self.builder = self.builder.var("region", region).var("host", host);
        self
    }
}

fn check_region(context: &PresetContext) -> Result<(), ConfigError> {
    let region = context.var("region");
    if REGIONS.contains(&region) && context.var("host") == host_of(region) {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "the Battle.net region must be one of {}",
            REGIONS.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::spec::map_user;
    use serde_json::json;

    #[test]
    fn each_region_s_host() {
        let token_url = |region: &str| {
            BattleNet::new("id", "secret")
                .region(region)
                .build()
                .map(|provider| provider.config().token_url.to_string())
        };
        assert_eq!(token_url("eu").unwrap(), "https://oauth.battle.net/token");
        assert_eq!(token_url("KR").unwrap(), "https://oauth.battle.net/token");
        assert_eq!(
            token_url("cn").unwrap(),
            "https://oauth.battlenet.com.cn/token"
        );
        let error = token_url("apac").unwrap_err();
        assert!(error.to_string().contains("us, eu, kr, tw, cn"), "{error}");
        assert!(token_url("").is_err());
    }

    #[test]
    fn the_account_id_and_the_battletag() {
        let user = map_user(
            &BATTLENET.user,
            &json!({"sub": "123456789", "id": 123456789, "battletag": "Ada#1815"}),
        )
        .unwrap();
        assert_eq!(user.id, "123456789");
        assert_eq!(user.name.as_deref(), Some("Ada#1815"));
    }
}
