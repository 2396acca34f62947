//! The governed warehouse over the PostgreSQL wire protocol, for psql, BI
//! tools and notebooks: datafusion-postgres speaks the protocol and answers
//! the catalog queries clients send (`pg_catalog`); everything a client asks
//! of the data goes through the caller's [`GovernedSession`].
//!
//! Each connection has its own handlers: it logs in (SCRAM-SHA-256 against
//! the user's stored verifier, or a password or API token over TLS), then
//! gets a session of its own, built for its principal. Queries run through
//! the session's checks and limits and are kept as usage; client settings
//! (`SET DateStyle`, `BEGIN`) go to datafusion-postgres' own hooks; anything
//! else is refused with a PostgreSQL error code.

use std::collections::HashMap;
use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use datafusion::common::{DFSchema, ParamValues};
use datafusion::logical_expr::{EmptyRelation, LogicalPlan, ScalarUDF, Volatility, create_udf};
use datafusion::prelude::SessionContext;
use datafusion::sql::sqlparser::ast::{Set, Statement};
use datafusion_postgres::arrow_pg::datatypes::arrow_schema_to_pg_fields;
use datafusion_postgres::arrow_pg::datatypes::df::deserialize_parameters;
use datafusion_postgres::arrow_pg::encode_recordbatch;
use datafusion_postgres::datafusion_pg_catalog::pg_catalog::context::EmptyContextProvider;
use datafusion_postgres::datafusion_pg_catalog::setup_pg_catalog;
use datafusion_postgres::hooks::HookClient;
use datafusion_postgres::hooks::set_show::SetShowHook;
use datafusion_postgres::hooks::transactions::TransactionStatementHook;
use datafusion_postgres::pgwire::api::Type;
use datafusion_postgres::pgwire::api::auth::{
    DefaultServerParameterProvider, StartupHandler, finish_authentication, protocol_negotiation,
    save_startup_parameters_to_metadata,
};
use datafusion_postgres::pgwire::api::portal::{Format, Portal};
use datafusion_postgres::pgwire::api::query::{ExtendedQueryHandler, SimpleQueryHandler};
use datafusion_postgres::pgwire::api::results::{FieldInfo, QueryResponse, Response, Tag};
use datafusion_postgres::pgwire::api::stmt::QueryParser;
use datafusion_postgres::pgwire::api::store::PortalStore;
use datafusion_postgres::pgwire::api::{
    ClientInfo, ClientPortalStore, ErrorHandler, METADATA_USER, PgWireConnectionState,
    PgWireServerHandlers, PidSecretKeyGenerator, RandomPidSecretKeyGenerator,
};
use datafusion_postgres::pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use datafusion_postgres::pgwire::messages::startup::Authentication;
use datafusion_postgres::pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use datafusion_postgres::pgwire::types::format::FormatOptions;
use datafusion_postgres::{DfSessionService, Parser, QueryHook};
use futures::{Sink, SinkExt, StreamExt};
use steward_config::SqlAuth;
use steward_service::{Principal, ScramLogin, Steward};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, Semaphore};
use tokio_rustls::TlsAcceptor;

use crate::error::SqlError;
use crate::session::GovernedSession;

/// The statement a prepared query keeps (datafusion-postgres' own shape).
type PreparedStatement = (String, Option<(Statement, LogicalPlan)>);

/// What the endpoint needs, from `[sql]`.
#[derive(Clone)]
pub struct WireOptions {
    pub auth: SqlAuth,
    pub tls: Option<TlsAcceptor>,
    pub max_sessions: usize,
}

impl Debug for WireOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WireOptions")
            .field("auth", &self.auth)
            .field("tls", &self.tls.is_some())
            .field("max_sessions", &self.max_sessions)
            .finish()
    }
}

impl WireOptions {
    /// The options `[sql]` sets; a certificate or key that cannot be read
    /// is an error (never a silent fall back to plain text).
    pub fn from_config(config: &steward_config::SqlConfig) -> Result<Self, SqlError> {
        let tls = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => Some(tls_acceptor(cert, key)?),
            _ => None,
        };
        Ok(Self {
            auth: config.auth,
            tls,
            max_sessions: config.max_sessions.max(1),
        })
    }
}

fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<TlsAcceptor, SqlError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls;
    let bad = |what: &std::path::Path, e: &dyn std::fmt::Display| {
        SqlError::Invalid(format!("[sql] TLS: {}: {e}", what.display()))
    };
    let certs = CertificateDer::pem_file_iter(cert)
        .map_err(|e| bad(cert, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(cert, &e))?;
    if certs.is_empty() {
        return Err(bad(cert, &"no certificate in the file"));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| bad(key, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(cert, &e))?
        .with_no_client_auth()
        .with_single_cert(certs, key_der)
        .map_err(|e| bad(cert, &e))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Binds `listen` (`host:port`).
pub async fn bind(listen: &str) -> Result<TcpListener, SqlError> {
    TcpListener::bind(listen)
        .await
        .map_err(|e| SqlError::Invalid(format!("the SQL endpoint cannot listen on {listen}: {e}")))
}

/// Serves connections on `listener` until `shutdown` resolves.
pub async fn serve(
    steward: Arc<Steward>,
    listener: TcpListener,
    options: WireOptions,
    shutdown: impl Future<Output = ()>,
) -> Result<(), SqlError> {
    let sessions = Arc::new(Semaphore::new(options.max_sessions));
    let options = Arc::new(options);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => accepted,
        };
        let (socket, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors and the like: wait, do not spin.
                tracing::warn!("the SQL endpoint could not accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let steward = Arc::clone(&steward);
        let options = Arc::clone(&options);
        let permit = Arc::clone(&sessions).try_acquire_owned().ok();
        tokio::spawn(async move {
            let refused = permit.is_none().then(|| {
                format!(
                    "too many SQL sessions: {} are open ([sql] max_sessions)",
                    options.max_sessions
                )
            });
            let handlers = Arc::new(Connection::new(steward, &options, refused));
            if let Err(e) = handle(socket, options.tls.clone(), handlers).await {
                tracing::debug!(%peer, "a SQL connection ended with an error: {e}");
            }
            drop(permit);
        });
    }
}

async fn handle(
    socket: TcpStream,
    tls: Option<TlsAcceptor>,
    handlers: Arc<Connection>,
) -> std::io::Result<()> {
    datafusion_postgres::pgwire::tokio::process_socket(socket, tls, handlers).await
}

/// An error a PostgreSQL client shows with its code.
fn user_error(severity: &str, code: &str, message: impl Into<String>) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        severity.to_string(),
        code.to_string(),
        message.into(),
    )))
}

/// A refused or failed statement, with its SQLSTATE.
fn wire_error(e: SqlError) -> PgWireError {
    user_error("ERROR", e.sqlstate(), e.to_string())
}

/// What one connection has once logged in.
struct Connected {
    session: Arc<GovernedSession>,
    service: Arc<DfSessionService>,
    parser: Arc<WireParser>,
}

/// One connection's handlers.
struct Connection {
    startup: Arc<Login>,
    queries: Arc<Queries>,
}

impl Connection {
    fn new(steward: Arc<Steward>, options: &WireOptions, refused: Option<String>) -> Self {
        let slot = Arc::new(OnceLock::new());
        Self {
            startup: Arc::new(Login {
                steward,
                auth: options.auth,
                refused,
                scram: Mutex::new(None),
                slot: Arc::clone(&slot),
                parameters: server_parameters(),
            }),
            queries: Arc::new(Queries {
                slot,
                fallback: OnceLock::new(),
            }),
        }
    }
}

/// The PostgreSQL version clients are told they talk to: the protocol and
/// catalog behaviour datafusion-postgres follows.
const PG_VERSION: &str = "16.6";

fn server_parameters() -> DefaultServerParameterProvider {
    let mut parameters = DefaultServerParameterProvider::default();
    parameters.server_version = format!("{PG_VERSION} (Steward {})", env!("CARGO_PKG_VERSION"));
    // Clients read these: nobody here is a superuser, and nothing is written.
    parameters.is_superuser = false;
    parameters.default_transaction_read_only = true;
    parameters
}

impl PgWireServerHandlers for Connection {
    fn simple_query_handler(&self) -> Arc<impl SimpleQueryHandler> {
        Arc::clone(&self.queries)
    }

    fn extended_query_handler(&self) -> Arc<impl ExtendedQueryHandler> {
        Arc::clone(&self.queries)
    }

    fn startup_handler(&self) -> Arc<impl StartupHandler> {
        Arc::clone(&self.startup)
    }

    fn error_handler(&self) -> Arc<impl ErrorHandler> {
        Arc::new(QuietErrors)
    }
}

/// Errors go to the client; the log gets their kind, never the SQL (it may
/// hold values).
struct QuietErrors;

impl ErrorHandler for QuietErrors {
    fn on_error<C>(&self, _client: &C, error: &mut PgWireError)
    where
        C: ClientInfo,
    {
        if let PgWireError::UserError(info) = error {
            tracing::debug!(code = %info.code, "a SQL statement was refused");
        } else {
            tracing::debug!("a SQL connection error: {error}");
        }
    }
}

// --- Logging in -----------------------------------------------------------

struct Login {
    steward: Arc<Steward>,
    auth: SqlAuth,
    /// Why this connection is turned away before it logs in.
    refused: Option<String>,
    scram: Mutex<Option<ScramLogin>>,
    slot: Arc<OnceLock<Arc<Connected>>>,
    parameters: DefaultServerParameterProvider,
}

fn wrong_login(user: &str) -> PgWireError {
    PgWireError::InvalidPassword(user.to_string())
}

fn is_loopback(addr: SocketAddr) -> bool {
    addr.ip().is_loopback()
}

impl Login {
    /// Opens the principal's session and tells the client it is in.
    async fn connect<C>(&self, client: &mut C, principal: Principal) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        tracing::info!(user = %principal.user, role = %principal.role, via = %principal.via, "a SQL session opened");
        let connected = open_connection(Arc::clone(&self.steward), principal)
            .await
            .map_err(|e| user_error("FATAL", e.sqlstate(), e.to_string()))?;
        let _ = self.slot.set(Arc::new(connected));
        let (pid, secret) = RandomPidSecretKeyGenerator::default().generate(client);
        client.set_pid_and_secret_key(pid, secret);
        finish_authentication(client, &self.parameters).await
    }
}

#[async_trait]
impl StartupHandler for Login {
    async fn on_startup<C>(
        &self,
        client: &mut C,
        message: PgWireFrontendMessage,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match message {
            PgWireFrontendMessage::Startup(ref startup) => {
                if let Some(reason) = &self.refused {
                    return Err(user_error("FATAL", "53300", reason.clone()));
                }
                protocol_negotiation(client, startup).await?;
                save_startup_parameters_to_metadata(client, startup);
                client.set_state(PgWireConnectionState::AuthenticationInProgress);
                let ask = match self.auth {
                    SqlAuth::Scram => Authentication::SASL(vec!["SCRAM-SHA-256".to_string()]),
                    SqlAuth::Password => {
                        if !client.is_secure() && !is_loopback(client.socket_addr()) {
                            return Err(user_error(
                                "FATAL",
                                "28000",
                                "a password login needs TLS here: connect with sslmode=require",
                            ));
                        }
                        Authentication::CleartextPassword
                    }
                };
                client
                    .send(PgWireBackendMessage::Authentication(ask))
                    .await?;
            }
            PgWireFrontendMessage::PasswordMessageFamily(message) => {
                let user = client
                    .metadata()
                    .get(METADATA_USER)
                    .cloned()
                    .unwrap_or_default();
                match self.auth {
                    SqlAuth::Password => {
                        let password = message.into_password()?;
                        let principal = self
                            .steward
                            .sql_password_login(&user, &password.password)
                            .await
                            .map_err(|_| wrong_login(&user))?;
                        self.connect(client, principal).await?;
                    }
                    SqlAuth::Scram => {
                        let mut pending = self.scram.lock().await;
                        match pending.take() {
                            None => {
                                let first = message.into_sasl_initial_response()?;
                                if first.auth_method != "SCRAM-SHA-256" {
                                    return Err(PgWireError::UnsupportedSASLAuthMethod(
                                        first.auth_method,
                                    ));
                                }
                                let data = first.data.unwrap_or_default();
                                let (login, server_first) = self
                                    .steward
                                    .sql_scram_start(&user, &data)
                                    .await
                                    .map_err(|e| user_error("FATAL", "08P01", e.to_string()))?;
                                *pending = Some(login);
                                client
                                    .send(PgWireBackendMessage::Authentication(
                                        Authentication::SASLContinue(Bytes::from(server_first)),
                                    ))
                                    .await?;
                            }
                            Some(login) => {
                                let last = message.into_sasl_response()?;
                                let (principal, server_final) = self
                                    .steward
                                    .sql_scram_finish(login, &last.data)
                                    .map_err(|_| wrong_login(&user))?;
                                client
                                    .feed(PgWireBackendMessage::Authentication(
                                        Authentication::SASLFinal(Bytes::from(server_final)),
                                    ))
                                    .await?;
                                self.connect(client, principal).await?;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The principal's governed session, with what psql and BI tools ask of a
/// PostgreSQL server (`pg_catalog`, `current_user`), served by
/// datafusion-postgres behind the governance hook.
async fn open_connection(
    steward: Arc<Steward>,
    principal: Principal,
) -> Result<Connected, SqlError> {
    let user = principal.user.clone();
    let session = Arc::new(GovernedSession::open(steward, principal).await?);
    let ctx = session.context().clone();
    let catalog = ctx
        .copied_config()
        .options()
        .catalog
        .default_catalog
        .clone();
    setup_pg_catalog(&ctx, &catalog, EmptyContextProvider)
        .map_err(|e| SqlError::Internal(format!("pg_catalog: {e}")))?;
    // datafusion-postgres answers `session_user` with a fixed name.
    ctx.register_udf(constant_text_udf("session_user", &user));
    ctx.register_udf(constant_text_udf("current_user", &user));
    ctx.register_udf(to_regtype_udf());
    ctx.register_udf(like_escape_udf());
    {
        use datafusion::scalar::ScalarValue;
        ctx.register_udf(FixedAnswer::udf(
            "pg_get_serial_sequence",
            2,
            ScalarValue::Utf8(None),
        ));
        ctx.register_udf(FixedAnswer::udf(
            "pg_collation_is_visible",
            1,
            ScalarValue::Boolean(Some(true)),
        ));
    }
    ctx.register_udf(ScalarUDF::new_from_impl(JsonBuildObject {
        signature: datafusion::logical_expr::Signature::variadic_any(Volatility::Immutable),
    }));
    // Drivers read the PostgreSQL version they talk to from `version()`
    // (SQLAlchemy refuses a server without one); DataFusion's own says
    // only its name.
    ctx.register_udf(constant_text_udf(
        "version",
        &format!(
            "PostgreSQL {PG_VERSION} on Steward {} (Apache DataFusion {})",
            env!("CARGO_PKG_VERSION"),
            datafusion::DATAFUSION_VERSION
        ),
    ));
    let hooks: Vec<Arc<dyn QueryHook>> = vec![
        Arc::new(Governance {
            session: Arc::clone(&session),
        }),
        Arc::new(SetShowHook),
        Arc::new(TransactionStatementHook),
    ];
    let service = Arc::new(DfSessionService::new_with_hooks(Arc::new(ctx), hooks));
    let parser = Arc::new(WireParser {
        inner: service.query_parser(),
        session: Some(Arc::clone(&session)),
    });
    Ok(Connected {
        session,
        service,
        parser,
    })
}

/// The function LIKE patterns with another escape character go through.
const LIKE_ESCAPE: &str = "steward_like_escape";

/// DataFusion's LIKE escapes with a backslash only; drivers choose their own
/// (SQLAlchemy writes `ESCAPE '/'`). `x LIKE p ESCAPE 'c'` becomes
/// `x LIKE steward_like_escape(p, 'c')`, the same pattern in backslash
/// escapes.
fn with_backslash_escapes(statement: &Statement) -> Statement {
    use datafusion::sql::sqlparser::ast::{
        Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Value, visit_expressions_mut,
    };
    use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
    use datafusion::sql::sqlparser::parser::Parser as SqlParser;
    let mut statement = statement.clone();
    let _ = visit_expressions_mut(&mut statement, |expr| {
        if let Expr::Like {
            pattern,
            escape_char,
            ..
        }
        | Expr::ILike {
            pattern,
            escape_char,
            ..
        } = expr
            && let Some(escape) = escape_char
                .as_ref()
                .and_then(|v| v.value.clone().into_string())
            && escape != "\\"
            && let Ok(Expr::Function(mut call)) = SqlParser::new(&PostgreSqlDialect {})
                .try_with_sql(&format!("{LIKE_ESCAPE}(NULL, NULL)"))
                .and_then(|mut p| p.parse_expr())
            && let FunctionArguments::List(list) = &mut call.args
        {
            let original = std::mem::replace(pattern.as_mut(), Expr::value(Value::Null));
            list.args = vec![
                FunctionArg::Unnamed(FunctionArgExpr::Expr(original)),
                FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::value(
                    Value::SingleQuotedString(escape),
                ))),
            ];
            **pattern = Expr::Function(call);
            *escape_char = None;
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    statement
}

/// Whether a statement reads only the client catalogs (`pg_catalog`,
/// `information_schema`): a client's own bookkeeping.
fn reads_client_catalogs_only(statement: &Statement) -> bool {
    let (catalog, other) = relations_by_kind(statement);
    catalog > 0 && other == 0
}

/// How many of a statement's relations are client catalog tables
/// (`pg_catalog.x`, `information_schema.x`, or a bare `pg_x`, which
/// datafusion-postgres resolves in `pg_catalog`), and how many are not.
fn relations_by_kind(statement: &Statement) -> (usize, usize) {
    use datafusion::sql::sqlparser::ast::visit_relations;
    let (mut catalog, mut other) = (0, 0);
    let _ = visit_relations(statement, |name| {
        let parts: Vec<String> = name
            .0
            .iter()
            .filter_map(|p| p.as_ident())
            .map(|i| i.value.to_lowercase())
            .collect();
        let is_catalog = match parts.as_slice() {
            [table] => table.starts_with("pg_"),
            [schema, _] | [_, schema, _] => {
                schema == "pg_catalog" || schema == "information_schema"
            }
            _ => false,
        };
        if is_catalog {
            catalog += 1;
        } else {
            other += 1;
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    (catalog, other)
}

/// In a catalog query, a correlated scalar subquery that is not an
/// aggregate (`(SELECT c.collname FROM pg_collation c WHERE c.oid = a.attcollation)`)
/// becomes `max(...)` of it: DataFusion plans a correlated subquery only as an
/// aggregate, and a catalog key matches one row. Drivers write these while
/// they reflect columns (SQLAlchemy). User queries are left as they are.
fn with_aggregated_catalog_subqueries(statement: Statement) -> Statement {
    use datafusion::sql::sqlparser::ast::{
        Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, SelectItem, SetExpr,
        Value, visit_expressions_mut,
    };
    use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
    use datafusion::sql::sqlparser::parser::Parser as SqlParser;
    if !reads_client_catalogs_only(&statement) {
        return statement;
    }
    const AGGREGATES: &[&str] = &[
        "count",
        "max",
        "min",
        "sum",
        "avg",
        "array_agg",
        "string_agg",
        "bool_or",
        "bool_and",
    ];
    let mut statement = statement;
    // Inside a CASE DataFusion cannot plan a correlated subquery even as an
    // aggregate: there it answers null (a column default or collation not
    // known), as datafusion-postgres does for those in a projection.
    let _ = visit_expressions_mut(&mut statement, |expr| {
        if let Expr::Case {
            conditions,
            else_result,
            ..
        } = expr
        {
            let branches = conditions
                .iter_mut()
                .map(|w| &mut w.result)
                .chain(else_result.as_deref_mut());
            for branch in branches {
                let _ = visit_expressions_mut(branch, |inner| {
                    if let Expr::Subquery(query) = inner
                        && is_correlated(query)
                    {
                        *inner = Expr::value(Value::Null);
                    }
                    std::ops::ControlFlow::<()>::Continue(())
                });
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    let _ = visit_expressions_mut(&mut statement, |expr| {
        if let Expr::Subquery(query) = expr
            && query.limit_clause.is_none()
            && let SetExpr::Select(select) = query.body.as_mut()
            && matches!(&select.group_by, GroupByExpr::Expressions(e, _) if e.is_empty())
            && select.projection.len() == 1
            && let SelectItem::UnnamedExpr(item) | SelectItem::ExprWithAlias { expr: item, .. } =
                &mut select.projection[0]
            && !matches!(item, Expr::Function(f)
                if f.name.0.last().and_then(|p| p.as_ident())
                    .is_some_and(|i| AGGREGATES.contains(&i.value.to_lowercase().as_str())))
            && let Ok(Expr::Function(mut max)) = SqlParser::new(&PostgreSqlDialect {})
                .try_with_sql("max(NULL)")
                .and_then(|mut p| p.parse_expr())
            && let FunctionArguments::List(list) = &mut max.args
        {
            let inner = std::mem::replace(item, Expr::value(Value::Null));
            list.args = vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(inner))];
            *item = Expr::Function(max);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    statement
}

/// Whether a subquery names a column of a table outside its own FROM.
fn is_correlated(query: &datafusion::sql::sqlparser::ast::Query) -> bool {
    use datafusion::sql::sqlparser::ast::{Expr, SetExpr, TableFactor, visit_expressions};
    let SetExpr::Select(select) = query.body.as_ref() else {
        return false;
    };
    let mut own: Vec<String> = Vec::new();
    for from in &select.from {
        for factor in std::iter::once(&from.relation).chain(from.joins.iter().map(|j| &j.relation))
        {
            if let TableFactor::Table { name, alias, .. } = factor {
                if let Some(last) = name.0.last().and_then(|p| p.as_ident()) {
                    own.push(last.value.to_lowercase());
                }
                if let Some(alias) = alias {
                    own.push(alias.name.value.to_lowercase());
                }
            }
        }
    }
    let outside = visit_expressions(query, |expr| {
        if let Expr::CompoundIdentifier(parts) = expr
            && parts.len() >= 2
        {
            // `schema.table.column` or `table.column`: the table is the
            // part before the column.
            let table = parts[parts.len() - 2].value.to_lowercase();
            if !own.contains(&table) {
                return std::ops::ControlFlow::Break(());
            }
        }
        std::ops::ControlFlow::Continue(())
    });
    outside.is_break()
}

/// The statement of `sql` as its author wrote it, when it is one query that
/// reads the warehouse. datafusion-postgres' parser rewrites what it parses
/// for its catalog (and answers a correlated subquery in a projection with
/// null), which suits a client's catalog queries and changes a user's
/// results; a user's query is planned from the text instead, as
/// `steward sql query` plans it.
fn user_query(sql: &str) -> Option<Statement> {
    use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
    use datafusion::sql::sqlparser::parser::Parser as SqlParser;
    let mut statements = SqlParser::parse_sql(&PostgreSqlDialect {}, sql).ok()?;
    if statements.len() != 1 {
        return None;
    }
    let statement = statements.pop()?;
    let (catalog, other) = relations_by_kind(&statement);
    (matches!(kind_of(&statement), Kind::Query) && other > 0 && catalog == 0).then_some(statement)
}

/// What the endpoint plans in place of a client's statement.
fn for_datafusion(statement: &Statement) -> Statement {
    with_aggregated_catalog_subqueries(with_backslash_escapes(statement))
}

/// A LIKE pattern escaped with `escape` rewritten to backslash escapes.
fn backslash_escaped(pattern: &str, escape: char) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == escape {
            out.push('\\');
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    out
}

fn like_escape_udf() -> ScalarUDF {
    use datafusion::arrow::array::{Array, StringArray};
    use datafusion::arrow::datatypes::DataType;
    use datafusion::logical_expr::ColumnarValue;
    create_udf(
        LIKE_ESCAPE,
        vec![DataType::Utf8, DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let text = |i: usize| {
                arrays[i]
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .ok_or_else(|| {
                        datafusion::error::DataFusionError::Plan(format!(
                            "{LIKE_ESCAPE} takes text"
                        ))
                    })
            };
            let (patterns, escapes) = (text(0)?, text(1)?);
            let out: StringArray = (0..patterns.len())
                .map(|i| {
                    (!patterns.is_null(i)).then(|| {
                        match (!escapes.is_null(i))
                            .then(|| escapes.value(i).chars().next())
                            .flatten()
                        {
                            Some(escape) => backslash_escaped(patterns.value(i), escape),
                            None => patterns.value(i).to_string(),
                        }
                    })
                })
                .collect();
            Ok(ColumnarValue::Array(Arc::new(out)))
        }),
    )
}

/// `to_regtype(name)`: the oid of a built-in type by its name, or null (as
/// for a type that does not exist). Drivers ask it of extension types
/// (`hstore`) when they connect; there are none here.
fn to_regtype_udf() -> ScalarUDF {
    use datafusion::arrow::array::{Array, Int32Array, StringArray};
    use datafusion::arrow::datatypes::DataType;
    use datafusion::logical_expr::ColumnarValue;
    fn oid(name: &str) -> Option<i32> {
        let name = name.trim().trim_start_matches("pg_catalog.").to_lowercase();
        Some(match name.as_str() {
            "bool" | "boolean" => 16,
            "bytea" => 17,
            "char" => 18,
            "name" => 19,
            "int8" | "bigint" => 20,
            "int2" | "smallint" => 21,
            "int4" | "integer" | "int" => 23,
            "text" => 25,
            "oid" => 26,
            "json" => 114,
            "float4" | "real" => 700,
            "float8" | "double precision" => 701,
            "bpchar" | "character" => 1042,
            "varchar" | "character varying" => 1043,
            "date" => 1082,
            "time" | "time without time zone" => 1083,
            "timestamp" | "timestamp without time zone" => 1114,
            "timestamptz" | "timestamp with time zone" => 1184,
            "interval" => 1186,
            "numeric" | "decimal" => 1700,
            "uuid" => 2950,
            "jsonb" => 3802,
            _ => return None,
        })
    }
    create_udf(
        "to_regtype",
        vec![DataType::Utf8],
        DataType::Int32,
        Volatility::Stable,
        Arc::new(|args: &[ColumnarValue]| {
            let arrays = ColumnarValue::values_to_arrays(args)?;
            let names = arrays[0]
                .as_any()
                .downcast_ref::<StringArray>()
                .ok_or_else(|| {
                    datafusion::error::DataFusionError::Plan("to_regtype takes text".into())
                })?;
            let oids: Int32Array = (0..names.len())
                .map(|i| (!names.is_null(i)).then(|| oid(names.value(i))).flatten())
                .collect();
            Ok(ColumnarValue::Array(Arc::new(oids)))
        }),
    )
}

/// A catalog function with one answer whatever its arguments, for what
/// this server does not have: `pg_get_serial_sequence(table, column)` (no
/// column owns a sequence), `pg_collation_is_visible(oid)` (the one
/// collation is). SQLAlchemy asks both while it reflects columns.
#[derive(Debug, PartialEq, Eq, Hash)]
struct FixedAnswer {
    name: &'static str,
    answer: datafusion::scalar::ScalarValue,
    signature: datafusion::logical_expr::Signature,
}

impl FixedAnswer {
    fn udf(name: &'static str, arity: usize, answer: datafusion::scalar::ScalarValue) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            name,
            answer,
            signature: datafusion::logical_expr::Signature::any(arity, Volatility::Stable),
        })
    }
}

impl datafusion::logical_expr::ScalarUDFImpl for FixedAnswer {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &datafusion::logical_expr::Signature {
        &self.signature
    }

    fn return_type(
        &self,
        _args: &[datafusion::arrow::datatypes::DataType],
    ) -> datafusion::error::Result<datafusion::arrow::datatypes::DataType> {
        Ok(self.answer.data_type())
    }

    fn invoke_with_args(
        &self,
        _args: datafusion::logical_expr::ScalarFunctionArgs,
    ) -> datafusion::error::Result<datafusion::logical_expr::ColumnarValue> {
        Ok(datafusion::logical_expr::ColumnarValue::Scalar(
            self.answer.clone(),
        ))
    }
}

/// `json_build_object(key, value, ...)` as PostgreSQL has it: SQLAlchemy
/// builds a column's identity options with it while it reflects.
#[derive(Debug, PartialEq, Eq, Hash)]
struct JsonBuildObject {
    signature: datafusion::logical_expr::Signature,
}

impl datafusion::logical_expr::ScalarUDFImpl for JsonBuildObject {
    fn name(&self) -> &str {
        "json_build_object"
    }

    fn signature(&self) -> &datafusion::logical_expr::Signature {
        &self.signature
    }

    fn return_type(
        &self,
        _args: &[datafusion::arrow::datatypes::DataType],
    ) -> datafusion::error::Result<datafusion::arrow::datatypes::DataType> {
        Ok(datafusion::arrow::datatypes::DataType::Utf8)
    }

    fn invoke_with_args(
        &self,
        args: datafusion::logical_expr::ScalarFunctionArgs,
    ) -> datafusion::error::Result<datafusion::logical_expr::ColumnarValue> {
        use datafusion::arrow::array::StringArray;
        use datafusion::logical_expr::ColumnarValue;
        use datafusion::scalar::ScalarValue;
        if !args.args.len().is_multiple_of(2) {
            return Err(datafusion::error::DataFusionError::Plan(
                "json_build_object takes keys and values in pairs".into(),
            ));
        }
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let rows = (0..args.number_rows).map(|row| {
            let mut object = serde_json::Map::new();
            for pair in arrays.chunks(2) {
                let key = ScalarValue::try_from_array(&pair[0], row)?;
                let value = ScalarValue::try_from_array(&pair[1], row)?;
                let json = if value.is_null() {
                    serde_json::Value::Null
                } else {
                    match value {
                        ScalarValue::Boolean(Some(b)) => serde_json::Value::Bool(b),
                        v if v.data_type().is_numeric() => {
                            serde_json::from_str(&v.to_string()).unwrap_or(serde_json::Value::Null)
                        }
                        v => serde_json::Value::String(v.to_string()),
                    }
                };
                object.insert(key.to_string(), json);
            }
            Ok(Some(serde_json::Value::Object(object).to_string()))
        });
        let out = rows.collect::<datafusion::error::Result<StringArray>>()?;
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

fn constant_text_udf(name: &str, value: &str) -> ScalarUDF {
    use datafusion::arrow::datatypes::DataType;
    use datafusion::logical_expr::ColumnarValue;
    use datafusion::scalar::ScalarValue;
    let value = value.to_string();
    create_udf(
        name,
        vec![],
        DataType::Utf8,
        Volatility::Stable,
        Arc::new(move |_| {
            Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(
                value.clone(),
            ))))
        }),
    )
}

// --- Queries ----------------------------------------------------------------

/// Client settings a session may change; any other `SET` is refused (the
/// DataFusion settings among them would lift the session's limits).
const CLIENT_SETTINGS: &[&str] = &[
    "application_name",
    "bytea_output",
    "client_encoding",
    "client_min_messages",
    "datestyle",
    "extra_float_digits",
    "intervalstyle",
    "search_path",
    "standard_conforming_strings",
    "statement_timeout",
];

/// What a statement is, to the endpoint.
enum Kind {
    /// A query: runs through the governed session.
    Query,
    /// A client setting, `SHOW` or a transaction's bounds: datafusion-
    /// postgres' hooks answer it.
    Session,
    /// A savepoint's bounds, inside a transaction that writes nothing:
    /// acknowledged with this tag (drivers set them around their own reads).
    Savepoint(&'static str),
    /// Refused, with this error.
    Refused(SqlError),
}

fn kind_of(statement: &Statement) -> Kind {
    match statement {
        Statement::Query(_) | Statement::Explain { .. } => Kind::Query,
        Statement::ShowVariable { .. }
        | Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. } => Kind::Session,
        Statement::Savepoint { .. } => Kind::Savepoint("SAVEPOINT"),
        Statement::ReleaseSavepoint { .. } => Kind::Savepoint("RELEASE"),
        Statement::Set(set) => match set {
            Set::SingleAssignment {
                scope: None,
                hivevar: false,
                variable,
                ..
            } if CLIENT_SETTINGS.contains(&variable.to_string().to_lowercase().as_str()) => {
                Kind::Session
            }
            Set::SetTimeZone { local: false, .. } => Kind::Session,
            other => Kind::Refused(SqlError::Denied(format!(
                "`{}` is refused: only client settings ({}, time zone) can be changed here",
                first_words(&other.to_string()),
                CLIENT_SETTINGS.join(", ")
            ))),
        },
        other => {
            let statement = datafusion::sql::parser::Statement::Statement(Box::new(other.clone()));
            match crate::session::check_read_only(&statement) {
                Ok(()) => Kind::Query,
                Err(e) => Kind::Refused(e),
            }
        }
    }
}

fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// The client's own `SET statement_timeout`, which can only shorten
/// `[sql] query_timeout_secs`.
fn client_timeout(client: &(impl ClientInfo + ?Sized)) -> Option<Duration> {
    client
        .metadata()
        .get("statement_timeout_ms")
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis)
}

/// Runs a checked plan and streams it to the client in `format`.
async fn respond(
    session: &GovernedSession,
    sql: &str,
    plan: LogicalPlan,
    tables: Vec<String>,
    format: &Format,
    options: Arc<FormatOptions>,
    timeout: Option<Duration>,
) -> PgWireResult<Response> {
    let run = session
        .run(sql, plan, tables, timeout)
        .await
        .map_err(wire_error)?;
    let fields = Arc::new(arrow_schema_to_pg_fields(
        run.schema().as_ref(),
        format,
        Some(options),
    )?);
    let encode_with = Arc::clone(&fields);
    let rows = run
        .into_stream()
        .map(move |batch| {
            let rows: Box<dyn Iterator<Item = PgWireResult<_>> + Send + Sync> = match batch {
                Ok(batch) => encode_recordbatch(Arc::clone(&encode_with), batch),
                Err(e) => Box::new(std::iter::once(Err(wire_error(e)))),
            };
            futures::stream::iter(rows)
        })
        .flatten();
    Ok(Response::Query(QueryResponse::new(fields, rows)))
}

/// Plans and runs `statement` through the governed session, streaming its
/// rows as text (the simple protocol's format).
async fn run_simple(
    session: &GovernedSession,
    statement: &Statement,
    client: &(impl ClientInfo + ?Sized),
) -> PgWireResult<Response> {
    let sql = for_datafusion(statement).to_string();
    let options = Arc::new(FormatOptions::from_client_metadata(client.metadata()));
    let (plan, tables) = session.plan(&sql).await.map_err(wire_error)?;
    respond(
        session,
        &sql,
        plan,
        tables,
        &Format::UnifiedText,
        options,
        client_timeout(client),
    )
    .await
}

/// The first hook of every connection: queries run through the governed
/// session; what is neither a query nor a client setting is refused.
struct Governance {
    session: Arc<GovernedSession>,
}

#[async_trait]
impl QueryHook for Governance {
    async fn handle_simple_query(
        &self,
        statement: &Statement,
        _ctx: &SessionContext,
        client: &mut dyn HookClient,
    ) -> Option<PgWireResult<Response>> {
        match kind_of(statement) {
            Kind::Session => None,
            Kind::Savepoint(tag) => Some(Ok(Response::Execution(Tag::new(tag)))),
            Kind::Refused(e) => Some(Err(wire_error(e))),
            Kind::Query => Some(run_simple(&self.session, statement, client).await),
        }
    }

    async fn handle_extended_parse_query(
        &self,
        statement: &Statement,
        _ctx: &SessionContext,
        _client: &(dyn ClientInfo + Send + Sync),
    ) -> Option<PgWireResult<LogicalPlan>> {
        match kind_of(statement) {
            Kind::Refused(e) => Some(Err(wire_error(e))),
            // Planned here, so a client learns what is wrong by its code.
            Kind::Query => Some(
                self.session
                    .prepare(&for_datafusion(statement).to_string())
                    .await
                    .map_err(wire_error),
            ),
            Kind::Savepoint(_) => Some(Ok(LogicalPlan::EmptyRelation(EmptyRelation {
                produce_one_row: false,
                schema: Arc::new(DFSchema::empty()),
            }))),
            Kind::Session => None,
        }
    }

    async fn handle_extended_query(
        &self,
        statement: &Statement,
        _plan: &LogicalPlan,
        _params: &ParamValues,
        _ctx: &SessionContext,
        _client: &mut dyn HookClient,
    ) -> Option<PgWireResult<Response>> {
        // Queries never get here (`Queries::do_query` runs them); this
        // stands guard for anything else.
        match kind_of(statement) {
            Kind::Refused(e) => Some(Err(wire_error(e))),
            Kind::Savepoint(tag) => Some(Ok(Response::Execution(Tag::new(tag)))),
            Kind::Query | Kind::Session => None,
        }
    }
}

/// The query handlers of one connection, over its session once logged in.
struct Queries {
    slot: Arc<OnceLock<Arc<Connected>>>,
    /// A parser over an empty context, should a client send a statement
    /// before logging in (pgwire does not let it through).
    fallback: OnceLock<Arc<WireParser>>,
}

impl Queries {
    fn connected(&self) -> PgWireResult<Arc<Connected>> {
        self.slot
            .get()
            .cloned()
            .ok_or_else(|| user_error("FATAL", "28000", "not logged in"))
    }
}

#[async_trait]
impl SimpleQueryHandler for Queries {
    async fn do_query<C>(&self, client: &mut C, query: &str) -> PgWireResult<Vec<Response>>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let connected = self.connected()?;
        let parsed = {
            use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
            use datafusion::sql::sqlparser::parser::Parser as SqlParser;
            SqlParser::parse_sql(&PostgreSqlDialect {}, query)
        };
        let Ok(statements) = parsed else {
            // datafusion-postgres' parser takes some forms ours does not.
            return SimpleQueryHandler::do_query(connected.service.as_ref(), client, query).await;
        };
        let mut responses = Vec::with_capacity(statements.len());
        for statement in statements {
            let text = statement.to_string();
            match user_query(&text) {
                Some(statement) => {
                    responses.push(run_simple(&connected.session, &statement, client).await?);
                }
                None => responses.extend(
                    SimpleQueryHandler::do_query(connected.service.as_ref(), client, &text).await?,
                ),
            }
        }
        Ok(responses)
    }
}

/// Parses prepared statements: a user's query as written (see
/// [`user_query`]), anything else by datafusion-postgres' parser.
struct WireParser {
    inner: Arc<Parser>,
    session: Option<Arc<GovernedSession>>,
}

#[async_trait]
impl QueryParser for WireParser {
    type Statement = PreparedStatement;

    async fn parse_sql<C>(
        &self,
        client: &C,
        sql: &str,
        types: &[Option<Type>],
    ) -> PgWireResult<Option<Self::Statement>>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        if let Some(session) = &self.session
            && let Some(statement) = user_query(sql)
        {
            let plan = session
                .prepare(&for_datafusion(&statement).to_string())
                .await
                .map_err(wire_error)?;
            return Ok(Some((sql.to_string(), Some((statement, plan)))));
        }
        self.inner.parse_sql(client, sql, types).await
    }

    fn get_parameter_types(&self, statement: &Self::Statement) -> PgWireResult<Vec<Type>> {
        self.inner.get_parameter_types(statement)
    }

    fn get_result_schema(
        &self,
        statement: &Self::Statement,
        column_format: Option<&Format>,
    ) -> PgWireResult<Vec<FieldInfo>> {
        self.inner.get_result_schema(statement, column_format)
    }
}

/// `$1`, `$2`, ... of a plan, in order, with the types DataFusion inferred.
fn parameter_types(
    plan: &LogicalPlan,
) -> PgWireResult<Vec<Option<datafusion::arrow::datatypes::DataType>>> {
    let types: HashMap<String, Option<datafusion::arrow::datatypes::DataType>> = plan
        .get_parameter_types()
        .map_err(|e| wire_error(SqlError::Invalid(e.to_string())))?;
    let mut numbered: Vec<(usize, Option<_>)> = types
        .into_iter()
        .filter_map(|(name, ty)| name.trim_start_matches('$').parse().ok().map(|n| (n, ty)))
        .collect();
    numbered.sort_by_key(|(n, _)| *n);
    Ok(numbered.into_iter().map(|(_, ty)| ty).collect())
}

#[async_trait]
impl ExtendedQueryHandler for Queries {
    type Statement = PreparedStatement;
    type QueryParser = WireParser;

    fn query_parser(&self) -> Arc<WireParser> {
        match self.slot.get() {
            Some(connected) => Arc::clone(&connected.parser),
            None => Arc::clone(self.fallback.get_or_init(|| {
                Arc::new(WireParser {
                    inner: DfSessionService::new_with_hooks(
                        Arc::new(SessionContext::new()),
                        vec![],
                    )
                    .query_parser(),
                    session: None,
                })
            })),
        }
    }

    async fn do_query<C>(
        &self,
        client: &mut C,
        portal: &Portal<Self::Statement>,
        max_rows: usize,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let connected = self.connected()?;
        let (sql, Some((statement, plan))) = &portal.statement.statement else {
            return Ok(Response::EmptyQuery);
        };
        match kind_of(statement) {
            Kind::Refused(e) => Err(wire_error(e)),
            Kind::Session | Kind::Savepoint(_) => {
                ExtendedQueryHandler::do_query(connected.service.as_ref(), client, portal, max_rows)
                    .await
            }
            Kind::Query => {
                let types = parameter_types(plan)?;
                let type_refs: Vec<_> = types.iter().map(Option::as_ref).collect();
                let params = deserialize_parameters(portal, &type_refs)?;
                let bound = plan
                    .clone()
                    .replace_params_with_values(&params)
                    .map_err(|e| wire_error(SqlError::Invalid(e.to_string())))?;
                let (checked, tables) = connected.session.check_plan(bound).map_err(wire_error)?;
                let options = Arc::new(FormatOptions::from_client_metadata(client.metadata()));
                respond(
                    &connected.session,
                    sql,
                    checked,
                    tables,
                    &portal.result_column_format,
                    options,
                    client_timeout(client),
                )
                .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_with_another_escape_become_backslash_escaped() {
        assert_eq!(backslash_escaped("pg/_%", '/'), "pg\\_%");
        assert_eq!(backslash_escaped("a\\b//c", '/'), "a\\\\b\\/c");
        let parsed = datafusion::sql::sqlparser::parser::Parser::parse_sql(
            &datafusion::sql::sqlparser::dialect::PostgreSqlDialect {},
            "SELECT n FROM t WHERE n NOT LIKE 'pg/_' || '%' ESCAPE '/' AND m LIKE 'x%'",
        )
        .unwrap();
        let rewritten = with_backslash_escapes(&parsed[0]).to_string();
        assert!(
            rewritten.contains("NOT LIKE steward_like_escape('pg/_' || '%', '/')")
                && !rewritten.contains("ESCAPE"),
            "{rewritten}"
        );
        assert!(rewritten.contains("m LIKE 'x%'"), "{rewritten}");
    }

    #[test]
    fn only_catalog_queries_get_their_subqueries_aggregated() {
        let rewrite = |sql: &str| {
            let parsed = datafusion::sql::sqlparser::parser::Parser::parse_sql(
                &datafusion::sql::sqlparser::dialect::PostgreSqlDialect {},
                sql,
            )
            .unwrap();
            with_aggregated_catalog_subqueries(parsed[0].clone()).to_string()
        };
        let catalog = "SELECT a.attname, (SELECT c.collname FROM pg_catalog.pg_collation c WHERE c.oid = a.attcollation) FROM pg_catalog.pg_attribute a";
        assert!(
            rewrite(catalog).contains("(SELECT max(c.collname) FROM"),
            "{}",
            rewrite(catalog)
        );
        // Inside a CASE a correlated one answers null; an uncorrelated one
        // (a name resolved to its oid) stays.
        let in_case = "SELECT CASE WHEN a.attcollation <> 0 THEN (SELECT c.collname FROM pg_catalog.pg_collation c WHERE c.oid = a.attcollation) ELSE (SELECT t.oid FROM pg_catalog.pg_type t WHERE t.typname = 'int4') END FROM pg_catalog.pg_attribute a";
        let rewritten = rewrite(in_case);
        assert!(rewritten.contains("THEN NULL"), "{rewritten}");
        assert!(
            rewritten.contains("ELSE (SELECT max(t.oid) FROM pg_catalog.pg_type"),
            "{rewritten}"
        );
        let counted = "SELECT (SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid) FROM pg_catalog.pg_namespace n";
        assert_eq!(rewrite(counted), counted);
        let user = "SELECT (SELECT o.amount FROM lake.orders o WHERE o.customer_id = c.customer_id) FROM lake.customers c";
        assert_eq!(rewrite(user), user);
    }

    #[test]
    fn only_client_settings_may_be_set_and_writes_are_refused() {
        let kind = |sql: &str| {
            let parsed = datafusion::sql::sqlparser::parser::Parser::parse_sql(
                &datafusion::sql::sqlparser::dialect::PostgreSqlDialect {},
                sql,
            )
            .unwrap();
            match kind_of(&parsed[0]) {
                Kind::Query => "query".to_string(),
                Kind::Session => "session".to_string(),
                Kind::Savepoint(tag) => tag.to_string(),
                Kind::Refused(e) => e.sqlstate().to_string(),
            }
        };
        assert_eq!(kind("SELECT 1"), "query");
        assert_eq!(kind("EXPLAIN SELECT 1"), "query");
        assert_eq!(kind("SET application_name = 'x'"), "session");
        assert_eq!(kind("SET TIME ZONE 'UTC'"), "session");
        assert_eq!(kind("BEGIN"), "session");
        assert_eq!(kind("SAVEPOINT s1"), "SAVEPOINT");
        assert_eq!(
            kind("SET datafusion.execution.target_partitions = 64"),
            "42501"
        );
        assert_eq!(
            kind("SET datafusion.runtime.memory_limit = '100G'"),
            "42501"
        );
        assert_eq!(kind("DROP TABLE t"), "25006");
        assert_eq!(kind("UPDATE t SET a = 1"), "25006");
        assert_eq!(kind("DECLARE c CURSOR FOR SELECT 1"), "25006");
    }
}
