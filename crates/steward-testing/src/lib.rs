//! What the test harnesses share, written once. Used as a dev-dependency
//! only.

/// The URL in `var`, or `None` (the caller skips its case with a word on
/// stderr). Under CI (`CI` set) the variable is mandatory: a suite that
/// should run against a real database never passes by skipping.
pub fn env_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{var} must be set under CI: the suites that need it are mandatory there"
            );
            eprintln!("skipping: {var} is not set");
            None
        }
    }
}

/// The PostgreSQL the database suites use (`STEWARD_TEST_PG_URL`).
pub fn pg_url() -> Option<String> {
    env_url("STEWARD_TEST_PG_URL")
}

/// The MariaDB/MySQL the database suites use (`STEWARD_TEST_MYSQL_URL`).
pub fn mysql_url() -> Option<String> {
    env_url("STEWARD_TEST_MYSQL_URL")
}

/// SplitMix64: deterministic across platforms and dependency upgrades, so a
/// test's generated values are the same on every run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// `n` decimal digits.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}
