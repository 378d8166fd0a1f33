//! Ready-made configurations of the engines for well-known providers.

mod github;

pub use github::{GitHub, GitHubProfile};
