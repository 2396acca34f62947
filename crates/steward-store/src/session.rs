use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::{AssertSqlSafe, Postgres, Sqlite, Transaction};
use steward_types::{Id, Record};

use crate::entity::Entity;
use crate::error::{Result, StoreError};
use crate::row::{Fields, Value, bind_values};
use crate::store::Pool;

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the session's connection, once per backend;
/// the body is written once and compiled for each.
macro_rules! on_conn {
    ($session:expr, $conn:ident => $body:expr) => {
        match &mut $session.tx {
            Tx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Which rows a list or count looks at: equality on data columns, ANDed,
/// ordered by id.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    conditions: Vec<(&'static str, FilterValue)>,
    limit: Option<i64>,
    newest_first: bool,
}

#[derive(Debug, Clone)]
enum FilterValue {
    Eq(Value),
    In(Vec<Value>),
    IsNull,
    IsNotNull,
}

impl Filter {
    /// Every row.
    pub fn all() -> Self {
        Self::default()
    }

    /// Rows whose `column` equals `value`.
    pub fn eq_text(mut self, column: &'static str, value: impl Into<String>) -> Self {
        self.conditions
            .push((column, FilterValue::Eq(Value::Text(Some(value.into())))));
        self
    }

    /// Rows whose `column` equals `value`.
    pub fn eq_int(mut self, column: &'static str, value: i64) -> Self {
        self.conditions
            .push((column, FilterValue::Eq(Value::Int(Some(value)))));
        self
    }

    /// Rows whose `column` refers to the record `id`.
    pub fn eq_id<T>(self, column: &'static str, id: Id<T>) -> Self {
        self.eq_int(column, id.get())
    }

    /// Rows whose `column` refers to any of the records `ids`: one query
    /// for what would otherwise be one per record.
    pub fn in_ids<T>(mut self, column: &'static str, ids: impl IntoIterator<Item = Id<T>>) -> Self {
        let values = ids
            .into_iter()
            .map(|id| Value::Int(Some(id.get())))
            .collect();
        self.conditions.push((column, FilterValue::In(values)));
        self
    }

    /// Rows whose time `column` is `at`.
    pub fn eq_time(mut self, column: &'static str, at: DateTime<Utc>) -> Self {
        self.conditions.push((column, FilterValue::Eq(at.into())));
        self
    }

    /// Rows whose `column` is null.
    pub fn is_null(mut self, column: &'static str) -> Self {
        self.conditions.push((column, FilterValue::IsNull));
        self
    }

    /// Rows whose `column` is not null.
    pub fn is_not_null(mut self, column: &'static str) -> Self {
        self.conditions.push((column, FilterValue::IsNotNull));
        self
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Highest ids first.
    pub fn newest_first(mut self) -> Self {
        self.newest_first = true;
        self
    }

    /// `WHERE ...` for entity `T`, with its bind values. Column names are checked
    /// against the entity's own list: nothing from outside reaches the SQL text.
    fn to_sql<T: Entity>(&self) -> Result<(String, Vec<Value>)> {
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        for (column, condition) in &self.conditions {
            if *column != "id" && !T::COLUMNS.contains(column) {
                return Err(StoreError::Invalid {
                    entity: T::NOUN,
                    reason: format!("no field `{column}` to filter on"),
                });
            }
            match condition {
                FilterValue::Eq(value) => {
                    values.push(value.clone());
                    clauses.push(format!("{column} = ${}", values.len()));
                }
                // No ids match no row (`IN ()` is not SQL).
                FilterValue::In(ids) if ids.is_empty() => clauses.push("1 = 0".to_string()),
                FilterValue::In(ids) => {
                    let first = values.len() + 1;
                    values.extend(ids.iter().cloned());
                    let placeholders: Vec<String> =
                        (first..=values.len()).map(|i| format!("${i}")).collect();
                    clauses.push(format!("{column} IN ({})", placeholders.join(", ")));
                }
                FilterValue::IsNull => clauses.push(format!("{column} IS NULL")),
                FilterValue::IsNotNull => clauses.push(format!("{column} IS NOT NULL")),
            }
        }
        let mut sql = String::new();
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(if self.newest_first {
            " ORDER BY id DESC"
        } else {
            " ORDER BY id"
        });
        if let Some(limit) = self.limit {
            sql.push_str(&format!(" LIMIT {}", limit.max(0)));
        }
        Ok((sql, values))
    }
}

/// A unit of work against the catalog store: always a transaction.
/// [`Session::commit`] makes its writes visible; dropping it rolls them back.
pub struct Session {
    tx: Tx,
    /// Begun by [`crate::Store::read`]: it sees one snapshot and may not write.
    read_only: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match self.tx {
            Tx::Sqlite(_) => "sqlite",
            Tx::Postgres(_) => "postgres",
        };
        f.debug_struct("Session")
            .field("backend", &backend)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// `BEGIN IMMEDIATE`, repeated while another process holds the write lock.
/// SQLite's busy handler waits `busy_timeout` per attempt but is not fair: a
/// process writing many short transactions back to back can take the lock
/// again before a waiter wakes, so the waiter tries again until `lock_wait`.
async fn begin_sqlite(
    pool: &sqlx::SqlitePool,
    lock_wait: Duration,
) -> Result<Transaction<'static, Sqlite>> {
    // Said once per process, not at every unit of work that waits.
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let started = std::time::Instant::now();
    loop {
        match pool.begin_with("BEGIN IMMEDIATE").await {
            Ok(tx) => return Ok(tx),
            Err(e) if is_busy(&e) && started.elapsed() < lock_wait => {
                if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    tracing::warn!(
                        "the catalog is being written by another process; waiting for it \
                         (up to {}s at a time, store.lock_wait_secs)",
                        lock_wait.as_secs()
                    );
                }
                // A short, varying pause lets waiters interleave.
                let pause = 5 + (started.elapsed().subsec_nanos() % 45) as u64;
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// SQLITE_BUSY (5) or SQLITE_LOCKED (6), by their primary code.
fn is_busy(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6)),
        _ => false,
    }
}

/// Timestamps at the precision both backends keep, so a record reads back equal.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// An entity's values, checked against its column list: a mapping that binds
/// too few or too many values is a bug, reported instead of writing garbage.
fn bound_values<T: Entity>(data: &T) -> Result<Vec<Value>> {
    let values = data.values();
    if values.len() != T::COLUMNS.len() {
        return Err(StoreError::Invalid {
            entity: T::NOUN,
            reason: format!(
                "mapping binds {} values for {} columns",
                values.len(),
                T::COLUMNS.len()
            ),
        });
    }
    Ok(values)
}

pub(crate) fn select_list<T: Entity>() -> String {
    format!("id, created_at, updated_at, {}", T::COLUMNS.join(", "))
}

pub(crate) fn record<T: Entity>(row: &dyn crate::row::DbRow) -> Result<Record<T>> {
    let fields = Fields::new(row, T::NOUN);
    Ok(Record {
        id: Id::new(fields.i64("id")?),
        created_at: fields.time("created_at")?,
        updated_at: fields.time("updated_at")?,
        data: T::read(&fields)?,
    })
}

impl Session {
    pub(crate) async fn begin(pool: &Pool, lock_wait: Duration) -> Result<Self> {
        let tx = match pool {
            // IMMEDIATE takes the write lock up front: a deferred transaction that
            // reads and then writes can fail with SQLITE_BUSY under a concurrent writer.
            Pool::Sqlite(pool) => Tx::Sqlite(begin_sqlite(pool, lock_wait).await?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        Ok(Self {
            tx,
            read_only: false,
        })
    }

    /// A unit of work that only reads. On SQLite it takes no write lock
    /// (a deferred transaction on a WAL database): readers run beside each
    /// other and beside a writer, each on one consistent snapshot, where
    /// [`Session::begin`] would queue them all behind the one write lock.
    pub(crate) async fn begin_read(pool: &Pool) -> Result<Self> {
        let tx = match pool {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN DEFERRED").await?),
            Pool::Postgres(pool) => Tx::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        };
        Ok(Self {
            tx,
            read_only: true,
        })
    }

    /// Refuses a write in a read-only unit of work: a bug, said plainly
    /// rather than left to SQLite's busy errors under load.
    fn writable<T: Entity>(&self) -> Result<()> {
        if self.read_only {
            return Err(StoreError::ReadOnly { entity: T::NOUN });
        }
        Ok(())
    }

    /// Serialises this unit of work with every other one that locks `key`,
    /// in any process, until it ends. PostgreSQL takes a transaction-scoped
    /// advisory lock (so check-then-insert cannot race another writer);
    /// SQLite needs none, as every session already holds the write lock.
    pub async fn lock(&mut self, key: &str) -> Result<()> {
        if let Tx::Postgres(tx) = &mut self.tx {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Whether the data upgrade `name` was applied (see migration 0009).
    pub async fn data_upgrade_applied(&mut self, name: &str) -> Result<bool> {
        let count: i64 = match &mut self.tx {
            Tx::Sqlite(tx) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM data_upgrades WHERE name = ?")
                    .bind(name)
                    .fetch_one(&mut **tx)
                    .await?
            }
            Tx::Postgres(tx) => {
                sqlx::query_scalar("SELECT COUNT(*) FROM data_upgrades WHERE name = $1")
                    .bind(name)
                    .fetch_one(&mut **tx)
                    .await?
            }
        };
        Ok(count > 0)
    }

    /// Records the data upgrade `name` as applied, with this session's
    /// other writes.
    pub async fn record_data_upgrade(&mut self, name: &str, at: &str) -> Result<()> {
        match &mut self.tx {
            Tx::Sqlite(tx) => {
                sqlx::query("INSERT INTO data_upgrades (name, applied_at) VALUES (?, ?)")
                    .bind(name)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
            }
            Tx::Postgres(tx) => {
                sqlx::query("INSERT INTO data_upgrades (name, applied_at) VALUES ($1, $2)")
                    .bind(name)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Makes every write of this session durable and visible, all at once.
    pub async fn commit(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Discards every write of this session.
    pub async fn rollback(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.rollback().await?,
            Tx::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }

    /// Stores a new `T` and returns it with its id and timestamps.
    pub async fn insert<T: Entity>(&mut self, data: &T) -> Result<Record<T>> {
        self.writable::<T>()?;
        let at = now();
        let columns = T::COLUMNS;
        let placeholders: Vec<String> = (1..=columns.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}, created_at, updated_at) VALUES ({}) RETURNING id",
            T::TABLE,
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut values = bound_values(data)?;
        values.push(at.into());
        values.push(at.into());
        let id: i64 = on_conn!(self, conn => {
            bind_values!(sqlx::query_scalar(AssertSqlSafe(sql)), values)
                .fetch_one(conn)
                .await
                .map_err(|e| StoreError::from_write(e, || data.describe()))?
        });
        Ok(Record {
            id: Id::new(id),
            created_at: at,
            updated_at: at,
            data: data.clone(),
        })
    }

    /// The `T` with this id.
    pub async fn get<T: Entity>(&mut self, id: Id<T>) -> Result<Record<T>> {
        self.find(id).await?.ok_or(StoreError::NotFound {
            entity: T::NOUN,
            id: id.get(),
        })
    }

    /// The `T` with this id, if there is one.
    pub async fn find<T: Entity>(&mut self, id: Id<T>) -> Result<Option<Record<T>>> {
        let sql = format!(
            "SELECT {} FROM {} WHERE id = $1",
            select_list::<T>(),
            T::TABLE
        );
        on_conn!(self, conn => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(conn).await?;
            row.map(|row| record::<T>(&row)).transpose()
        })
    }

    /// The first `T` the filter matches.
    pub async fn find_one<T: Entity>(&mut self, filter: Filter) -> Result<Option<Record<T>>> {
        Ok(self.list::<T>(&filter.limit(1)).await?.into_iter().next())
    }

    /// Every `T` the filter matches, ordered by id.
    pub async fn list<T: Entity>(&mut self, filter: &Filter) -> Result<Vec<Record<T>>> {
        let (clause, values) = filter.to_sql::<T>()?;
        let sql = format!("SELECT {} FROM {}{clause}", select_list::<T>(), T::TABLE);
        on_conn!(self, conn => {
            let rows = bind_values!(sqlx::query(AssertSqlSafe(sql)), values).fetch_all(conn).await?;
            rows.iter().map(|row| record::<T>(row)).collect()
        })
    }

    /// How many `T` the filter matches.
    pub async fn count<T: Entity>(&mut self, filter: &Filter) -> Result<i64> {
        let (clause, values) = filter.to_sql::<T>()?;
        let clause = clause.split(" ORDER BY").next().unwrap_or_default();
        let sql = format!("SELECT COUNT(*) FROM {}{clause}", T::TABLE);
        on_conn!(self, conn => {
            Ok(bind_values!(sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)), values)
                .fetch_one(conn)
                .await?)
        })
    }

    /// Replaces the stored `T` with `data`; `created_at` is kept.
    pub async fn update<T: Entity>(&mut self, id: Id<T>, data: &T) -> Result<Record<T>> {
        self.writable::<T>()?;
        let at = now();
        let columns = T::COLUMNS;
        let assignments: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        let sql = format!(
            "UPDATE {} SET {}, updated_at = ${} WHERE id = ${} RETURNING created_at",
            T::TABLE,
            assignments.join(", "),
            columns.len() + 1,
            columns.len() + 2,
        );
        let mut values = bound_values(data)?;
        values.push(at.into());
        values.push(id.get().into());
        let created_at: Option<DateTime<Utc>> = on_conn!(self, conn => {
            bind_values!(sqlx::query_scalar(AssertSqlSafe(sql)), values)
                .fetch_optional(conn)
                .await
                .map_err(|e| StoreError::from_write(e, || data.describe()))?
        });
        let created_at = created_at.ok_or(StoreError::NotFound {
            entity: T::NOUN,
            id: id.get(),
        })?;
        Ok(Record {
            id,
            created_at,
            updated_at: at,
            data: data.clone(),
        })
    }

    /// Removes the `T` with this id (and, through foreign keys, what belongs to it).
    pub async fn delete<T: Entity>(&mut self, id: Id<T>) -> Result<()> {
        self.writable::<T>()?;
        let sql = format!("DELETE FROM {} WHERE id = $1", T::TABLE);
        let affected = on_conn!(self, conn => {
            sqlx::query(AssertSqlSafe(sql))
                .bind(id.get())
                .execute(conn)
                .await?
                .rows_affected()
        });
        if affected == 0 {
            return Err(StoreError::NotFound {
                entity: T::NOUN,
                id: id.get(),
            });
        }
        Ok(())
    }
}

// After `on_conn!`, which it uses.
mod queue;

pub use queue::Settlement;
