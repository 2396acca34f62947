//! The `steward` binary: parses the command line, loads the configuration and
//! composes the engines for each command.

mod cli;
mod commands;
mod failure;
mod output;

use std::process::ExitCode;

use clap::Parser;
// Configuration is shared with every surface; `crate::config` reads as before.
use steward_config as config;

use crate::cli::{BenchCommand, Cli, Command, ConfigCommand, SourceCommand};
use crate::config::Overrides;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.global.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return failure::report(
                &anyhow::Error::new(e).context("cannot start the async runtime"),
                json,
            );
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => failure::report(&error, json),
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let overrides = Overrides {
        file: cli.global.config.clone(),
        data_dir: cli.global.data_dir.clone(),
        store_url: match &cli.command {
            Command::Init(args) => args.store_url.clone(),
            _ => None,
        },
    };
    let init = matches!(cli.command, Command::Init(_));
    let loaded = config::load(&overrides, !init)?;
    init_logging(cli.global.verbose, &loaded.config.log.level);
    let out = output::Output::new(cli.global.json);

    match cli.command {
        Command::Init(_) => commands::init::run(&loaded, &overrides, &out).await?,
        Command::Migrate(args) => commands::migrate::run(&loaded, &args, &out).await?,
        Command::Config(ConfigCommand::Show) => commands::config_show::run(&loaded, &out)?,
        Command::Status => commands::status::run(&loaded, &out).await?,
        Command::Source(SourceCommand::Add(args)) => {
            commands::source::add(&loaded, &args, &out).await?
        }
        Command::Source(SourceCommand::List) => commands::source::list(&loaded, &out).await?,
        Command::Source(SourceCommand::Remove(args)) => {
            commands::source::remove(&loaded, &args, &out).await?
        }
        Command::Serve(args) => commands::serve::run(&loaded, &args).await?,
        Command::Mcp(args) => commands::serve::mcp(&loaded, &args).await?,
        Command::User(command) => commands::user::run(&loaded, command, &out).await?,
        Command::Jobs(command) => commands::jobs::run(&loaded, command, &out).await?,
        Command::Worker(args) => commands::jobs::worker(&loaded, &args).await?,
        Command::Scan(args) => commands::scan::run(&loaded, &args, &out).await?,
        Command::Tables(args) => commands::tables::run(&loaded, &args, &out).await?,
        Command::Show(args) => commands::show::run(&loaded, &args, &out).await?,
        Command::DemoData(args) => commands::demo_data::run(&args, &out)?,
        Command::Annotate(args) => commands::check::annotate(&loaded, &args, &out).await?,
        Command::Check(args) => {
            return Ok(failure::verdict_code(
                commands::check::run(&loaded, &args, &out).await?,
            ));
        }
        Command::Findings(args) => commands::check::findings(&loaded, &args, &out).await?,
        Command::Cost(args) => commands::cost::run(&loaded, &args, &out).await?,
        Command::Model(command) => commands::llm::model(&loaded, &command, &out).await?,
        Command::Llm(command) => commands::llm::run(&loaded, &command, &out).await?,
        Command::Policy(command) => {
            return Ok(failure::verdict_code(
                commands::check::policy(&loaded, &command, &out).await?,
            ));
        }
        Command::Search(args) => commands::search::run(&loaded, &args, &out).await?,
        Command::Ask(args) => commands::ask::run(&loaded, &args, &out).await?,
        Command::Query(args) => commands::query::run(&loaded, &args, &out).await?,
        Command::Sql(command) => commands::sql::run(&loaded, &command, &out).await?,
        Command::Docs(command) => commands::docs::draft(&loaded, &command, &out).await?,
        Command::Proposals(args) => commands::docs::proposals(&loaded, &args, &out).await?,
        Command::Index(command) => commands::search::index(&loaded, &command, &out).await?,
        Command::Bench(BenchCommand::Profile(args)) => {
            commands::bench::profile(&loaded, &args, &out).await?
        }
        Command::Pii(args) => commands::pii::list(&loaded, &args, &out).await?,
        Command::Classify(args) => commands::pii::classify(&loaded, &args, &out).await?,
        Command::Lineage(args) => commands::lineage::run(&loaded, &args, &out).await?,
        Command::Bench(BenchCommand::Pii(args)) => commands::bench_pii::run(&loaded, &args, &out)?,
        Command::Bench(BenchCommand::Lineage(args)) => commands::bench_lineage::run(&args, &out)?,
        Command::Bench(BenchCommand::Agent(args)) => {
            commands::bench_agent::run(&loaded, &args, &out).await?
        }
        Command::Bench(BenchCommand::Queue(args)) => {
            commands::bench_queue::run(&loaded, &args, &out).await?
        }
        Command::Bench(BenchCommand::Sql(args)) => {
            commands::bench_sql::run(&loaded, &args, &out).await?
        }
        Command::Bench(BenchCommand::Search(args)) => {
            commands::bench_search::run(&loaded, &args, &out).await?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Logs go to stderr. `STEWARD_LOG` wins over `-v`, which wins over the config.
fn init_logging(verbose: u8, configured: &str) {
    let level = match verbose {
        // llama.cpp warns about model-file quirks it works around; that is
        // noise unless asked for with -v.
        0 => format!("{configured},llama-cpp-2=error"),
        1 => "info".to_string(),
        2 => "debug".to_string(),
        _ => "trace".to_string(),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("STEWARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
