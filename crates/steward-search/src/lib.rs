//! The catalog's search index, on Tantivy: one document per table, column
//! and other asset, searched by stewards (`search`, with snippets and facet
//! counts) and by agents (`retrieve`, passages tied to asset ids). The index
//! is derived data: `sync` keeps it in step with the catalog, rewriting only
//! the documents that changed, and an index that is missing, corrupt or of
//! another version is rebuilt from the store, never fatal.

pub mod analysis;
mod config;
mod doc;
mod error;
mod index;

pub use config::SearchConfig;
pub use doc::{CatalogDoc, DocKind};
pub use error::{Result, SearchError};
pub use index::{FACETS, Hit, Passage, SearchIndex, SearchResults, SyncReport};
