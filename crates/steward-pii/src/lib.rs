//! Sensitive-data detection. This crate is pure: it looks at values and names it
//! is given and never stores or prints them.
//!
//! - `validate`, `phone`, `text`, `secret`: what one value is (checksums,
//!   numbering plans, word lists, documented key formats);
//! - `name`: what a column's name says, in several languages;
//! - `column`: the decision for one column, with confidence and evidence;
//! - `table`: neighbours, quasi-identifiers and the second-opinion hook.

pub mod column;
mod gazetteer;
mod label;
pub mod name;
pub mod phone;
pub mod secret;
pub mod table;
pub mod text;
pub mod validate;

pub use column::{
    Candidate, ClassifierOptions, ColumnDecision, ColumnSample, DETECTOR_VERSION, PiiConfig,
    classify_column,
};
pub use gazetteer::warm_up;
pub use label::Label;
pub use table::{
    AmbiguousColumn, Classifier, Opinion, QuasiIdentifier, SecondOpinion, TableDecision,
};
