//! The job queue's own statements: a claim is one statement, and a lease is
//! renewed or settled only by the worker that holds it. Everything else
//! about jobs (enqueueing, listing, cancelling) is the generic CRUD.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use steward_types::{Id, JobKind, QueueStatus, QueuedJob, Record};

use super::{Session, Tx, now, record, select_list};
use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::row::{Value, bind_values};

/// How a worker leaves a job it held.
#[derive(Debug, Clone)]
pub struct Settlement {
    /// `Succeeded`, `Failed` (for good), `Queued` (to be tried again at
    /// `run_after`) or `Cancelled`.
    pub status: QueueStatus,
    pub run_after: DateTime<Utc>,
    pub last_error: Option<String>,
    pub summary: serde_json::Value,
    pub log: Vec<String>,
    pub run_id: Option<Id<steward_types::JobRun>>,
}

impl Session {
    /// Puts back the running jobs whose lease ran out (their worker was
    /// killed or cut off): queued again to run at once, or failed when that
    /// was their last attempt. Returns the jobs it touched, as they are now.
    pub async fn expire_job_leases(&mut self, at: DateTime<Utc>) -> Result<Vec<Record<QueuedJob>>> {
        self.writable::<QueuedJob>()?;
        let sql = format!(
            "UPDATE {table} SET \
               status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, \
               finished_at = CASE WHEN attempts >= max_attempts THEN $1 ELSE NULL END, \
               last_error = 'its worker (' || COALESCE(lease_owner, 'unknown') || ') stopped renewing its lease: killed, stopped or cut off', \
               lease_owner = NULL, lease_until = NULL, run_after = $1, updated_at = $1 \
             WHERE status = 'running' AND lease_until < $1 \
             RETURNING {columns}",
            table = QueuedJob::TABLE,
            columns = select_list::<QueuedJob>(),
        );
        on_conn!(self, conn => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(at).fetch_all(conn).await?;
            rows.iter().map(|row| record::<QueuedJob>(row)).collect()
        })
    }

    /// Claims the best queued job that is due, of one of `kinds`, for
    /// `worker` until `lease_until`: one statement, so two workers never
    /// claim one job. A job whose concurrency key is held by a running job
    /// waits. On PostgreSQL rows other workers are claiming are skipped
    /// (`FOR UPDATE SKIP LOCKED`); SQLite's write lock already serialises claims.
    pub async fn claim_job(
        &mut self,
        worker: &str,
        kinds: &[JobKind],
        lease_until: DateTime<Utc>,
    ) -> Result<Option<Record<QueuedJob>>> {
        self.writable::<QueuedJob>()?;
        if kinds.is_empty() {
            return Ok(None);
        }
        let at = now();
        let mut values: Vec<Value> = vec![worker.into(), lease_until.into(), at.into()];
        let first = values.len() + 1;
        values.extend(kinds.iter().map(|k| Value::from(k.as_str())));
        let placeholders: Vec<String> = (first..=values.len()).map(|i| format!("${i}")).collect();
        let skip_locked = match self.tx {
            Tx::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            Tx::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE {table} SET status = 'running', attempts = attempts + 1, lease_owner = $1, \
               lease_until = $2, started_at = $3, finished_at = NULL, updated_at = $3 \
             WHERE id = (SELECT q.id FROM {table} q \
               WHERE q.status = 'queued' AND q.run_after <= $3 AND q.kind IN ({kinds}) \
                 AND (q.concurrency_key IS NULL OR NOT EXISTS (SELECT 1 FROM {table} r \
                   WHERE r.status = 'running' AND r.concurrency_key = q.concurrency_key)) \
               ORDER BY q.priority DESC, q.run_after, q.id LIMIT 1{skip_locked}) \
             RETURNING {columns}",
            table = QueuedJob::TABLE,
            kinds = placeholders.join(", "),
            columns = select_list::<QueuedJob>(),
        );
        on_conn!(self, conn => {
            match bind_values!(sqlx::query(AssertSqlSafe(sql)), values).fetch_optional(conn).await {
                Ok(row) => row.map(|row| record::<QueuedJob>(&row)).transpose(),
                // Another worker took a job with the same concurrency key in
                // the same instant (PostgreSQL): nothing to claim now.
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(None),
                Err(e) => Err(StoreError::from(e)),
            }
        })
    }

    /// Extends the lease `worker` holds on the job; false when it holds it
    /// no more (it ran out and the job went to another worker).
    pub async fn renew_job_lease(
        &mut self,
        id: Id<QueuedJob>,
        worker: &str,
        lease_until: DateTime<Utc>,
    ) -> Result<bool> {
        self.writable::<QueuedJob>()?;
        let sql = format!(
            "UPDATE {} SET lease_until = $1, updated_at = $2 \
             WHERE id = $3 AND status = 'running' AND lease_owner = $4",
            QueuedJob::TABLE
        );
        let affected = on_conn!(self, conn => {
            sqlx::query(AssertSqlSafe(sql))
                .bind(lease_until)
                .bind(now())
                .bind(id.get())
                .bind(worker)
                .execute(conn)
                .await?
                .rows_affected()
        });
        Ok(affected == 1)
    }

    /// Ends `worker`'s hold on the job as `settlement` says; false (and
    /// nothing written) when it holds it no more.
    pub async fn settle_job(
        &mut self,
        id: Id<QueuedJob>,
        worker: &str,
        settlement: &Settlement,
    ) -> Result<bool> {
        self.writable::<QueuedJob>()?;
        let at = now();
        let finished = match settlement.status {
            QueueStatus::Queued | QueueStatus::Running => None,
            _ => Some(at),
        };
        let values: Vec<Value> = vec![
            settlement.status.as_str().into(),
            finished.into(),
            (&settlement.last_error).into(),
            Value::Json(settlement.summary.clone()),
            Value::json(&settlement.log),
            settlement.run_id.map(|id| id.get()).into(),
            settlement.run_after.into(),
            at.into(),
            id.get().into(),
            worker.into(),
        ];
        let sql = format!(
            "UPDATE {} SET status = $1, finished_at = $2, last_error = $3, summary = $4, log = $5, \
               run_id = $6, run_after = $7, lease_owner = NULL, lease_until = NULL, updated_at = $8 \
             WHERE id = $9 AND status = 'running' AND lease_owner = $10",
            QueuedJob::TABLE
        );
        let affected = on_conn!(self, conn => {
            bind_values!(sqlx::query(AssertSqlSafe(sql)), values)
                .execute(conn)
                .await?
                .rows_affected()
        });
        Ok(affected == 1)
    }
}
