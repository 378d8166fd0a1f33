//! Ready-made configurations of the engines for well-known providers.

mod amazon;
#[cfg(feature = "oidc")]
mod apple;
mod asana;
mod atlassian;
#[cfg(feature = "oidc")]
mod auth0;
#[cfg(feature = "oidc")]
mod authentik;
#[cfg(feature = "oidc")]
mod azure_ad_b2c;
mod battlenet;
mod bitbucket;
mod box_com;
mod catalog;
mod clickup;
#[cfg(feature = "oidc")]
mod cognito;
mod coinbase;
mod discord;
mod dribbble;
mod dropbox;
mod facebook;
mod figma;
#[cfg(feature = "oidc")]
mod fusionauth;
mod github;
mod gitlab;
#[cfg(feature = "oidc")]
mod google;
mod hubspot;
mod instagram;
#[cfg(feature = "oidc")]
mod intuit;
mod kakao;
#[cfg(feature = "oidc")]
mod keycloak;
#[cfg(feature = "oidc")]
mod line;
mod linear;
#[cfg(feature = "oidc")]
mod linkedin;
mod mailru;
mod mastodon;
#[cfg(feature = "oidc")]
mod microsoft;
mod miro;
mod naver;
mod notion;
mod odnoklassniki;
#[cfg(feature = "oidc")]
mod oidc;
#[cfg(feature = "oidc")]
mod okta;
mod patreon;
mod paypal;
mod pinterest;
mod platform;
mod reddit;
#[cfg(feature = "oidc")]
mod roblox;
#[cfg(feature = "oidc")]
mod salesforce;
mod shopify;
#[cfg(feature = "oidc")]
mod slack;
mod snapchat;
pub mod spec;
mod spotify;
mod strava;
mod threads;
mod tiktok;
mod twitch;
#[cfg(feature = "oauth1")]
mod twitter;
mod vimeo;
mod vk;
mod vk_id;
mod webex;
mod weibo;
mod x;
mod yahoo;
#[cfg(feature = "oidc")]
mod yahoo_japan;
mod yandex;
#[cfg(feature = "oidc")]
mod zitadel;
mod zoho;
mod zoom;

pub use amazon::Amazon;
#[cfg(feature = "oidc")]
pub use apple::Apple;
pub use asana::Asana;
pub use atlassian::Atlassian;
#[cfg(feature = "oidc")]
pub use auth0::Auth0;
#[cfg(feature = "oidc")]
pub use authentik::Authentik;
#[cfg(feature = "oidc")]
pub use azure_ad_b2c::AzureAdB2c;
pub use battlenet::BattleNet;
pub use bitbucket::Bitbucket;
pub use box_com::BoxCom;
pub use catalog::{CATALOG, CatalogEntry, Declared};
pub use clickup::ClickUp;
#[cfg(feature = "oidc")]
pub use cognito::AmazonCognito;
pub use coinbase::Coinbase;
pub use discord::Discord;
pub use dribbble::Dribbble;
pub use dropbox::Dropbox;
pub use facebook::{FACEBOOK_GRAPH_VERSION, Facebook};
pub use figma::Figma;
#[cfg(feature = "oidc")]
pub use fusionauth::FusionAuth;
pub use github::GitHub;
pub use gitlab::GitLab;
#[cfg(feature = "oidc")]
pub use google::Google;
pub use hubspot::HubSpot;
pub use instagram::Instagram;
#[cfg(feature = "oidc")]
pub use intuit::Intuit;
pub use kakao::Kakao;
#[cfg(feature = "oidc")]
pub use keycloak::Keycloak;
#[cfg(feature = "oidc")]
pub use line::Line;
pub use linear::Linear;
#[cfg(feature = "oidc")]
pub use linkedin::LinkedIn;
pub use mailru::MailRu;
pub use mastodon::Mastodon;
#[cfg(feature = "oidc")]
pub use microsoft::Microsoft;
pub use miro::Miro;
pub use naver::Naver;
pub use notion::Notion;
pub use odnoklassniki::Odnoklassniki;
#[cfg(feature = "oidc")]
pub use oidc::Oidc;
#[cfg(feature = "oidc")]
pub use okta::Okta;
pub use patreon::Patreon;
pub use paypal::PayPal;
pub use pinterest::Pinterest;
pub use reddit::Reddit;
#[cfg(feature = "oidc")]
pub use roblox::Roblox;
#[cfg(feature = "oidc")]
pub use salesforce::Salesforce;
pub use shopify::Shopify;
#[cfg(feature = "oidc")]
pub use slack::Slack;
pub use snapchat::Snapchat;
pub use spotify::Spotify;
pub use strava::Strava;
pub use threads::Threads;
pub use tiktok::TikTok;
pub use twitch::Twitch;
#[cfg(feature = "oauth1")]
pub use twitter::Twitter;
pub use vimeo::Vimeo;
pub use vk::{VK_API_VERSION, Vk};
pub use vk_id::VkId;
pub use webex::Webex;
pub use weibo::Weibo;
pub use x::X;
pub use yahoo::Yahoo;
#[cfg(feature = "oidc")]
pub use yahoo_japan::YahooJapan;
pub use yandex::Yandex;
#[cfg(feature = "oidc")]
pub use zitadel::Zitadel;
pub use zoho::Zoho;
pub use zoom::Zoom;
