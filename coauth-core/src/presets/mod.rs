//! Ready-made configurations of the engines for well-known providers.

mod amazon;
#[cfg(feature = "oidc")]
mod apple;
mod battlenet;
mod bitbucket;
mod coinbase;
mod discord;
mod dropbox;
mod facebook;
mod github;
mod gitlab;
#[cfg(feature = "oidc")]
mod google;
mod instagram;
mod kakao;
#[cfg(feature = "oidc")]
mod linkedin;
mod mailru;
#[cfg(feature = "oidc")]
mod microsoft;
mod naver;
mod odnoklassniki;
#[cfg(feature = "oidc")]
mod oidc;
mod patreon;
mod paypal;
mod pinterest;
mod reddit;
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
mod vk;
mod vk_id;
mod weibo;
mod x;
mod yahoo;
mod yandex;
mod zoom;

pub use amazon::Amazon;
#[cfg(feature = "oidc")]
pub use apple::Apple;
pub use battlenet::BattleNet;
pub use bitbucket::Bitbucket;
pub use coinbase::Coinbase;
pub use discord::Discord;
pub use dropbox::Dropbox;
pub use facebook::{FACEBOOK_GRAPH_VERSION, Facebook};
pub use github::GitHub;
pub use gitlab::GitLab;
#[cfg(feature = "oidc")]
pub use google::Google;
pub use instagram::Instagram;
pub use kakao::Kakao;
#[cfg(feature = "oidc")]
pub use linkedin::LinkedIn;
pub use mailru::MailRu;
#[cfg(feature = "oidc")]
pub use microsoft::Microsoft;
pub use naver::Naver;
pub use odnoklassniki::Odnoklassniki;
#[cfg(feature = "oidc")]
pub use oidc::Oidc;
pub use patreon::Patreon;
pub use paypal::PayPal;
pub use pinterest::Pinterest;
pub use reddit::Reddit;
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
pub use vk::{VK_API_VERSION, Vk};
pub use vk_id::VkId;
pub use weibo::Weibo;
pub use x::X;
pub use yahoo::Yahoo;
pub use yandex::Yandex;
pub use zoom::Zoom;
