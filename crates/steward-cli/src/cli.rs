use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};

/// Steward: local-first data governance. Inspects a warehouse, learns what is in
/// it, checks it against policies and answers stewards' questions with evidence.
#[derive(Debug, Parser)]
#[command(
    name = "steward",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config file [default: ./steward.toml]
    #[arg(long, global = true, env = "STEWARD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory, overriding `data_dir` in the config
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output on stderr (-v info, -vv debug, -vvv trace)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create steward.toml and the data dir, and set up the catalog store
    Init(InitArgs),
    /// Apply pending catalog store migrations
    Migrate(MigrateArgs),
    /// Inspect the configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Summarise the catalog: store, schema version and what it holds
    Status,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Catalog store URL to write into the new config (default: SQLite in the data dir)
    #[arg(long, value_name = "URL")]
    pub store_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Only report where the schema stands; change nothing
    #[arg(long)]
    pub status: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the configuration in effect, secrets masked
    Show,
}
