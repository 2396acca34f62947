//! Steward's domain model: typed ids, the catalog's entities and the error kinds
//! every crate maps its errors onto. No IO happens here.

mod access;
mod catalog;
mod error;
mod governance;
mod id;
mod jobs;
mod mask;
mod names;
mod patterns;
mod secret;

pub use access::{ApiToken, Role, User, UserSession};
pub use catalog::{
    ChangeEvent, ChangeKind, Classification, ClassificationOrigin, Column, ColumnProfile, Sampling,
    SamplingMethod, Source, SourceKind, Table, TableKind, ValueCount, Verdict,
};
pub use error::{ErrorKind, HasKind, ParseEnumError};
pub use governance::{
    AssetRef, AuditEvent, EdgeKind, Finding, FindingStatus, JobRun, JobStatus, LineageEdge,
    LineageOrigin, ModelColumnDocs, ModelDefinition, ModelDocs, PolicyRef, Proposal,
    ProposalStatus, Severity, TableCost, UsageRecord,
};
pub use id::{Id, Record};
pub use jobs::{
    CostSnapshot, IngestedFile, JobKind, JobSchedule, MissedRuns, QueueStatus, QueuedJob,
    ScheduleOrigin,
};
pub use mask::{mask_value, redact_quoted_values};
pub use patterns::{NamedPatterns, schema_key};
pub use secret::{Secret, redact_url};
