//! Ready-made configurations of the engines for well-known providers.

mod amazon;
#[cfg(feature = "oidc")]
mod apple;
#[cfg(feature = "oidc")]
mod auth0;
#[cfg(feature = "oidc")]
mod authentik;
#[cfg(feature = "oidc")]
mod azure_ad_b2c;
mod bitbucket;
#[cfg(feature = "oidc")]
mod cognito;
mod discord;
mod dropbox;
mod facebook;
#[cfg(feature = "oidc")]
mod fusionauth;
mod github;
mod gitlab;
#[cfg(feature = "oidc")]
mod google;
#[cfg(feature = "oidc")]
mod intuit;
#[cfg(feature = "oidc")]
mod keycloak;
#[cfg(feature = "oidc")]
mod line;
#[cfg(feature = "oidc")]
mod linkedin;
mod mailru;
#[cfg(feature = "oidc")]
mod microsoft;
mod odnoklassniki;
#[cfg(feature = "oidc")]
mod oidc;
#[cfg(feature = "oidc")]
mod okta;
#[cfg(feature = "oidc")]
mod platform;
mod reddit;
#[cfg(feature = "oidc")]
mod roblox;
#[cfg(feature = "oidc")]
mod salesforce;
#[cfg(feature = "oidc")]
mod slack;
pub mod spec;
mod spotify;
mod twitch;
#[cfg(feature = "oauth1")]
mod twitter;
mod vk;
mod vk_id;
mod x;
mod yahoo;
#[cfg(feature = "oidc")]
mod yahoo_japan;
mod yandex;
#[cfg(feature = "oidc")]
mod zitadel;

pub use amazon::Amazon;
#[cfg(feature = "oidc")]
pub use apple::Apple;
#[cfg(feature = "oidc")]
pub use auth0::Auth0;
#[cfg(feature = "oidc")]
pub use authentik::Authentik;
#[cfg(feature = "oidc")]
pub use azure_ad_b2c::AzureAdB2c;
pub use bitbucket::Bitbucket;
#[cfg(feature = "oidc")]
pub use cognito::AmazonCognito;
pub use discord::Discord;
pub use dropbox::Dropbox;
pub use facebook::{FACEBOOK_GRAPH_VERSION, Facebook};
#[cfg(feature = "oidc")]
pub use fusionauth::FusionAuth;
pub use github::GitHub;
pub use gitlab::GitLab;
#[cfg(feature = "oidc")]
pub use google::Google;
#[cfg(feature = "oidc")]
pub use intuit::Intuit;
#[cfg(feature = "oidc")]
pub use keycloak::Keycloak;
#[cfg(feature = "oidc")]
pub use line::Line;
#[cfg(feature = "oidc")]
pub use linkedin::LinkedIn;
pub use mailru::MailRu;
#[cfg(feature = "oidc")]
pub use microsoft::Microsoft;
pub use odnoklassniki::Odnoklassniki;
#[cfg(feature = "oidc")]
pub use oidc::Oidc;
#[cfg(feature = "oidc")]
pub use okta::Okta;
pub use reddit::Reddit;
#[cfg(feature = "oidc")]
pub use roblox::Roblox;
#[cfg(feature = "oidc")]
pub use salesforce::Salesforce;
#[cfg(feature = "oidc")]
pub use slack::Slack;
pub use spotify::Spotify;
pub use twitch::Twitch;
#[cfg(feature = "oauth1")]
pub use twitter::Twitter;
pub use vk::{VK_API_VERSION, Vk};
pub use vk_id::VkId;
pub use x::X;
pub use yahoo::Yahoo;
#[cfg(feature = "oidc")]
pub use yahoo_japan::YahooJapan;
pub use yandex::Yandex;
#[cfg(feature = "oidc")]
pub use zitadel::Zitadel;
