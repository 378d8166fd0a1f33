//! Ready-made configurations of the engines for well-known providers.

mod amazon;
#[cfg(feature = "oidc")]
mod apple;
mod asana;
mod atlassian;
mod bitbucket;
mod box_com;
mod clickup;
mod discord;
mod dribbble;
mod dropbox;
mod facebook;
mod figma;
mod github;
mod gitlab;
#[cfg(feature = "oidc")]
mod google;
mod hubspot;
mod linear;
#[cfg(feature = "oidc")]
mod linkedin;
mod mailru;
mod mastodon;
#[cfg(feature = "oidc")]
mod microsoft;
mod miro;
mod notion;
mod odnoklassniki;
#[cfg(feature = "oidc")]
mod oidc;
mod reddit;
mod shopify;
#[cfg(feature = "oidc")]
mod slack;
pub mod spec;
mod spotify;
mod twitch;
#[cfg(feature = "oauth1")]
mod twitter;
mod vimeo;
mod vk;
mod vk_id;
mod webex;
mod x;
mod yahoo;
mod yandex;
mod zoho;

pub use amazon::Amazon;
#[cfg(feature = "oidc")]
pub use apple::Apple;
pub use asana::Asana;
pub use atlassian::Atlassian;
pub use bitbucket::Bitbucket;
pub use box_com::BoxCom;
pub use clickup::ClickUp;
pub use discord::Discord;
pub use dribbble::Dribbble;
pub use dropbox::Dropbox;
pub use facebook::{FACEBOOK_GRAPH_VERSION, Facebook};
pub use figma::Figma;
pub use github::GitHub;
pub use gitlab::GitLab;
#[cfg(feature = "oidc")]
pub use google::Google;
pub use hubspot::HubSpot;
pub use linear::Linear;
#[cfg(feature = "oidc")]
pub use linkedin::LinkedIn;
pub use mailru::MailRu;
pub use mastodon::Mastodon;
#[cfg(feature = "oidc")]
pub use microsoft::Microsoft;
pub use miro::Miro;
pub use notion::Notion;
pub use odnoklassniki::Odnoklassniki;
#[cfg(feature = "oidc")]
pub use oidc::Oidc;
pub use reddit::Reddit;
pub use shopify::Shopify;
#[cfg(feature = "oidc")]
pub use slack::Slack;
pub use spotify::Spotify;
pub use twitch::Twitch;
#[cfg(feature = "oauth1")]
pub use twitter::Twitter;
pub use vimeo::Vimeo;
pub use vk::{VK_API_VERSION, Vk};
pub use vk_id::VkId;
pub use webex::Webex;
pub use x::X;
pub use yahoo::Yahoo;
pub use yandex::Yandex;
pub use zoho::Zoho;
