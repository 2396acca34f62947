//! `steward sql query`: one query through the governed SQL path, as a role
//! sees it (the same path psql and DataFusion programs take);
//! `steward sql serve`: that path over the PostgreSQL wire protocol.

use std::sync::Arc;

use serde::Serialize;
use steward_service::{Principal, Steward};
use steward_sql::GovernedSession;
use steward_types::HasKind;

use crate::cli::{SqlCommand, SqlQueryArgs, SqlServeArgs};
use crate::commands::actor;
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

#[derive(Serialize)]
struct Answer {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
    /// More rows matched than the role may have.
    truncated: bool,
    /// `schema.table` of each catalog table read.
    tables: Vec<String>,
    bytes_scanned: Option<i64>,
    elapsed_ms: u128,
}

/// Where the endpoint listens when neither `--listen` nor `[sql] listen` says.
pub const DEFAULT_SQL_LISTEN: &str = "127.0.0.1:5433";

pub async fn run(loaded: &Loaded, command: &SqlCommand, out: &Output) -> anyhow::Result<()> {
    let args = match command {
        SqlCommand::Query(args) => args,
        SqlCommand::Serve(args) => return serve(loaded, args).await,
    };
    let steward = Arc::new(Steward::open(loaded).await?);
    let result = query(&steward, args).await;
    if let Ok(steward) = Arc::try_unwrap(steward) {
        steward.close().await;
    }
    out.print(&result?, |a| {
        let mut text = super::query::grid(&a.columns, &a.rows);
        text.push_str(&format!(
            "({} row{}{}; {} ms)\n",
            a.rows.len(),
            if a.rows.len() == 1 { "" } else { "s" },
            if a.truncated {
                "; more matched, cut at [sql] viewer_max_rows"
            } else {
                ""
            },
            a.elapsed_ms
        ));
        text
    })
}

async fn query(steward: &Arc<Steward>, args: &SqlQueryArgs) -> anyhow::Result<Answer> {
    let principal = Principal {
        user: actor(&args.by),
        role: args.role,
        via: "cli".to_string(),
    };
    let fail = |e: steward_sql::SqlError| Failure::new(e.kind(), e.to_string());
    let session = GovernedSession::open(steward.clone(), principal)
        .await
        .map_err(fail)?;
    let output = session.query(&args.sql).await.map_err(fail)?;
    Ok(Answer {
        columns: output.columns(),
        rows: output.text_rows().map_err(fail)?,
        truncated: output.truncated,
        tables: output.tables.clone(),
        bytes_scanned: output.bytes_scanned,
        elapsed_ms: output.elapsed.as_millis(),
    })
}

async fn serve(loaded: &Loaded, args: &SqlServeArgs) -> anyhow::Result<()> {
    let config = &loaded.config.sql;
    let listen = args
        .listen
        .clone()
        .or_else(|| config.listen.clone())
        .unwrap_or_else(|| DEFAULT_SQL_LISTEN.to_string());
    let options = steward_sql::wire::WireOptions::from_config(config)?;
    let steward = Arc::new(Steward::open(loaded).await?);
    let listener = steward_sql::wire::bind(&listen).await?;
    eprintln!("{}", announce(&listener, &options)?);
    steward_sql::wire::serve(
        steward.clone(),
        listener,
        options,
        steward_server::shutdown_signal(),
    )
    .await?;
    eprintln!("stopped");
    if let Ok(steward) = Arc::try_unwrap(steward) {
        steward.close().await;
    }
    Ok(())
}

/// The line that says where the endpoint is and how clients log in.
pub(crate) fn announce(
    listener: &tokio::net::TcpListener,
    options: &steward_sql::wire::WireOptions,
) -> anyhow::Result<String> {
    let address = listener.local_addr()?;
    let auth = match options.auth {
        steward_config::SqlAuth::Scram => "SCRAM-SHA-256 with a user's password",
        steward_config::SqlAuth::Password => "a user's password or API token",
    };
    Ok(format!(
        "serving SQL (PostgreSQL wire) on {address}: psql \"host={} port={} user=NAME dbname=steward\"; log in with {auth}; TLS {}; Ctrl-C stops",
        address.ip(),
        address.port(),
        if options.tls.is_some() {
            "offered"
        } else {
            "off"
        }
    ))
}
