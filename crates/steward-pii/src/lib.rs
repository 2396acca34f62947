//! Sensitive-data detection. This crate is pure: it looks at values and names it
//! is given and never stores or prints them.
//!
//! So far it holds the label set, what column names say (`name`), the value
//! validators (`validate`: checksums and structural rules) and the secret
//! detector (`secret`) that the column classifier will build on.

mod label;
pub mod name;
pub mod secret;
pub mod validate;

pub use label::Label;
