//! Secrets stored in data: cloud and service keys with documented shapes,
//! JWTs, private keys. Each detector matches a documented format, so a random
//! identifier (a UUID, a hash) is not taken for a key.

/// What kind of secret a value is, for the evidence.
pub fn secret_kind(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("private key");
    }
    if is_aws_access_key(v) {
        return Some("AWS access key id");
    }
    if is_jwt(v) {
        return Some("JSON web token");
    }
    const PREFIXED: &[(&str, usize, &str)] = &[
        ("sk_live_", 16, "Stripe secret key"),
        ("rk_live_", 16, "Stripe restricted key"),
        ("ghp_", 36, "GitHub token"),
        ("gho_", 36, "GitHub token"),
        ("github_pat_", 40, "GitHub token"),
        ("xoxb-", 20, "Slack token"),
        ("xoxp-", 20, "Slack token"),
        ("AIza", 35, "Google API key"),
        ("glpat-", 20, "GitLab token"),
    ];
    PREFIXED.iter().find_map(|(prefix, min_rest, kind)| {
        let rest = v.strip_prefix(prefix)?;
        (rest.len() >= *min_rest
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .then_some(*kind)
    })
}

/// `AKIA`/`ASIA` and 16 upper-case letters or digits.
fn is_aws_access_key(v: &str) -> bool {
    (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.len() == 20
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Three base64url segments, the first two decoding to JSON objects (`eyJ`
/// is `{"` in base64).
fn is_jwt(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_key_shapes_are_secrets() {
        assert_eq!(
            secret_kind("AKIAIOSFODNN7EXAMPLE"),
            Some("AWS access key id")
        );
        assert_eq!(
            secret_kind("sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            Some("Stripe secret key")
        );
        assert_eq!(
            secret_kind("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some("GitHub token")
        );
        assert_eq!(
            secret_kind(
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
            ),
            Some("JSON web token")
        );
        assert_eq!(
            secret_kind(
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----"
            ),
            Some("private key")
        );
    }

    #[test]
    fn look_alikes_are_not_secrets() {
        for value in [
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "AKIA1234",
            "akiaiosfodnn7example",
            "sk_live_",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "version.1.2",
            "-----BEGIN CERTIFICATE-----",
        ] {
            assert_eq!(secret_kind(value), None, "{value}");
        }
    }
}
