//! Long work started through the API (a scan, a policy check, a lineage
//! intake) runs in the
//! background as a task: the request that starts it is answered at once
//! with the task, and its progress is kept as events that
//! `GET /api/v1/tasks/{id}/events` streams as server-sent events, from the
//! first (or from after `Last-Event-ID`) to the end. Tasks live in the
//! server's memory; what the work changed, and its run record, are in the
//! catalog.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use serde::Serialize;
use steward_service::{Result, ServiceError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Finished tasks kept for their events; older ones are forgotten.
const KEEP_FINISHED: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Scan,
    Check,
    Ingest,
}

impl TaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scan => "scan",
            Self::Check => "check",
            Self::Ingest => "ingest",
        }
    }
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Running,
    Succeeded,
    Failed,
}

/// A task and how far it got.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Task {
    pub id: u64,
    pub kind: TaskKind,
    /// What it works on (a source's name), when not everything.
    pub target: Option<String>,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: TaskStatus,
    /// Progress events so far.
    pub events: usize,
    /// The work's report, once it succeeded.
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// A task with its events.
#[derive(Debug, Clone)]
struct Entry {
    task: Task,
    events: Vec<serde_json::Value>,
}

/// The server's tasks.
#[derive(Debug, Default)]
pub struct Tasks {
    next: AtomicU64,
    tasks: Mutex<BTreeMap<u64, watch::Sender<Entry>>>,
    running: Mutex<Vec<JoinHandle<()>>>,
    /// Tasks started (as `Running`) and ended, by kind, since the server
    /// started: what the metrics count.
    counts: Arc<Mutex<BTreeMap<(TaskKind, TaskStatus), u64>>>,
}

/// What a task's work reports through.
#[derive(Debug, Clone)]
pub struct Progress(watch::Sender<Entry>);

impl Progress {
    /// Keeps one progress event.
    pub fn event(&self, event: &impl Serialize) {
        let value = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
        self.0.send_modify(|entry| {
            entry.events.push(value);
            entry.task.events = entry.events.len();
        });
    }
}

impl Tasks {
    /// Starts `work` as a task, unless a task of the same kind and target is
    /// still running (two scans of one source never overlap).
    pub fn start<F, T>(
        &self,
        kind: TaskKind,
        target: Option<String>,
        started_by: &str,
        work: impl FnOnce(Progress) -> F,
    ) -> Result<Task>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Serialize,
    {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(busy) = tasks.values().map(|t| t.borrow().task.clone()).find(|t| {
            t.status == TaskStatus::Running
                && t.kind == kind
                && (t.target == target || t.target.is_none() || target.is_none())
        }) {
            // Reads "a running scan of lake (task 3) already exists".
            return Err(ServiceError::Conflict(format!(
                "a running {} of {} (task {})",
                busy.kind.as_str(),
                busy.target.as_deref().unwrap_or("everything"),
                busy.id,
            )));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let task = Task {
            id,
            kind,
            target,
            started_by: started_by.to_string(),
            started_at: Utc::now(),
            finished_at: None,
            status: TaskStatus::Running,
            events: 0,
            result: None,
            error: None,
        };
        let (sender, _) = watch::channel(Entry {
            task: task.clone(),
            events: Vec::new(),
        });
        tasks.insert(id, sender.clone());
        forget_old(&mut tasks);
        count(&self.counts, kind, TaskStatus::Running);
        let counts = self.counts.clone();
        let work = work(Progress(sender.clone()));
        let handle = tokio::spawn(async move {
            let outcome = work.await;
            let status = if outcome.is_ok() {
                TaskStatus::Succeeded
            } else {
                TaskStatus::Failed
            };
            count(&counts, kind, status);
            sender.send_modify(|entry| {
                entry.task.finished_at = Some(Utc::now());
                match outcome {
                    Ok(report) => {
                        entry.task.status = TaskStatus::Succeeded;
                        entry.task.result = serde_json::to_value(report).ok();
                    }
                    Err(e) => {
                        entry.task.status = TaskStatus::Failed;
                        entry.task.error = Some(e.to_string());
                    }
                }
            });
        });
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.retain(|h| !h.is_finished());
        running.push(handle);
        Ok(task)
    }

    /// Tasks started (`Running`) and ended, by kind, since the server
    /// started.
    pub fn counts(&self) -> Vec<(TaskKind, TaskStatus, u64)> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.iter().map(|(&(k, s), &n)| (k, s, n)).collect()
    }

    /// Every task, newest first.
    pub fn list(&self) -> Vec<Task> {
        let tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks
            .values()
            .rev()
            .map(|t| t.borrow().task.clone())
            .collect()
    }

    pub fn get(&self, id: u64) -> Result<Task> {
        Ok(self.watch(id)?.borrow().task.clone())
    }

    fn watch(&self, id: u64) -> Result<watch::Receiver<Entry>> {
        let tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks
            .get(&id)
            .map(watch::Sender::subscribe)
            .ok_or_else(|| ServiceError::NotFound(format!("task {id}")))
    }

    /// The task's events after the `after`-th, then its end, as server-sent
    /// events: `progress` (id: the event's number) for each, `done` with the
    /// task once it finished.
    pub fn events(
        &self,
        id: u64,
        after: Option<usize>,
    ) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>> + use<>>> {
        let receiver = self.watch(id)?;
        let start = after.map_or(0, |n| n + 1);
        let stream = futures_util::stream::unfold(
            (receiver, start, false),
            |(mut receiver, mut next, ended)| async move {
                if ended {
                    return None;
                }
                loop {
                    let (event, ends) = {
                        let entry = receiver.borrow_and_update();
                        if let Some(value) = entry.events.get(next) {
                            let event = Event::default()
                                .id(next.to_string())
                                .event("progress")
                                .data(value.to_string());
                            (Some(event), false)
                        } else if entry.task.status != TaskStatus::Running {
                            let task = serde_json::to_string(&entry.task).unwrap_or_default();
                            (Some(Event::default().event("done").data(task)), true)
                        } else {
                            (None, false)
                        }
                    };
                    if let Some(event) = event {
                        if !ends {
                            next += 1;
                        }
                        return Some((Ok(event), (receiver, next, ends)));
                    }
                    // Nothing new yet: wait for the work to report.
                    if receiver.changed().await.is_err() {
                        return None;
                    }
                }
            },
        );
        Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
    }

    /// Waits for the running tasks (at shutdown: their writes finish).
    pub async fn wait(&self) {
        let handles: Vec<_> =
            std::mem::take(&mut *self.running.lock().unwrap_or_else(|p| p.into_inner()));
        for handle in handles {
            let _ = handle.await;
        }
    }
}

fn count(
    counts: &Mutex<BTreeMap<(TaskKind, TaskStatus), u64>>,
    kind: TaskKind,
    status: TaskStatus,
) {
    let mut counts = counts.lock().unwrap_or_else(|p| p.into_inner());
    *counts.entry((kind, status)).or_default() += 1;
}

/// Drops the oldest finished tasks past [`KEEP_FINISHED`].
fn forget_old(tasks: &mut BTreeMap<u64, watch::Sender<Entry>>) {
    let finished: Vec<u64> = tasks
        .iter()
        .filter(|(_, t)| t.borrow().task.status != TaskStatus::Running)
        .map(|(id, _)| *id)
        .collect();
    for id in finished
        .iter()
        .take(finished.len().saturating_sub(KEEP_FINISHED))
    {
        tasks.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_reports_its_events_and_its_end_and_blocks_a_twin() {
        let tasks = Tasks::default();
        let (go, wait) = tokio::sync::oneshot::channel::<()>();
        let task = tasks
            .start(
                TaskKind::Scan,
                Some("lake".into()),
                "ada",
                |progress| async move {
                    progress.event(&serde_json::json!({"table": "a"}));
                    let _ = wait.await;
                    progress.event(&serde_json::json!({"table": "b"}));
                    Ok(serde_json::json!({"scanned": 2}))
                },
            )
            .unwrap();
        let twin = tasks.start(TaskKind::Scan, None, "ada", |_| async { Ok(()) });
        assert!(matches!(twin, Err(ServiceError::Conflict(_))), "{twin:?}");
        // Another kind may run beside it.
        tasks
            .start(TaskKind::Check, None, "ada", |_| async { Ok(()) })
            .unwrap();
        go.send(()).unwrap();
        tasks.wait().await;
        let done = tasks.get(task.id).unwrap();
        assert_eq!(done.status, TaskStatus::Succeeded);
        assert_eq!(done.events, 2);
        assert_eq!(done.result, Some(serde_json::json!({"scanned": 2})));
        assert_eq!(
            tasks.counts(),
            [
                (TaskKind::Scan, TaskStatus::Running, 1),
                (TaskKind::Scan, TaskStatus::Succeeded, 1),
                (TaskKind::Check, TaskStatus::Running, 1),
                (TaskKind::Check, TaskStatus::Succeeded, 1),
            ]
        );
        assert!(matches!(tasks.get(999), Err(ServiceError::NotFound(_))));
    }

    #[tokio::test]
    async fn a_failed_task_keeps_why() {
        let tasks = Tasks::default();
        let task = tasks
            .start(TaskKind::Check, None, "sam", |_| async {
                Err::<(), _>(ServiceError::Unavailable("the store is down".into()))
            })
            .unwrap();
        tasks.wait().await;
        let failed = tasks.get(task.id).unwrap();
        assert_eq!(failed.status, TaskStatus::Failed);
        assert!(failed.error.unwrap().contains("the store is down"));
    }
}
