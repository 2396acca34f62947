//! News of jobs, posted to the webhooks of `[[jobs.webhook]]`: a job that
//! failed for good (once, not once per attempt), findings a check opened,
//! columns a scan found sensitive. Each delivery is tried a few times on
//! its own task, so a slow or broken endpoint never holds a worker up. A
//! webhook's URL often carries its key, so it never appears in a log: a
//! hook is named by its `name`, and errors are told without their URL.

use std::time::Duration;

use serde_json::{Value, json};
use steward_config::{JobsConfig, NoticeKind, WebhookConfig, WebhookFormat, webhook_host};
use steward_service::JobNotice;
use steward_types::{QueuedJob, Record, Severity};

/// Attempts of one delivery, and the wait before each retry.
const RETRIES: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(4)];

/// One notice, ready to post.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    /// For findings: filtered by each hook's `min_severity`.
    pub severity: Option<Severity>,
    /// One line a person reads.
    pub text: String,
    pub details: Value,
}

impl Notice {
    pub fn job_failed(job: &Record<QueuedJob>, error: &str) -> Self {
        Self {
            kind: NoticeKind::JobFailed,
            severity: None,
            text: format!(
                "Steward: job {} ({}) failed after {} attempt(s): {error}",
                job.id, job.kind, job.attempts
            ),
            details: json!({
                "job": job.id,
                "kind": job.kind,
                "params": job.params,
                "attempts": job.attempts,
                "error": error,
            }),
        }
    }

    pub fn from_job(notice: &JobNotice) -> Self {
        match notice {
            JobNotice::Finding {
                policy,
                severity,
                asset,
                message,
            } => Self {
                kind: NoticeKind::Finding,
                severity: Some(*severity),
                text: format!("Steward: new {severity} finding of {policy} on {asset}: {message}"),
                details: serde_json::to_value(notice).unwrap_or(Value::Null),
            },
            JobNotice::SensitiveColumn {
                source,
                table,
                column,
                label,
                confidence,
            } => Self {
                kind: NoticeKind::SensitiveColumn,
                severity: None,
                text: format!(
                    "Steward: {table}.{column} in {source} holds {label} ({:.0}% sure)",
                    confidence * 100.0
                ),
                details: serde_json::to_value(notice).unwrap_or(Value::Null),
            },
        }
    }

    fn wanted_by(&self, hook: &WebhookConfig) -> bool {
        hook.events.contains(&self.kind)
            && self
                .severity
                .is_none_or(|s| s >= hook.min_severity.unwrap_or(Severity::High))
    }

    fn body(&self, format: WebhookFormat) -> Value {
        match format {
            WebhookFormat::Slack => json!({ "text": self.text }),
            WebhookFormat::Json => json!({
                "event": self.kind,
                "text": self.text,
                "details": self.details,
            }),
        }
    }
}

/// Posts notices to the configured webhooks.
#[derive(Clone)]
pub struct Notifier {
    hooks: Vec<WebhookConfig>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hooks: Vec<&str> = self.hooks.iter().map(|h| h.name.as_str()).collect();
        f.debug_struct("Notifier").field("hooks", &hooks).finish()
    }
}

impl Notifier {
    pub fn new(config: &JobsConfig) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self {
            hooks: config.webhook.clone(),
            client,
        }
    }

    /// Posts `notices` to every hook that wants them, each delivery on a
    /// task of its own; the handles say when they are done (tests wait).
    pub fn send(&self, notices: &[Notice]) -> Vec<tokio::task::JoinHandle<bool>> {
        let mut sent = Vec::new();
        for hook in &self.hooks {
            for notice in notices.iter().filter(|n| n.wanted_by(hook)) {
                let target = match hook.target() {
                    Ok(url) => url,
                    Err(e) => {
                        tracing::warn!("a notice was not sent: {e}");
                        continue;
                    }
                };
                let (client, name, body) = (
                    self.client.clone(),
                    hook.name.clone(),
                    notice.body(hook.format),
                );
                sent.push(tokio::spawn(async move {
                    deliver(&client, &name, target.expose(), &body).await
                }));
            }
        }
        sent
    }
}

/// Posts `body`, trying again after each wait of `RETRIES` when the
/// endpoint cannot be reached or answers with an error.
async fn deliver(client: &reqwest::Client, name: &str, url: &str, body: &Value) -> bool {
    let mut waits = RETRIES.iter();
    loop {
        let outcome = match client.post(url).json(body).send().await {
            Ok(response) if response.status().is_success() => return true,
            Ok(response) => format!("it answered {}", response.status()),
            // reqwest names the URL in its errors; the key must not reach a log.
            Err(e) => e.without_url().to_string(),
        };
        match waits.next() {
            Some(wait) => {
                tracing::debug!(webhook = %name, "a delivery failed ({outcome}); trying again");
                tokio::time::sleep(*wait).await;
            }
            None => {
                tracing::warn!(
                    webhook = %name,
                    host = %webhook_host(url),
                    "a notice could not be delivered after {} attempts: {outcome}",
                    RETRIES.len() + 1
                );
                return false;
            }
        }
    }
}
