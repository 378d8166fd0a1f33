//! The demo's real providers, turned on by environment variables: a preset is on when its
//! `COAUTH_<NAME>_CLIENT_ID` and `COAUTH_<NAME>_CLIENT_SECRET` are both set.

use coauth_core::CoauthBuilder;
use coauth_core::presets::GitHub;

/// Client id and secret of a preset from `COAUTH_<NAME>_CLIENT_ID` / `_CLIENT_SECRET`.
fn credentials(name: &str) -> Option<(String, String)> {
    let id = std::env::var(format!("COAUTH_{name}_CLIENT_ID")).ok()?;
    let secret = std::env::var(format!("COAUTH_{name}_CLIENT_SECRET")).ok()?;
    Some((id, secret))
}

/// Adds every preset whose credentials are in the environment; returns the builder and the
/// names of the providers turned on.
pub fn providers_from_env(mut builder: CoauthBuilder) -> (CoauthBuilder, Vec<&'static str>) {
    let mut enabled = Vec::new();
    if let Some((id, secret)) = credentials("GITHUB") {
        builder = builder.provider("github", GitHub::new(id, secret).build());
        enabled.push("github");
    }
    (builder, enabled)
}
