//! Agents on the local model. They read the catalog through `Steward`'s use
//! cases as tools (read-only), answer with citations checked against the
//! catalog, and treat everything from the warehouse as data: text aimed at
//! AI assistants is withheld from their prompts and reported.

mod ask;
mod docs;
mod error;
mod opinion;
mod quarantine;
mod route;
mod tools;

pub use ask::{Answer, AskEvent, AskOptions, ask};
pub use docs::{Drafted, draft_docs};
pub use error::{AgentError, Result};
pub use opinion::{ModelOpinion, shape};
pub use quarantine::{Quarantine, WITHHELD, Withheld};
pub use route::{Kind, route_by_words};
pub use tools::{ToolCall, ToolResult, Way, run as run_tool};
