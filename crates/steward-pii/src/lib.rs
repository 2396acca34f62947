//! Sensitive-data detection. This crate is pure: it looks at values and names it
//! is given and never stores or prints them.
//!
//! So far it holds the value validators (checksums and structural rules) that the
//! detectors and the column classifier build on.

pub mod validate;
