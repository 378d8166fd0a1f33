//! The catalog: every preset with its provider name, its display name, the `<NAME>` of its
//! environment variables and its declaration, from which the README's provider table is
//! made (`tests/tests/providers_table.rs` fails when the two differ).

#[cfg(feature = "oauth1")]
use super::spec::OAuth1Preset;
use super::spec::OAuth2Preset;
#[cfg(feature = "oidc")]
use super::spec::OidcPreset;
#[allow(clippy::wildcard_imports)]
use super::*;
use crate::DenialRule;

/// A preset's declaration, by protocol.
#[derive(Debug, Clone, Copy)]
pub enum Declared {
    /// An OAuth 2.0 preset.
    OAuth2(&'static OAuth2Preset),
    /// An OpenID Connect preset.
    #[cfg(feature = "oidc")]
    Oidc(&'static OidcPreset),
    /// An OAuth 1.0a preset.
    #[cfg(feature = "oauth1")]
    OAuth1(&'static OAuth1Preset),
    /// Any OpenID provider, configured from its issuer's discovery document ([`Oidc`]).
    #[cfg(feature = "oidc")]
    Discovery,
}

impl Declared {
    /// How the preset's redirect reports that the user refused: the [`DenialRule`]s it
    /// declares; for OAuth 1.0a, [`crate::OAUTH1_DENIALS`] (the engine's); for a provider
    /// configured by discovery, [`crate::STANDARD_DENIALS`].
    pub fn denials(&self) -> &'static [DenialRule] {
        match self {
            Declared::OAuth2(spec) => spec.denials,
            #[cfg(feature = "oidc")]
            Declared::Oidc(spec) => spec.denials,
            #[cfg(feature = "oauth1")]
            Declared::OAuth1(_) => crate::OAUTH1_DENIALS,
            #[cfg(feature = "oidc")]
            Declared::Discovery => crate::STANDARD_DENIALS,
        }
    }
}

/// One preset of the catalog.
#[derive(Debug, Clone, Copy)]
pub struct CatalogEntry {
    /// The provider's name in `providerType`, as the environment configuration registers
    /// it (`github`).
    pub provider_type: &'static str,
    /// The provider's name for people (`GitHub`).
    pub display_name: &'static str,
    /// The `<NAME>` of its `COAUTH_<NAME>_CLIENT_ID` variables (`GITHUB`).
    pub env_name: &'static str,
    /// The preset's type in [`crate::presets`] (`GitHub`).
    pub type_name: &'static str,
    /// Its declaration.
    pub declared: Declared,
}

const fn entry(
    provider_type: &'static str,
    display_name: &'static str,
    env_name: &'static str,
    type_name: &'static str,
    declared: Declared,
) -> CatalogEntry {
    CatalogEntry {
        provider_type,
        display_name,
        env_name,
        type_name,
        declared,
    }
}

/// Every preset, in the order the environment configuration tries them.
pub const CATALOG: &[CatalogEntry] = &[
    entry(
        "github",
        "GitHub",
        "GITHUB",
        "GitHub",
        Declared::OAuth2(GitHub::SPEC),
    ),
    #[cfg(feature = "oauth1")]
    entry(
        "twitter",
        "Twitter",
        "TWITTER",
        "Twitter",
        Declared::OAuth1(Twitter::SPEC),
    ),
    entry(
        "facebook",
        "Facebook",
        "FACEBOOK",
        "Facebook",
        Declared::OAuth2(Facebook::SPEC),
    ),
    entry("x", "X", "X", "X", Declared::OAuth2(X::SPEC)),
    entry(
        "discord",
        "Discord",
        "DISCORD",
        "Discord",
        Declared::OAuth2(Discord::SPEC),
    ),
    entry(
        "gitlab",
        "GitLab",
        "GITLAB",
        "GitLab",
        Declared::OAuth2(GitLab::SPEC),
    ),
    entry(
        "spotify",
        "Spotify",
        "SPOTIFY",
        "Spotify",
        Declared::OAuth2(Spotify::SPEC),
    ),
    entry(
        "twitch",
        "Twitch",
        "TWITCH",
        "Twitch",
        Declared::OAuth2(Twitch::SPEC),
    ),
    entry(
        "reddit",
        "Reddit",
        "REDDIT",
        "Reddit",
        Declared::OAuth2(Reddit::SPEC),
    ),
    entry(
        "dropbox",
        "Dropbox",
        "DROPBOX",
        "Dropbox",
        Declared::OAuth2(Dropbox::SPEC),
    ),
    entry(
        "bitbucket",
        "Bitbucket",
        "BITBUCKET",
        "Bitbucket",
        Declared::OAuth2(Bitbucket::SPEC),
    ),
    entry(
        "amazon",
        "Amazon",
        "AMAZON",
        "Amazon",
        Declared::OAuth2(Amazon::SPEC),
    ),
    entry(
        "yahoo",
        "Yahoo",
        "YAHOO",
        "Yahoo",
        Declared::OAuth2(Yahoo::SPEC),
    ),
    entry("vk", "VK", "VK", "Vk", Declared::OAuth2(Vk::SPEC)),
    entry(
        "vk-id",
        "VK ID",
        "VK_ID",
        "VkId",
        Declared::OAuth2(VkId::SPEC),
    ),
    entry(
        "yandex",
        "Yandex",
        "YANDEX",
        "Yandex",
        Declared::OAuth2(Yandex::SPEC),
    ),
    entry(
        "mailru",
        "Mail.ru",
        "MAILRU",
        "MailRu",
        Declared::OAuth2(MailRu::SPEC),
    ),
    entry(
        "odnoklassniki",
        "Odnoklassniki",
        "ODNOKLASSNIKI",
        "Odnoklassniki",
        Declared::OAuth2(Odnoklassniki::SPEC),
    ),
    entry(
        "atlassian",
        "Atlassian",
        "ATLASSIAN",
        "Atlassian",
        Declared::OAuth2(Atlassian::SPEC),
    ),
    entry(
        "notion",
        "Notion",
        "NOTION",
        "Notion",
        Declared::OAuth2(Notion::SPEC),
    ),
    entry(
        "box",
        "Box",
        "BOX",
        "BoxCom",
        Declared::OAuth2(BoxCom::SPEC),
    ),
    entry(
        "hubspot",
        "HubSpot",
        "HUBSPOT",
        "HubSpot",
        Declared::OAuth2(HubSpot::SPEC),
    ),
    entry("zoho", "Zoho", "ZOHO", "Zoho", Declared::OAuth2(Zoho::SPEC)),
    entry(
        "figma",
        "Figma",
        "FIGMA",
        "Figma",
        Declared::OAuth2(Figma::SPEC),
    ),
    entry(
        "vimeo",
        "Vimeo",
        "VIMEO",
        "Vimeo",
        Declared::OAuth2(Vimeo::SPEC),
    ),
    entry(
        "dribbble",
        "Dribbble",
        "DRIBBBLE",
        "Dribbble",
        Declared::OAuth2(Dribbble::SPEC),
    ),
    entry(
        "linear",
        "Linear",
        "LINEAR",
        "Linear",
        Declared::OAuth2(Linear::SPEC),
    ),
    entry(
        "asana",
        "Asana",
        "ASANA",
        "Asana",
        Declared::OAuth2(Asana::SPEC),
    ),
    entry(
        "clickup",
        "ClickUp",
        "CLICKUP",
        "ClickUp",
        Declared::OAuth2(ClickUp::SPEC),
    ),
    entry("miro", "Miro", "MIRO", "Miro", Declared::OAuth2(Miro::SPEC)),
    entry(
        "webex",
        "Webex",
        "WEBEX",
        "Webex",
        Declared::OAuth2(Webex::SPEC),
    ),
    entry(
        "mastodon",
        "Mastodon",
        "MASTODON",
        "Mastodon",
        Declared::OAuth2(Mastodon::SPEC),
    ),
    entry(
        "shopify",
        "Shopify",
        "SHOPIFY",
        "Shopify",
        Declared::OAuth2(Shopify::SPEC),
    ),
    entry(
        "strava",
        "Strava",
        "STRAVA",
        "Strava",
        Declared::OAuth2(Strava::SPEC),
    ),
    entry(
        "patreon",
        "Patreon",
        "PATREON",
        "Patreon",
        Declared::OAuth2(Patreon::SPEC),
    ),
    entry("zoom", "Zoom", "ZOOM", "Zoom", Declared::OAuth2(Zoom::SPEC)),
    entry(
        "naver",
        "Naver",
        "NAVER",
        "Naver",
        Declared::OAuth2(Naver::SPEC),
    ),
    entry(
        "weibo",
        "Weibo",
        "WEIBO",
        "Weibo",
        Declared::OAuth2(Weibo::SPEC),
    ),
    entry(
        "tiktok",
        "TikTok",
        "TIKTOK",
        "TikTok",
        Declared::OAuth2(TikTok::SPEC),
    ),
    entry(
        "pinterest",
        "Pinterest",
        "PINTEREST",
        "Pinterest",
        Declared::OAuth2(Pinterest::SPEC),
    ),
    entry(
        "coinbase",
        "Coinbase",
        "COINBASE",
        "Coinbase",
        Declared::OAuth2(Coinbase::SPEC),
    ),
    entry(
        "kakao",
        "Kakao",
        "KAKAO",
        "Kakao",
        Declared::OAuth2(Kakao::SPEC),
    ),
    entry(
        "instagram",
        "Instagram",
        "INSTAGRAM",
        "Instagram",
        Declared::OAuth2(Instagram::SPEC),
    ),
    entry(
        "threads",
        "Threads",
        "THREADS",
        "Threads",
        Declared::OAuth2(Threads::SPEC),
    ),
    entry(
        "snapchat",
        "Snapchat",
        "SNAPCHAT",
        "Snapchat",
        Declared::OAuth2(Snapchat::SPEC),
    ),
    entry(
        "paypal",
        "PayPal",
        "PAYPAL",
        "PayPal",
        Declared::OAuth2(PayPal::SPEC),
    ),
    entry(
        "battlenet",
        "Battle.net",
        "BATTLENET",
        "BattleNet",
        Declared::OAuth2(BattleNet::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "google",
        "Google",
        "GOOGLE",
        "Google",
        Declared::Oidc(Google::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "microsoft",
        "Microsoft",
        "MICROSOFT",
        "Microsoft",
        Declared::Oidc(Microsoft::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "apple",
        "Apple",
        "APPLE",
        "Apple",
        Declared::Oidc(Apple::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "linkedin",
        "LinkedIn",
        "LINKEDIN",
        "LinkedIn",
        Declared::Oidc(LinkedIn::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "slack",
        "Slack",
        "SLACK",
        "Slack",
        Declared::Oidc(Slack::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "auth0",
        "Auth0",
        "AUTH0",
        "Auth0",
        Declared::Oidc(Auth0::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry("okta", "Okta", "OKTA", "Okta", Declared::Oidc(Okta::SPEC)),
    #[cfg(feature = "oidc")]
    entry(
        "keycloak",
        "Keycloak",
        "KEYCLOAK",
        "Keycloak",
        Declared::Oidc(Keycloak::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "amazon-cognito",
        "Amazon Cognito",
        "AMAZON_COGNITO",
        "AmazonCognito",
        Declared::Oidc(AmazonCognito::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "azure-ad-b2c",
        "Azure AD B2C",
        "AZURE_AD_B2C",
        "AzureAdB2c",
        Declared::Oidc(AzureAdB2c::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "zitadel",
        "ZITADEL",
        "ZITADEL",
        "Zitadel",
        Declared::Oidc(Zitadel::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "authentik",
        "authentik",
        "AUTHENTIK",
        "Authentik",
        Declared::Oidc(Authentik::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "fusionauth",
        "FusionAuth",
        "FUSIONAUTH",
        "FusionAuth",
        Declared::Oidc(FusionAuth::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry("line", "LINE", "LINE", "Line", Declared::Oidc(Line::SPEC)),
    #[cfg(feature = "oidc")]
    entry(
        "yahoo-japan",
        "Yahoo! JAPAN",
        "YAHOO_JAPAN",
        "YahooJapan",
        Declared::Oidc(YahooJapan::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "salesforce",
        "Salesforce",
        "SALESFORCE",
        "Salesforce",
        Declared::Oidc(Salesforce::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "roblox",
        "Roblox",
        "ROBLOX",
        "Roblox",
        Declared::Oidc(Roblox::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "intuit",
        "Intuit",
        "INTUIT",
        "Intuit",
        Declared::Oidc(Intuit::SPEC),
    ),
    #[cfg(feature = "oidc")]
    entry(
        "oidc",
        "OpenID Connect",
        "OIDC",
        "Oidc",
        Declared::Discovery,
    ),
];
