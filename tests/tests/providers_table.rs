//! The README's provider table is made from the code: one row per entry of
//! `coauth_core::presets::CATALOG`, each capability read from the preset's declaration. This
//! test fails, printing the table the code makes, when README.md shows another; and when
//! docs/providers.md lacks a preset's row of references.

use coauth_core::presets::spec::{EmailVerified, Refresh, UserFields};
use coauth_core::presets::{CATALOG, CatalogEntry, Declared};

/// Where the table sits in README.md.
const START: &str = "<!-- providers table: made by tests/tests/providers_table.rs -->\n";
const END: &str = "<!-- end of the providers table -->\n";

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

/// One row: provider, `providerType`, `<NAME>`, preset, protocol, PKCE, silent sign-in,
/// refresh token, `emailVerified`.
fn row(entry: &CatalogEntry) -> String {
    let cells: [String; 5] = match entry.declared {
        Declared::OAuth2(spec) => [
            "OAuth 2.0".into(),
            yes_no(spec.pkce).into(),
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
            yes_no(spec.pkce).into(),
            yes_no(spec.silent).into(),
            refresh(spec.refresh),
            email_verified(&spec.user),
        ],
        Declared::OAuth1(spec) => [
            "OAuth 1.0a".into(),
            "—".into(),
            "no".into(),
            "—".into(),
            email_verified(&spec.user),
        ],
        Declared::Discovery => [
            "OpenID Connect (discovery)".into(),
            "yes".into(),
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

fn table() -> String {
    let mut table = String::from(
        "| provider | `providerType` | `<NAME>` | preset | protocol | PKCE | silent sign-in | \
         refresh token | `emailVerified` |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let mut entries: Vec<&CatalogEntry> = CATALOG.iter().collect();
    entries.sort_by_key(|entry| entry.display_name.to_lowercase());
    for entry in entries {
        table.push_str(&row(entry));
    }
    table
}

#[test]
fn the_readme_s_provider_table_is_the_catalog_s() {
    let readme = include_str!("../../README.md");
    let shown = readme
        .split_once(START)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(table, _)| table);
    let made = table();
    assert!(
        shown == Some(made.as_str()),
        "README.md's provider table (between {START:?} and {END:?}) is not the catalog's; \
         the catalog makes:\n\n{made}"
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
