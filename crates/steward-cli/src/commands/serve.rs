//! `steward serve`: the HTTP API on the catalog this configuration names;
//! `steward mcp`: its MCP tools over stdio.

use std::sync::Arc;

use steward_service::Steward;

use crate::cli::{McpArgs, ModelArg, ServeArgs};
use crate::config::Loaded;

pub async fn run(loaded: &Loaded, args: &ServeArgs) -> anyhow::Result<()> {
    let config = &loaded.config.server;
    let listen = args.listen.clone().unwrap_or_else(|| config.listen.clone());
    let steward = open(loaded, args.no_model, &args.model).await?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let address = listener.local_addr()?;
    if steward.users().await?.is_empty() {
        eprintln!(
            "no users yet: add the first admin with `steward user add NAME --role admin` \
             (it prints a password)"
        );
    }
    // The scheduler and one worker, unless `[jobs] embedded_worker = false`
    // (then `steward worker` processes run the jobs).
    // A bad [[jobs.schedule]] stops the start, named, rather than the scheduler later.
    steward.sync_config_schedules().await?;
    let (stop_jobs, jobs_shutdown) = tokio::sync::watch::channel(false);
    let jobs = loaded.config.jobs.embedded_worker.then(|| {
        let scheduler = steward_jobs::Scheduler::new(steward.clone());
        let worker = steward_jobs::Worker::new(steward.clone());
        (
            tokio::spawn(scheduler.run(jobs_shutdown.clone())),
            tokio::spawn(worker.run(jobs_shutdown)),
        )
    });
    // The SQL endpoint beside the HTTP server when `[sql] listen` is set.
    let sql = match &loaded.config.sql.listen {
        Some(listen) => {
            let options = steward_sql::wire::WireOptions::from_config(&loaded.config.sql)?;
            let listener = steward_sql::wire::bind(listen).await?;
            eprintln!("{}", crate::commands::sql::announce(&listener, &options)?);
            let mut stop = stop_jobs.subscribe();
            Some(tokio::spawn(steward_sql::wire::serve(
                steward.clone(),
                listener,
                options,
                async move {
                    let _ = stop.wait_for(|stopped| *stopped).await;
                },
            )))
        }
        None => None,
    };
    eprintln!("serving http://{address} (API docs at http://{address}/docs); Ctrl-C stops");
    let served = steward_server::serve(
        steward.clone(),
        config,
        listener,
        steward_server::shutdown_signal(),
    )
    .await;
    let _ = stop_jobs.send(true);
    if let Some(sql) = sql
        && let Err(e) = sql.await?
    {
        eprintln!("the SQL endpoint stopped: {e}");
    }
    if let Some((scheduler, worker)) = jobs {
        worker.await?;
        match scheduler.await? {
            Ok(()) => {}
            Err(e) => eprintln!("the job scheduler stopped: {e}"),
        }
    }
    served?;
    eprintln!("stopped; requests and jobs in flight finished");
    if let Ok(steward) = Arc::try_unwrap(steward) {
        steward.close().await;
    }
    Ok(())
}

/// The catalog, with the model its agents answer with: the one named, or
/// the configured one when it has been pulled. Without one the rest still
/// serves; questions then say no model is loaded.
pub(crate) async fn open(
    loaded: &Loaded,
    no_model: bool,
    model: &ModelArg,
) -> anyhow::Result<Arc<Steward>> {
    let steward = Steward::open(loaded).await?;
    if no_model {
        return Ok(Arc::new(steward));
    }
    match crate::commands::llm::load(loaded, model) {
        Ok(llm) => {
            eprintln!("the agents answer with {}", llm.info().path.display());
            Ok(Arc::new(steward.with_model(Arc::new(llm))))
        }
        Err(e) if model.model.is_none() => {
            eprintln!("the agents are off (questions, documentation drafts): {e}");
            Ok(Arc::new(steward))
        }
        Err(e) => Err(e),
    }
}

/// Serves the MCP tools on stdin and stdout to the assistant that started
/// this process, as the local operator (nothing but the protocol on stdout).
pub async fn mcp(loaded: &Loaded, args: &McpArgs) -> anyhow::Result<()> {
    let steward = open(loaded, args.no_model, &args.model).await?;
    let operator = steward_service::Principal::operator(&crate::commands::actor(&None));
    steward_mcp::serve_stdio(steward.clone(), operator).await?;
    if let Ok(steward) = Arc::try_unwrap(steward) {
        steward.close().await;
    }
    Ok(())
}
