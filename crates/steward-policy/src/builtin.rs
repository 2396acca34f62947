//! The built-in policy pack: the files of the repository's `policies/`
//! folder, compiled into the binary so it works from any directory.

use crate::file::{Policy, Problem, parse};

/// `(file name, text)` of every built-in policy.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "duplicated-tables.toml",
        include_str!("../../../policies/duplicated-tables.toml"),
    ),
    (
        "instructions-in-data.toml",
        include_str!("../../../policies/instructions-in-data.toml"),
    ),
    (
        "many-small-files.toml",
        include_str!("../../../policies/many-small-files.toml"),
    ),
    (
        "quasi-identifier-combination.toml",
        include_str!("../../../policies/quasi-identifier-combination.toml"),
    ),
    (
        "repeated-expensive-query.toml",
        include_str!("../../../policies/repeated-expensive-query.toml"),
    ),
    (
        "row-format-not-columnar.toml",
        include_str!("../../../policies/row-format-not-columnar.toml"),
    ),
    (
        "schema-drift-mart.toml",
        include_str!("../../../policies/schema-drift-mart.toml"),
    ),
    (
        "secret-in-data.toml",
        include_str!("../../../policies/secret-in-data.toml"),
    ),
    (
        "sensitive-derived-unmasked.toml",
        include_str!("../../../policies/sensitive-derived-unmasked.toml"),
    ),
    (
        "sensitive-held-for-review.toml",
        include_str!("../../../policies/sensitive-held-for-review.toml"),
    ),
    (
        "sensitive-in-public-zone.toml",
        include_str!("../../../policies/sensitive-in-public-zone.toml"),
    ),
    (
        "sensitive-unconfirmed.toml",
        include_str!("../../../policies/sensitive-unconfirmed.toml"),
    ),
    (
        "sensitive-without-owner.toml",
        include_str!("../../../policies/sensitive-without-owner.toml"),
    ),
    (
        "stale-large-table.toml",
        include_str!("../../../policies/stale-large-table.toml"),
    ),
    (
        "table-undocumented.toml",
        include_str!("../../../policies/table-undocumented.toml"),
    ),
];

/// The built-in policies; a file that does not read is a problem (caught by
/// the tests, so it never ships).
pub fn builtin_policies() -> (Vec<Policy>, Vec<Problem>) {
    let mut policies = Vec::new();
    let mut problems = Vec::new();
    for (name, text) in BUILTIN {
        match parse(&format!("builtin:{name}"), text) {
            Ok(policy) => policies.push(policy),
            Err(problem) => problems.push(problem),
        }
    }
    (policies, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_policies_folder_is_built_in() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        files.sort();
        let built_in: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(files, built_in);
    }

    #[test]
    fn built_in_policies_read_and_are_named_after_their_files() {
        let (policies, problems) = builtin_policies();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(policies.len() >= 12);
        for p in &policies {
            assert_eq!(p.origin, format!("builtin:{}.toml", p.id));
            assert!(
                !p.description.is_empty() && !p.remediation.is_empty(),
                "{}",
                p.id
            );
        }
    }
}
