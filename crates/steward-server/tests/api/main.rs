//! The API against the real server on loopback: a catalog of the sample
//! warehouse (scanned and checked through the service), users of each role
//! with tokens, and requests made with a real HTTP client. Each test runs on
//! SQLite, and on PostgreSQL too when `STEWARD_TEST_PG_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use steward_config::{Loaded, ServerConfig, StewardConfig};
use steward_service::{
    IngestRequest, LineageSource, SourceRequest, Steward, TokenRequest, create_catalog,
    models_folder,
};
use steward_types::{Role, Secret};

mod matrix;
mod work;

/// A served catalog and the tokens of one user per role.
struct Served {
    base: String,
    steward: Arc<Steward>,
    viewer: String,
    steward_token: String,
    admin: String,
    client: Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// The passwords the tests' users have.
const PASSWORD: &str = "correct horse battery";

static SCHEMAS: AtomicU32 = AtomicU32::new(0);

async fn served(postgres: Option<&str>) -> Served {
    served_with(postgres, None).await
}

/// A served catalog whose agents answer with `model`.
async fn served_with(
    postgres: Option<&str>,
    model: Option<Arc<dyn steward_llm::LanguageModel>>,
) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let sample = steward_sample::generate(&dir.path().join("sample"), 1).unwrap();
    let mut config = StewardConfig {
        data_dir: dir.path().join(".steward"),
        ..StewardConfig::default()
    };
    config.warehouse.threads = 1;
    config.search.threads = 1;
    config.policy.threads = 1;
    if let Some(url) = postgres {
        config.store.url = Some(Secret::new(url));
        config.store.schema = Some(format!(
            "api_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::Relaxed)
        ));
    }
    let loaded = Loaded {
        config,
        file: None,
        base_dir: dir.path().to_path_buf(),
    };
    std::fs::create_dir_all(&loaded.config.data_dir).unwrap();
    create_catalog(&loaded).await.unwrap();
    let steward = Steward::open(&loaded).await.unwrap();
    steward
        .register_source(&SourceRequest {
            name: "lake".into(),
            url: sample.lake.display().to_string(),
            ..SourceRequest::default()
        })
        .await
        .unwrap();
    let options = steward.scan_options();
    steward.scan(None, &options, &mut |_| {}).await.unwrap();
    let lineage = IngestRequest {
        sources: vec![
            LineageSource::QueryLog {
                name: "query_log.jsonl".into(),
                text: std::fs::read_to_string(&sample.query_log).unwrap(),
                format: steward_lineage::LogFormat::Auto,
            },
            models_folder(&sample.models).unwrap(),
        ],
        views: false,
        dialect: "duckdb".into(),
    };
    steward.ingest_lineage(lineage, &mut |_| {}).await.unwrap();
    steward.check(&[], &[], &mut |_| {}).await.unwrap();

    let mut tokens = Vec::new();
    for (name, role) in [
        ("vera", Role::Viewer),
        ("sam", Role::Steward),
        ("ada", Role::Admin),
    ] {
        steward
            .add_user("test", name, role, Some(PASSWORD))
            .await
            .unwrap();
        let token = steward
            .create_token(
                "test",
                &TokenRequest {
                    user: name.into(),
                    label: "tests".into(),
                    role: None,
                    expires_at: None,
                },
            )
            .await
            .unwrap();
        tokens.push(token.token);
    }

    let steward = Arc::new(match model {
        Some(model) => steward.with_model(model),
        None => steward,
    });
    let server_config = ServerConfig {
        max_body_mb: 1,
        login_attempts_per_minute: 3,
        ..ServerConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn({
        let steward = steward.clone();
        async move {
            steward_server::serve(steward, &server_config, listener, async {
                let _ = stopped.await;
            })
            .await
        }
    });
    let mut tokens = tokens.into_iter();
    Served {
        base,
        steward,
        viewer: tokens.next().unwrap(),
        steward_token: tokens.next().unwrap(),
        admin: tokens.next().unwrap(),
        client: Client::new(),
        stop: Some(stop),
        server: Some(server),
        _dir: dir,
    }
}

/// The backends to run on: SQLite always, PostgreSQL when configured.
fn backends() -> Vec<Option<String>> {
    let mut out = vec![None];
    if let Ok(url) = std::env::var("STEWARD_TEST_PG_URL")
        && !url.is_empty()
    {
        out.push(Some(url));
    }
    out
}

/// A response's status, content type and JSON body (`Null` when not JSON).
struct Answer {
    status: StatusCode,
    content_type: String,
    body: Value,
    set_cookie: Option<String>,
}

impl Served {
    fn token(&self, role: Option<Role>) -> Option<&str> {
        match role {
            None => None,
            Some(Role::Viewer) => Some(&self.viewer),
            Some(Role::Steward) => Some(&self.steward_token),
            Some(Role::Admin) => Some(&self.admin),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        role: Option<Role>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = self.token(role) {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        answer(request.send().await.unwrap()).await
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header("content-type").unwrap_or_default();
    let set_cookie = header("set-cookie");
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        content_type,
        body,
        set_cookie,
    }
}

/// Asserts `a` is a problem document with `status`.
fn assert_problem(a: &Answer, status: u16, what: &str) {
    assert_eq!(a.status.as_u16(), status, "{what}: {}", a.body);
    assert_eq!(a.content_type, "application/problem+json", "{what}");
    assert_eq!(a.body["status"], status, "{what}: {}", a.body);
    assert!(
        a.body["type"]
            .as_str()
            .unwrap_or("")
            .starts_with("urn:steward:problem:"),
        "{what}: {}",
        a.body
    );
    assert!(
        !a.body["detail"].as_str().unwrap_or("").is_empty(),
        "{what}: {}",
        a.body
    );
}

#[tokio::test]
async fn health_openapi_and_docs() {
    let s = served(None).await;
    let health = s.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "ok");
    let ready = s.send(Method::GET, "/readyz", None, None).await;
    assert_eq!(ready.status, 200, "{}", ready.body);

    let document = s
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(document.status, 200);
    assert!(document.body["openapi"].as_str().unwrap().starts_with("3."));
    assert!(document.body["paths"]["/api/v1/tables/{name}"]["get"].is_object());
    assert!(
        document.body["components"]["schemas"]["Problem"].is_object(),
        "{}",
        document.body["components"]["schemas"]
    );
    // Enums are documented as they are sent, and problems with their own
    // content type.
    let statuses = &document.body["components"]["schemas"]["FindingStatus"]["enum"];
    assert!(
        statuses.as_array().unwrap().contains(&json!("open")),
        "{statuses}"
    );
    let not_found = &document.body["paths"]["/api/v1/tables/{name}"]["get"]["responses"]["404"];
    assert!(
        not_found["content"]["application/problem+json"].is_object(),
        "{not_found}"
    );
    // Requests are counted by route template, and findings by severity.
    s.send(
        Method::GET,
        "/api/v1/tables/raw.customers",
        Some(Role::Viewer),
        None,
    )
    .await;
    let anonymous = s
        .client
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let metrics = s
        .client
        .get(format!("{}/metrics", s.base))
        .bearer_auth(&s.viewer)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            r#"steward_http_requests_total{route="/api/v1/tables/{name}",method="GET",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("steward_open_findings{severity="),
        "{metrics}"
    );
    assert!(
        !metrics.contains("raw.customers"),
        "a path in a label: {metrics}"
    );
    // The docs page is served from the binary.
    let docs = s
        .client
        .get(format!("{}/docs/", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
    let page = docs.text().await.unwrap();
    assert!(page.contains("swagger"), "{page}");
    s.stop().await;
}

#[tokio::test]
async fn catalog_reads_are_served_with_masked_values() {
    for backend in backends() {
        let s = served(backend.as_deref()).await;
        let tables = s
            .send(Method::GET, "/api/v1/tables", Some(Role::Viewer), None)
            .await;
        assert_eq!(tables.status, 200, "{}", tables.body);
        let names: Vec<&str> = tables
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"customers"), "{names:?}");

        let table = s
            .send(
                Method::GET,
                "/api/v1/tables/raw.customers",
                Some(Role::Viewer),
                None,
            )
            .await;
        assert_eq!(table.status, 200, "{}", table.body);
        let email = table.body["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "email")
            .expect("an email column")
            .clone();
        assert_eq!(email["sensitivity"]["label"], "EMAIL_ADDRESS", "{email}");
        // A viewer sees the shapes of e-mail addresses, never one.
        for top in email["profile"]["top_values"].as_array().unwrap() {
            let value = top["value"].as_str().unwrap();
            assert!(
                !value.contains('@') || value.contains('*'),
                "an unmasked e-mail reached a viewer: {value}"
            );
        }

        let found = s
            .send(
                Method::GET,
                "/api/v1/search?q=custmer%20emial&kind=column",
                Some(Role::Viewer),
                None,
            )
            .await;
        assert_eq!(found.status, 200, "{}", found.body);
        let names: Vec<&str> = found.body["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["name"].as_str().unwrap())
            .collect();
        assert!(
            names.iter().any(|n| n.ends_with("customers.email")),
            "typos forgiven, columns only: {names:?}"
        );
        let nothing = s
            .send(Method::GET, "/api/v1/search", Some(Role::Viewer), None)
            .await;
        assert_problem(&nothing, 422, "a search for nothing");

        let missing = s
            .send(
                Method::GET,
                "/api/v1/tables/raw.nothing_here",
                Some(Role::Viewer),
                None,
            )
            .await;
        assert_problem(&missing, 404, "unknown table");
        assert!(
            missing.body["detail"]
                .as_str()
                .unwrap()
                .contains("raw.nothing_here")
        );

        let findings = s
            .send(
                Method::GET,
                "/api/v1/findings?severity=high",
                Some(Role::Viewer),
                None,
            )
            .await;
        assert_eq!(findings.status, 200, "{}", findings.body);
        for f in findings.body.as_array().unwrap() {
            assert!(
                matches!(f["severity"].as_str(), Some("high" | "critical")),
                "{f}"
            );
        }
        s.stop().await;
    }
}

#[tokio::test]
async fn a_stewards_action_is_audited_and_a_viewers_changes_nothing() {
    let s = served(None).await;
    let findings = s
        .send(Method::GET, "/api/v1/findings", Some(Role::Viewer), None)
        .await;
    let id = findings.body[0]["id"]
        .as_i64()
        .expect("the sample has findings");
    let path = format!("/api/v1/findings/{id}/actions");
    let body = json!({"action": "acknowledge", "reason": "looking into it"});

    let refused = s
        .send(Method::POST, &path, Some(Role::Viewer), Some(body.clone()))
        .await;
    assert_problem(&refused, 403, "a viewer acknowledging");
    let unchanged = s
        .send(
            Method::GET,
            &format!("/api/v1/findings/{id}"),
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_eq!(unchanged.body["finding"]["status"], "open");

    let done = s
        .send(Method::POST, &path, Some(Role::Steward), Some(body))
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["status"], "acknowledged");
    let detail = s
        .send(
            Method::GET,
            &format!("/api/v1/findings/{id}"),
            Some(Role::Viewer),
            None,
        )
        .await;
    let history = detail.body["history"].as_array().unwrap();
    let last = history.last().expect("the action is in the history");
    assert_eq!(last["actor"], "sam", "{last}");
    assert_eq!(last["action"], "finding.acknowledged", "{last}");
    s.stop().await;
}

#[tokio::test]
async fn a_stewards_decision_on_a_column_stands_and_is_listed() {
    let s = served(None).await;
    let path = "/api/v1/columns/raw.customers.email/decision";
    let unknown = s
        .send(
            Method::POST,
            path,
            Some(Role::Steward),
            Some(json!({"label": "SHOE_SIZE"})),
        )
        .await;
    assert_problem(&unknown, 422, "a label nobody knows");
    let both = s
        .send(
            Method::POST,
            path,
            Some(Role::Steward),
            Some(json!({"label": "EMAIL_ADDRESS", "not_sensitive": true})),
        )
        .await;
    assert_problem(&both, 422, "a label and not sensitive at once");
    let emails = || async {
        let listed = s
            .send(
                Method::GET,
                "/api/v1/sensitive?label=EMAIL_ADDRESS",
                Some(Role::Viewer),
                None,
            )
            .await;
        assert_eq!(listed.status, 200, "{}", listed.body);
        listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                format!(
                    "{}.{}",
                    c["table"].as_str().unwrap(),
                    c["column"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    let before = emails().await;
    let rejected = s
        .send(
            Method::POST,
            path,
            Some(Role::Steward),
            Some(json!({"not_sensitive": true, "reason": "test addresses only"})),
        )
        .await;
    assert_eq!(rejected.status, 200, "{}", rejected.body);
    assert_eq!(rejected.body["classification"]["decided_by"], "sam");
    let rejected_one =
        |c: &String| c.ends_with("raw.customers.email") || c.as_str() == "customers.email";
    assert!(before.iter().any(rejected_one), "{before:?}");
    let after = emails().await;
    assert!(
        !after.iter().any(rejected_one),
        "the rejected column is still listed: {after:?}"
    );
    let annotated = s
        .send(
            Method::PATCH,
            "/api/v1/tables/raw.customers",
            Some(Role::Steward),
            Some(json!({"owner": "crm-team", "add_tags": ["gold"]})),
        )
        .await;
    assert_eq!(annotated.status, 200, "{}", annotated.body);
    assert_eq!(annotated.body["owner"], "crm-team");
    assert_eq!(annotated.body["tags"], json!(["gold"]));
    s.stop().await;
}

/// An OpenLineage run event: a job copying the customers' e-mails into a
/// table of its own.
fn run_event(run: &str) -> Value {
    json!({
        "eventType": "COMPLETE",
        "eventTime": "2026-12-01T10:00:00Z",
        "run": {"runId": run},
        "job": {"namespace": "airflow", "name": "export_contacts"},
        "inputs": [{"namespace": "lake", "name": "raw.customers"}],
        "outputs": [{"namespace": "lake", "name": "export.contacts", "facets": {"columnLineage": {
            "fields": {"email": {"inputFields": [
                {"namespace": "lake", "name": "raw.customers", "field": "email"}]}}}}}]
    })
}

#[tokio::test]
async fn openlineage_events_are_taken_once_per_run() {
    let s = served(None).await;
    let event = run_event("0b3c6e52-run");
    let first = s
        .send(
            Method::POST,
            "/api/v1/lineage",
            Some(Role::Steward),
            Some(event.clone()),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["column_edges"], 1, "{}", first.body);
    let again = s
        .send(
            Method::POST,
            "/api/v1/lineage",
            Some(Role::Steward),
            Some(event),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let graph = s
        .send(
            Method::GET,
            "/api/v1/lineage/raw.customers.email?direction=down&depth=1",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_eq!(graph.status, 200, "{}", graph.body);
    let to_contacts = graph.body["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to"]["table"] == "export.contacts")
        .count();
    assert_eq!(to_contacts, 1, "sent twice, stored once: {}", graph.body);
    let not_an_event = s
        .send(
            Method::POST,
            "/api/v1/lineage",
            Some(Role::Steward),
            Some(json!("text")),
        )
        .await;
    assert_problem(&not_an_event, 422, "a string for an event");
    s.stop().await;
}

#[tokio::test]
async fn bad_requests_get_problem_documents_and_store_nothing() {
    let s = served(None).await;
    let users_before = s.steward.users().await.unwrap().len();
    let huge = format!(
        "{{\"name\": \"{}\", \"role\": \"viewer\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    for (body, content_type, status, what) in [
        (
            "{\"name\": ".to_string(),
            "application/json",
            400,
            "malformed JSON",
        ),
        (
            "{\"name\": 7, \"role\": \"viewer\"}".to_string(),
            "application/json",
            422,
            "a number for a name",
        ),
        (
            "{\"name\": \"x\", \"role\": \"overlord\"}".to_string(),
            "application/json",
            422,
            "an unknown role",
        ),
        ("name=x".to_string(), "text/plain", 415, "not JSON"),
        (huge, "application/json", 413, "a body over the limit"),
    ] {
        let response = s
            .client
            .post(format!("{}/api/v1/users", s.base))
            .bearer_auth(&s.admin)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_problem(&answer(response).await, status, what);
    }
    let short = s
        .send(
            Method::POST,
            "/api/v1/users",
            Some(Role::Admin),
            Some(json!({"name": "shorty", "role": "viewer", "password": "short"})),
        )
        .await;
    assert_problem(&short, 422, "a short password");
    assert_eq!(s.steward.users().await.unwrap().len(), users_before);

    for (method, path, status, what) in [
        (Method::GET, "/api/v1/nowhere", 404, "an unknown route"),
        (
            Method::PUT,
            "/api/v1/tables",
            405,
            "a method the route does not take",
        ),
        (
            Method::GET,
            "/api/v1/findings/not-a-number",
            400,
            "an id that is not a number",
        ),
        (
            Method::GET,
            "/api/v1/findings/999999",
            404,
            "an unknown finding",
        ),
        (
            Method::GET,
            "/api/v1/lineage/raw.customers?depth=99",
            422,
            "a depth out of range",
        ),
    ] {
        let answer = s.send(method, path, Some(Role::Admin), None).await;
        assert_problem(&answer, status, what);
    }
    s.stop().await;
}

#[tokio::test]
async fn tokens_and_sessions_end_when_revoked_or_logged_out() {
    let s = served(None).await;
    // A token made through the API works, and stops working once revoked.
    let made = s
        .send(
            Method::POST,
            "/api/v1/users/vera/tokens",
            Some(Role::Admin),
            Some(json!({"label": "notebook", "expires_days": 7})),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let token = made.body["token"].as_str().unwrap().to_string();
    let prefix = made.body["prefix"].as_str().unwrap().to_string();
    assert!(token.starts_with(&prefix));
    let me = |token: String| {
        let client = s.client.clone();
        let url = format!("{}/api/v1/auth/me", s.base);
        async move { answer(client.get(url).bearer_auth(token).send().await.unwrap()).await }
    };
    let before = me(token.clone()).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(before.body["user"], "vera");
    assert_eq!(before.body["role"], "viewer");
    let revoked = s
        .send(
            Method::DELETE,
            &format!("/api/v1/tokens/{prefix}"),
            Some(Role::Admin),
            None,
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert!(revoked.body.get("token").is_none(), "a secret in a listing");
    assert_problem(&me(token).await, 401, "a revoked token");
    assert_problem(&me("stw_nonsense".into()).await, 401, "an unknown token");

    // A browser session: login sets an HttpOnly, SameSite=Strict cookie.
    let login = |password: &str| {
        s.send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"user": "sam", "password": password})),
        )
    };
    let wrong = login("not the password").await;
    assert_problem(&wrong, 403, "a wrong password");
    let ok = login(PASSWORD).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["role"], "steward");
    let cookie = ok.set_cookie.expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let with_cookie = |method: Method, path: &str| {
        s.client
            .request(method, format!("{}{path}", s.base))
            .header("cookie", pair.clone())
    };
    let me = answer(
        with_cookie(Method::GET, "/api/v1/auth/me")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(me.body["user"], "sam", "{}", me.body);

    // A change another site makes the browser send is refused.
    let findings = s
        .send(Method::GET, "/api/v1/findings", Some(Role::Viewer), None)
        .await;
    let id = findings.body[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/findings/{id}/actions");
    let forged = answer(
        with_cookie(Method::POST, &path)
            .header("sec-fetch-site", "cross-site")
            .json(&json!({"action": "acknowledge", "reason": "forged"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_problem(&forged, 403, "a cross-site change");
    let own = answer(
        with_cookie(Method::POST, &path)
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"action": "acknowledge", "reason": "from the dashboard"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.body);

    let out = answer(
        with_cookie(Method::POST, "/api/v1/auth/logout")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(out.status, 200);
    let after = answer(
        with_cookie(Method::GET, "/api/v1/auth/me")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_problem(&after, 401, "a session after logout");

    // Failed logins are limited (3 a minute here): the right password is
    // refused too until the minute passes.
    for _ in 0..3 {
        login("guessing").await;
    }
    assert_problem(&login(PASSWORD).await, 429, "a login past the limit");
    s.stop().await;
}
