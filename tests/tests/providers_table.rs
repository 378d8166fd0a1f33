//! The README's provider table is made from the code: one row per entry of
//! `coauth_core::presets::CATALOG`, each capability read from the preset's declaration, and
//! so is the list of the presets without PKCE below it. This test fails, printing the table
//! or the list the code makes, when README.md shows another; and when docs/providers.md
//! lacks a preset's row of references.

use coauth_core::presets::spec::{EmailVerified, Refresh, UserFields};
use coauth_core::presets::{CATALOG, CatalogEntry, Declared};

/// Where the table sits in README.md.
const START: &str = "<!-- providers table: made by tests/tests/providers_table.rs -->\n";
const END: &str = "<!-- end of the providers table -->\n";

/// Where the list of presets without PKCE sits in README.md.
const NO_PKCE_START: &str =
    "<!-- presets without PKCE: made by tests/tests/providers_table.rs -->\n";
const NO_PKCE_END: &str = "<!-- end of the presets without PKCE -->\n";

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

fn refresh(refresh: Refresh) -> String {
    match refresh {
        Refresh::No => "no".into(),
        Refresh::Issued => "yes".into(),
        Refresh::WithScope(scope) => format!("with `{scope}`"),
        Refresh::WithParam(name, value) => format!("with `{name}={value}`"),
    }
}

/// The name of a field from its JSON pointer: its last segment, unescaped.
fn field(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or(pointer)
        .replace("~1", "/")
        .replace("~0", "~")
}

fn email_verified(user: &UserFields) -> String {
    match user.email_verified {
        EmailVerified::Unknown => "`null`".into(),
        EmailVerified::ByHook => "decided by the preset".into(),
        EmailVerified::Always => "always".into(),
        EmailVerified::Never => "never (`false`)".into(),
        EmailVerified::Field(pointer) => format!("`{}`", field(pointer)),
        EmailVerified::PresentAt(pointer) => format!("when `{}` is set", field(pointer)),
    }
}

/// Whether the preset sends PKCE; `None` where the protocol has none (OAuth 1.0a).
fn sends_pkce(entry: &CatalogEntry) -> Option<bool> {
    match entry.declared {
        Declared::OAuth2(spec) => Some(spec.pkce),
        Declared::Oidc(spec) => Some(spec.pkce),
        Declared::OAuth1(_) => None,
        Declared::Discovery => Some(true),
    }
}

/// One row: provider, `providerType`, `<NAME>`, preset, protocol, PKCE, silent sign-in,
/// refresh token, `emailVerified`.
fn row(entry: &CatalogEntry) -> String {
    let pkce = sends_pkce(entry).map_or("—", yes_no).to_owned();
    let cells: [String; 5] = match entry.declared {
        Declared::OAuth2(spec) => [
            "OAuth 2.0".into(),
            pkce,
            yes_no(spec.silent).into(),
            refresh(spec.refresh),
            match spec.emails {
                // The email comes from the emails call when the profile has none.
                Some(emails) if spec.user.email.is_empty() || emails.only_without_email => {
                    format!("`{}` of the emails call", field(emails.verified))
                }
                _ => email_verified(&spec.user),
            },
        ],
        Declared::Oidc(spec) => [
            "OpenID Connect".into(),
            pkce,
            yes_no(spec.silent).into(),
            refresh(spec.refresh),
            email_verified(&spec.user),
        ],
        Declared::OAuth1(spec) => [
            "OAuth 1.0a".into(),
            pkce,
            "no".into(),
            "—".into(),
            email_verified(&spec.user),
        ],
        Declared::Discovery => [
            "OpenID Connect (discovery)".into(),
            pkce,
            "yes".into(),
            "with `offline_access`, where the provider has it".into(),
            "`email_verified`".into(),
        ],
    };
    format!(
        "| {} | `{}` | `{}` | `presets::{}` | {} |\n",
        entry.display_name,
        entry.provider_type,
        entry.env_name,
        entry.type_name,
        cells.join(" | ")
    )
}

/// The catalog's presets in the table's order: by display name.
fn sorted() -> Vec<&'static CatalogEntry> {
    let mut entries: Vec<&CatalogEntry> = CATALOG.iter().collect();
    entries.sort_by_key(|entry| entry.display_name.to_lowercase());
    entries
}

fn table() -> String {
    let mut table = String::from(
        "| provider | `providerType` | `<NAME>` | preset | protocol | PKCE | silent sign-in | \
         refresh token | `emailVerified` |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for entry in sorted() {
        table.push_str(&row(entry));
    }
    table
}

/// The presets whose PKCE cell says no, as a paragraph of lines of at most 90 characters.
fn without_pkce() -> String {
    let names: Vec<&str> = sorted()
        .into_iter()
        .filter(|entry| sends_pkce(entry) == Some(false))
        .map(|entry| entry.display_name)
        .collect();
    let mut text = String::new();
    let mut line = String::new();
    for (i, name) in names.iter().enumerate() {
        let word = if i + 1 == names.len() {
            format!("{name}.")
        } else {
            format!("{name},")
        };
        if !line.is_empty() && line.len() + 1 + word.len() > 90 {
            text.push_str(&line);
            text.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    text.push_str(&line);
    text.push('\n');
    text
}

/// Checks that README.md shows `made` between `start` and `end`.
fn shown_in_the_readme(what: &str, start: &str, end: &str, made: &str) {
    let readme = include_str!("../../README.md");
    let shown = readme
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(shown, _)| shown);
    assert!(
        shown == Some(made),
        "README.md's {what} (between {start:?} and {end:?}) is not the catalog's; \
         the catalog makes:\n\n{made}"
    );
}

#[test]
fn the_readme_s_provider_table_is_the_catalog_s() {
    shown_in_the_readme("provider table", START, END, &table());
}

#[test]
fn the_readme_s_presets_without_pkce_are_the_catalog_s() {
    let made = without_pkce();
    assert!(made.contains("Apple,"), "{made}");
    shown_in_the_readme(
        "list of presets without PKCE",
        NO_PKCE_START,
        NO_PKCE_END,
        &made,
    );
}

#[test]
fn the_catalog_has_every_preset_once_and_at_least_64() {
    assert!(CATALOG.len() >= 64, "{} presets", CATALOG.len());
    for (i, entry) in CATALOG.iter().enumerate() {
        for other in &CATALOG[..i] {
            assert_ne!(entry.provider_type, other.provider_type);
            assert_ne!(entry.env_name, other.env_name);
            assert_ne!(entry.type_name, other.type_name);
        }
    }
}

#[test]
fn docs_providers_md_has_a_row_of_references_for_every_preset() {
    let docs = include_str!("../../docs/providers.md");
    for entry in CATALOG {
        let preset = format!("`presets::{}`", entry.type_name);
        let rows: Vec<&str> = docs
            .lines()
            .filter(|line| line.starts_with('|') && line.contains(&preset))
            .collect();
        assert_eq!(
            rows.len(),
            1,
            "docs/providers.md rows naming {preset}: {rows:?}"
        );
        let references = rows[0].split(" | ").nth(3).unwrap_or("");
        assert!(
            references.contains("https://") && references.split(';').count() >= 2,
            "{preset}: the references are not the provider's documentation and another \
             independent source: {references}"
        );
    }
}
