//! `steward serve`: the HTTP API on the catalog this configuration names.

use std::sync::Arc;

use steward_service::Steward;

use crate::cli::ServeArgs;
use crate::config::Loaded;

pub async fn run(loaded: &Loaded, args: &ServeArgs) -> anyhow::Result<()> {
    let config = &loaded.config.server;
    let listen = args.listen.clone().unwrap_or_else(|| config.listen.clone());
    let mut steward = Steward::open(loaded).await?;
    if !args.no_model {
        // The agents answer with the model named, or the configured one when
        // it has been pulled; without one the rest of the API still serves.
        match crate::commands::llm::load(loaded, &args.model) {
            Ok(model) => {
                eprintln!("the agents answer with {}", model.info().path.display());
                steward = steward.with_model(Arc::new(model));
            }
            Err(e) if args.model.model.is_none() => {
                eprintln!("questions (POST /api/v1/ask) are off: {e}");
            }
            Err(e) => return Err(e),
        }
    }
    let steward = Arc::new(steward);
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
    eprintln!("serving http://{address} (API docs at http://{address}/docs); Ctrl-C stops");
    steward_server::serve(
        steward.clone(),
        config,
        listener,
        steward_server::shutdown_signal(),
    )
    .await?;
    eprintln!("stopped; requests in flight finished");
    if let Ok(steward) = Arc::try_unwrap(steward) {
        steward.close().await;
    }
    Ok(())
}
