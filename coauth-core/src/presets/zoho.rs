//! Zoho: one accounts server per data center (`accounts.zoho.com`, `.eu`, `.in`,
//! `.com.au`, `.jp`, `.sa`, `.uk`, `.com.cn`, and `accounts.zohocloud.ca`), each with its
//! own users. The app's region decides the server ([`Zoho::region`], default the United
//! States); the redirect names the user's server in `accounts-server`, and a redirect from
//! another data center's server is refused before the code is exchanged (its code is only
//! good at its own server, and coauth sends the client secret nowhere else). Scopes are
//! comma-separated, the client id and secret go in the token request's body, and the
//! profile (`/oauth/user/info`, scope `AaaServer.profile.Read`) names the user `ZUID`.
//! Zoho does not say whether it verified the email. A refresh token comes with
//! `access_type=offline` ([`Zoho::offline_access`]). No PKCE and no silent sign-in.

use std::collections::BTreeMap;

use super::spec::{
    OAuth2Preset, PresetContext, ProfileCall, Refresh, UserFields, api, preset, web,
};
use crate::oauth2::ClientAuth;
use crate::{ConfigError, Error};

/// The data centers: region code, accounts server.
const REGIONS: &[(&str, &str)] = &[
    ("us", "https://accounts.zoho.com"),
    ("eu", "https://accounts.zoho.eu"),
    ("in", "https://accounts.zoho.in"),
    ("au", "https://accounts.zoho.com.au"),
    ("jp", "https://accounts.zoho.jp"),
    ("ca", "https://accounts.zohocloud.ca"),
    ("sa", "https://accounts.zoho.sa"),
    ("uk", "https://accounts.zoho.uk"),
    ("cn", "https://accounts.zoho.com.cn"),
];

/// Zoho, declared. Both hosts are the region's accounts server.
const ZOHO: OAuth2Preset = OAuth2Preset {
    name: "Zoho",
    web: "{accounts-server}",
    api: "{accounts-server}",
    authorize: web("/oauth/v2/auth"),
    token: api("/oauth/v2/token"),
    scopes: &["AaaServer.profile.Read"],
    scope_separator: ",",
    client_auth: ClientAuth::Post,
    pkce: false,
    authorize_params: &[("access_type", "{access_type}")],
    redirect_params: &["accounts-server"],
    vars: &[
        ("accounts-server", "https://accounts.zoho.com"),
        // `offline` with [`Zoho::offline_access`].
        ("access_type", "online"),
    ],
    profile: ProfileCall::bearer_get(api("/oauth/user/info")),
    user: UserFields {
        name: &["/Display_Name"],
        full_name: Some(("/First_Name", "/Last_Name")),
        email: &["/Email"],
        ..UserFields::id("/ZUID")
    },
    refresh: Refresh::WithParam("access_type", "offline"),
    redirect_check: Some(same_data_center),
    check_vars: Some(known_server),
    ..OAuth2Preset::DEFAULT
};

preset! {
    oauth2
    /// The Zoho preset, for the users of one data center: `accounts.zoho.com` unless
    /// [`Zoho::region`] says another. The accounts server serves `/oauth/v2/auth`,
    /// `/oauth/v2/token` and `/oauth/user/info` (it is both hosts).
    ///
    /// ```
    /// let zoho = coauth_core::presets::Zoho::new("client-id", "client-secret")
    ///     .region("eu")
    ///     .build()?;
    /// assert_eq!(zoho.config().token_url.as_str(), "https://accounts.zoho.eu/oauth/v2/token");
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Zoho = ZOHO
}

impl Zoho {
    /// The data center of the app's users: `us` (the default), `eu`, `in`, `au`, `jp`,
    /// `ca`, `sa`, `uk` or `cn`. Another value fails at [`Zoho::build`].
    pub fn region(mut self, region: &str) -> Self {
        let server = REGIONS
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(region.trim()))
            .map_or("unknown region", |(_, server)| server);
        self.builder = self.builder.var("accounts-server", server);
        self
    }

    /// Asks for a refresh token (`access_type=offline`).
    pub fn offline_access(mut self) -> Self {
        self.builder = self.builder.var("access_type", "offline");
        self
    }
}

/// The accounts server is one of Zoho's.
fn known_server(context: &PresetContext) -> Result<(), ConfigError> {
    let server = context.var("accounts-server");
    if REGIONS.iter().any(|(_, known)| *known == server) {
        Ok(())
    } else {
        Err(ConfigError(
            "Zoho's region must be one of us, eu, in, au, jp, ca, sa, uk, cn".into(),
        ))
    }
}

/// A redirect that names an accounts server names the configured one.
fn same_data_center(
    context: &PresetContext,
    params: &BTreeMap<String, String>,
) -> Result<(), Error> {
    match params.get("accounts-server") {
        Some(server) if server.trim_end_matches('/') != context.var("accounts-server") => {
            Err(Error::Input(
                "the Zoho account is in another data center than the app's region: its \
                 accounts-server is not the configured one"
                    .into(),
            ))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_choose_the_accounts_server() {
        let provider = Zoho::new("id", "secret").build().unwrap();
        assert_eq!(
            provider.config().authorize_url.as_str(),
            "https://accounts.zoho.com/oauth/v2/auth"
        );
        let ca = Zoho::new("id", "secret").region("CA").build().unwrap();
        assert_eq!(
            ca.config().token_url.as_str(),
            "https://accounts.zohocloud.ca/oauth/v2/token"
        );
        for bad in ["de", "", "eu.evil.example", "com"] {
            assert!(
                Zoho::new("id", "secret").region(bad).build().is_err(),
                "{bad:?}"
            );
        }
        let offline = Zoho::new("id", "secret").offline_access().build().unwrap();
        assert_eq!(
            offline.config().extra_authorize_params,
            [("access_type".to_owned(), "offline".to_owned())]
        );
    }

    #[test]
    fn a_redirect_from_another_data_center_is_refused() {
        let context = PresetContext {
            client_id: "id".into(),
            secret: "secret".into(),
            vars: vec![("accounts-server", "https://accounts.zoho.eu".into())],
        };
        let params = |server: &str| {
            BTreeMap::from([
                ("code".to_owned(), "c".to_owned()),
                ("accounts-server".to_owned(), server.to_owned()),
            ])
        };
        assert!(same_data_center(&context, &params("https://accounts.zoho.eu")).is_ok());
        assert!(same_data_center(&context, &params("https://accounts.zoho.eu/")).is_ok());
        let error = same_data_center(&context, &params("https://accounts.zoho.com")).unwrap_err();
        assert_eq!(error.code(), "InputError");
        assert!(same_data_center(&context, &BTreeMap::new()).is_ok());
    }
}
