use std::fmt;

/// Why a script yielded no lineage.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LineageError {
    /// The SQL does not parse in the dialect (nor in the fallbacks tried).
    #[error("cannot parse as {dialect}: {message}")]
    Parse {
        dialect: String,
        message: String,
        /// 1-based line and column, when the parser reported them.
        position: Option<Position>,
    },
    /// Nesting deeper than the resolver follows.
    #[error("statement nested deeper than {0} levels")]
    TooDeep(usize),
    /// A script longer than one input may be: its syntax tree would take many
    /// times its size in memory (a 5 MB statement took 1.5 GB).
    #[error("script of {size} bytes is over the {limit}-byte limit of one input; split it")]
    TooLarge { size: usize, limit: usize },
    /// A dialect name Steward does not know.
    #[error("unknown dialect `{0}`")]
    UnknownDialect(String),
}

/// Where in the script an error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

impl steward_types::HasKind for LineageError {
    /// Every lineage error is about the input: SQL that does not parse, is
    /// nested too deep or too large, or a dialect not known.
    fn kind(&self) -> steward_types::ErrorKind {
        steward_types::ErrorKind::Invalid
    }
}
