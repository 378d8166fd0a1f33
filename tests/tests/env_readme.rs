//! The README's table of environment variables is complete: every variable
//! `coauth_core::env` reads (the app's and every preset's) is named in README.md.

#[test]
fn the_readme_names_every_variable_the_env_module_reads() {
    // Lines wrap anywhere: compare with single spaces.
    let readme = include_str!("../../README.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let variables: Vec<&str> = coauth_core::env::variables().collect();
    assert!(variables.len() > 40, "{variables:?}");
    for variable in variables {
        // A preset's id and secret appear in the table as its `<NAME>`.
        let listed = variable
            .strip_prefix("COAUTH_")
            .and_then(|rest| {
                rest.strip_suffix("_CLIENT_ID")
                    .or_else(|| rest.strip_suffix("_CLIENT_SECRET"))
            })
            .map(|name| format!("`{name}`"));
        let found = readme.contains(variable) || listed.is_some_and(|name| readme.contains(&name));
        assert!(found, "README.md does not name {variable}");
    }
}
