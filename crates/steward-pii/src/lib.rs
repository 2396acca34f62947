//! Sensitive-data detection. This crate is pure: it looks at values and names it
//! is given and never stores or prints them.
//!
//! So far it holds the label set, what column names say (`name`), and the value
//! validators (`validate`: checksums and structural rules) that the detectors
//! and the column classifier build on.

mod label;
pub mod name;
pub mod validate;

pub use label::Label;
