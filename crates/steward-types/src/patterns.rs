//! Named lists of glob patterns, as the config writes them: zones in
//! `[policy.zones]`, storage tiers and teams in `[cost]`.

use std::collections::BTreeMap;

/// Patterns by name, matched without regard to case: a text belongs to the
/// first name, in name order, with a pattern that matches it.
#[derive(Debug, Clone, Default)]
pub struct NamedPatterns(Vec<(String, glob::Pattern)>);

impl NamedPatterns {
    /// Compiles every pattern; a bad one is an error naming `section`, the
    /// name and the pattern (`policy.zones.restricted: pattern `[`: ...`).
    pub fn compile(map: &BTreeMap<String, Vec<String>>, section: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for (name, globs) in map {
            for g in globs {
                let pattern = glob::Pattern::new(&g.to_lowercase())
                    .map_err(|e| format!("{section}.{name}: pattern `{g}`: {e}"))?;
                out.push((name.clone(), pattern));
            }
        }
        Ok(Self(out))
    }

    /// The name `text` belongs to, if any.
    pub fn name_of(&self, text: &str) -> Option<&str> {
        let text = text.to_lowercase();
        self.0
            .iter()
            .find(|(_, p)| p.matches(&text))
            .map(|(name, _)| name.as_str())
    }
}

/// The `source.schema` text zones and tiers are matched against (an empty
/// schema for sources without schemas).
pub fn schema_key(source: &str, schema: Option<&str>) -> String {
    format!("{source}.{}", schema.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn map(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn the_first_name_in_order_with_a_matching_pattern_wins_whatever_the_case() {
        let p = NamedPatterns::compile(
            &map(&[
                ("archive", &["lake.ARCHIVE*"]),
                ("hot", &["lake.*", "dw.*"]),
            ]),
            "cost.tiers",
        )
        .unwrap();
        assert_eq!(
            p.name_of(&schema_key("Lake", Some("archive_2020"))),
            Some("archive")
        );
        assert_eq!(p.name_of(&schema_key("lake", Some("sales"))), Some("hot"));
        assert_eq!(p.name_of(&schema_key("dw", None)), Some("hot"));
        assert_eq!(p.name_of(&schema_key("crm", Some("public"))), None);
    }

    #[test]
    fn a_bad_pattern_is_named_with_its_section() {
        let e = NamedPatterns::compile(&map(&[("x", &["ok.*", "["])]), "cost.teams").unwrap_err();
        assert!(e.starts_with("cost.teams.x: pattern `[`"), "{e}");
    }
}
