//! Where CPU-bound async work runs: DataFusion profiling, policy evaluation
//! and cost estimation are futures that compute for seconds between awaits.
//! On the caller's runtime they would hold the tasks that answer HTTP
//! requests, so `Steward` runs them on a runtime of its own, in threads of
//! its own, and the caller only awaits the result (and the events sent
//! back as the work goes).

use std::future::Future;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::error::{Result, ServiceError};

/// A multi-threaded runtime for CPU-bound work, alive until dropped.
#[derive(Debug)]
pub(crate) struct CpuRuntime {
    handle: Handle,
    /// Dropping it ends the runtime's thread (and the runtime with it, off
    /// any async context, where dropping a runtime is allowed).
    _stop: oneshot::Sender<()>,
}

impl CpuRuntime {
    pub(crate) fn new(threads: usize) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("steward-cpu")
            .enable_all()
            .build()
            .map_err(|e| ServiceError::Internal(format!("cannot start the work runtime: {e}")))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("steward-cpu-main".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })
            .map_err(|e| ServiceError::Internal(format!("cannot start the work runtime: {e}")))?;
        Ok(Self {
            handle,
            _stop: stop,
        })
    }

    /// Runs `work` on this runtime and waits for it from the caller's.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        what: &str,
        work: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        self.handle
            .spawn(work)
            .await
            .map_err(|e| ServiceError::stopped(what, e))?
    }

    /// Runs `work`, which sends events to the sender paired with `events`
    /// (and drops it when done); each event is handed to `on_event` on the
    /// caller's side as it comes.
    pub(crate) async fn run_with_events<T: Send + 'static, E>(
        &self,
        what: &str,
        work: impl Future<Output = Result<T>> + Send + 'static,
        mut events: tokio::sync::mpsc::UnboundedReceiver<E>,
        on_event: &mut (dyn FnMut(E) + Send),
    ) -> Result<T> {
        let task = self.handle.spawn(work);
        while let Some(event) = events.recv().await {
            on_event(event);
        }
        task.await.map_err(|e| ServiceError::stopped(what, e))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_its_own_threads_and_events_reach_the_caller() {
        let cpu = CpuRuntime::new(1).unwrap();
        let caller = std::thread::current().id();
        let (sender, events) = tokio::sync::mpsc::unbounded_channel();
        let work = async move {
            for i in 0..3 {
                let _ = sender.send(i);
            }
            Ok((
                std::thread::current().name().map(str::to_string),
                std::thread::current().id(),
            ))
        };
        let mut seen = Vec::new();
        let (name, id) = cpu
            .run_with_events("test", work, events, &mut |e| seen.push(e))
            .await
            .unwrap();
        assert_eq!(name.as_deref(), Some("steward-cpu"));
        assert_ne!(id, caller);
        assert_eq!(seen, vec![0, 1, 2]);
        let failed: Result<()> = cpu.run("test", async { panic!("a bug") }).await;
        assert!(matches!(failed, Err(ServiceError::Internal(_))));
    }
}
