//! Ready-made configurations of the engines for well-known providers.

mod amazon;
#[cfg(feature = "oidc")]
mod apple;
mod asana;
mod atlassian;
mod battlenet;
mod bitbucket;
mod box_com;
mod clickup;
mod coinbase;
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
mod instagram;
mod kakao;
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
mod patreon;
mod paypal;
mod pinterest;
mod reddit;
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
mod yandex;
mod zoho;
mod zoom;

pub use amazon::Amazon;
#[cfg(feature = "oidc")]
pub use apple::Apple;
pub use asana::Asana;
pub use atlassian::Atlassian;
pub use battlenet::BattleNet;
pub use bitbucket::Bitbucket;
pub use box_com::BoxCom;
pub use clickup::ClickUp;
pub use coinbase::Coinbase;
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
pub use instagram::Instagram;
pub use kakao::Kakao;
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
pub use patreon::Patreon;
pub use paypal::PayPal;
pub use pinterest::Pinterest;
pub use reddit::Reddit;
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
pub use yandex::Yandex;
pub use zoho::Zoho;
pub use zoom::Zoom;
