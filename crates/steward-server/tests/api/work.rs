//! The routes that do work: scans and checks as tasks with their progress
//! streamed, policies, cost, usage and proposals, impact and Graphviz, bulk
//! actions on findings, the audit of API changes, and questions answered by
//! the agents on the real test model.

use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use steward_service::ProposalRequest;
use steward_store::Filter;
use steward_types::{AuditEvent, Role};

use crate::{Served, assert_problem, backends, served, served_with};

/// The events of a server-sent event stream, as (event, id, data).
fn sse(text: &str) -> Vec<(String, Option<String>, Value)> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let (mut name, mut id, mut data) = (String::new(), None, String::new());
        for line in block.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("id:") {
                id = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
        if !name.is_empty() {
            out.push((name, id, serde_json::from_str(&data).unwrap_or(Value::Null)));
        }
    }
    out
}

impl Served {
    /// A stream read to its end, with its content type.
    async fn stream(
        &self,
        method: Method,
        path: &str,
        role: Role,
        body: Option<Value>,
        last_event: Option<&str>,
    ) -> (StatusCode, String, String) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(self.token(Some(role)).unwrap());
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(id) = last_event {
            request = request.header("last-event-id", id);
        }
        let response = tokio::time::timeout(Duration::from_secs(300), request.send())
            .await
            .expect("the stream starts")
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let text = tokio::time::timeout(Duration::from_secs(300), response.text())
            .await
            .expect("the stream ends")
            .unwrap();
        (status, content_type, text)
    }

    /// The metrics as Prometheus would scrape them.
    async fn metrics(&self) -> String {
        self.client
            .get(format!("{}/metrics", self.base))
            .bearer_auth(&self.viewer)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Polls a task until it is no longer running.
    async fn finished(&self, id: i64) -> Value {
        for _ in 0..600 {
            let task = self
                .send(
                    Method::GET,
                    &format!("/api/v1/tasks/{id}"),
                    Some(Role::Viewer),
                    None,
                )
                .await;
            assert_eq!(task.status, 200, "{}", task.body);
            if task.body["status"] != "running" {
                return task.body;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("task {id} still running after a minute");
    }
}

#[tokio::test]
async fn scans_and_checks_run_as_tasks_with_their_progress_streamed() {
    for pg in backends() {
        let s = served(pg.as_deref()).await;
        let started = s
            .send(
                Method::POST,
                "/api/v1/scans",
                Some(Role::Admin),
                Some(json!({"source": "lake"})),
            )
            .await;
        assert_eq!(started.status, 202, "{}", started.body);
        assert_eq!(started.body["kind"], "scan");
        assert_eq!(started.body["started_by"], "ada");
        let id = started.body["id"].as_i64().unwrap();

        // The stream replays what happened and ends with the task's end.
        let (status, content_type, text) = s
            .stream(
                Method::GET,
                &format!("/api/v1/tasks/{id}/events"),
                Role::Viewer,
                None,
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        let events = sse(&text);
        let (last, rest) = events.split_last().unwrap();
        assert_eq!(last.0, "done", "{text}");
        assert_eq!(last.2["status"], "succeeded", "{text}");
        assert_eq!(last.2["result"]["sources"][0]["source"], "lake", "{text}");
        assert!(
            last.2["result"]["sources"][0]["scanned"].as_i64().unwrap() > 0,
            "{text}"
        );
        assert!(rest.iter().all(|e| e.0 == "progress"), "{text}");
        assert!(
            rest.iter()
                .any(|e| e.2["event"] == "table" && e.2["source"] == "lake"),
            "{text}"
        );
        assert_eq!(rest.first().unwrap().1.as_deref(), Some("0"));
        // A client that reconnects gets only what it missed.
        let (_, _, again) = s
            .stream(
                Method::GET,
                &format!("/api/v1/tasks/{id}/events"),
                Role::Viewer,
                None,
                Some("0"),
            )
            .await;
        let again = sse(&again);
        assert_eq!(again.len(), events.len() - 1);
        assert_eq!(again[0].1.as_deref(), Some("1"));

        // An unknown source is refused at once; stewards may not scan.
        let unknown = s
            .send(
                Method::POST,
                "/api/v1/scans",
                Some(Role::Admin),
                Some(json!({"source": "nope"})),
            )
            .await;
        assert_problem(&unknown, 404, "scan of an unknown source");
        let steward = s
            .send(
                Method::POST,
                "/api/v1/scans",
                Some(Role::Steward),
                Some(json!({})),
            )
            .await;
        assert_problem(&steward, 403, "a steward's scan");

        // A check, by a steward, of one policy.
        let policies = s
            .send(Method::GET, "/api/v1/policies", Some(Role::Viewer), None)
            .await;
        let policy = policies.body["policies"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let started = s
            .send(
                Method::POST,
                "/api/v1/checks",
                Some(Role::Steward),
                Some(json!({"policies": [policy]})),
            )
            .await;
        assert_eq!(started.status, 202, "{}", started.body);
        let done = s.finished(started.body["id"].as_i64().unwrap()).await;
        assert_eq!(done["status"], "succeeded", "{done}");
        let runs = done["result"]["policies"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "{done}");
        assert_eq!(runs[0]["id"], policy.as_str());
        let unknown = s
            .send(
                Method::POST,
                "/api/v1/checks",
                Some(Role::Steward),
                Some(json!({"policies": ["no-such-policy"]})),
            )
            .await;
        assert_problem(&unknown, 404, "a check of an unknown policy");
        let listed = s
            .send(Method::GET, "/api/v1/tasks", Some(Role::Viewer), None)
            .await;
        assert_eq!(listed.body.as_array().unwrap().len(), 2, "{}", listed.body);
        let metrics = s.metrics().await;
        for line in [
            "steward_tasks_started_total{kind=\"scan\"} 1",
            "steward_tasks_ended_total{kind=\"scan\",status=\"succeeded\"} 1",
            "steward_tasks_ended_total{kind=\"check\",status=\"succeeded\"} 1",
            "steward_tasks_running{kind=\"scan\"} 0",
        ] {
            assert!(metrics.contains(line), "{line} not in {metrics}");
        }
        let missing = s
            .send(
                Method::GET,
                "/api/v1/tasks/999/events",
                Some(Role::Viewer),
                None,
            )
            .await;
        assert_problem(&missing, 404, "events of no task");
        s.stop().await;
    }
}

#[tokio::test]
async fn an_uploaded_dbt_catalog_types_the_models_uploaded_with_it() {
    let s = served(None).await;
    let manifest = json!({"nodes": {"model.shop.vip": {
        "resource_type": "model", "database": "wh", "schema": "mart", "name": "vip",
        "compiled_code": "select email, country from raw.customers",
        "config": {"materialized": "table"}}}})
    .to_string();
    let catalog = json!({"nodes": {"model.shop.vip": {
        "metadata": {"type": "BASE TABLE", "database": "WH", "schema": "MART", "name": "VIP"},
        "columns": {"EMAIL": {"type": "VARCHAR(320)", "index": 1, "name": "EMAIL"},
                    "COUNTRY": {"type": "CHAR(2)", "index": 2, "name": "COUNTRY"}}}}})
    .to_string();
    let upload = |files: Value| json!({"files": files, "dialect": "snowflake"});
    let started = s
        .send(
            Method::POST,
            "/api/v1/ingests",
            Some(Role::Steward),
            Some(upload(json!([
                {"kind": "dbt_manifest", "name": "target/manifest.json", "text": manifest},
                {"kind": "dbt_catalog", "name": "target/catalog.json", "text": catalog}
            ]))),
        )
        .await;
    assert_eq!(started.status, 202, "{}", started.body);
    let done = s.finished(started.body["id"].as_i64().unwrap()).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["result"]["assets"]["typed"], 1, "{done}");
    // A catalog without the models it describes: the task fails and says why.
    let started = s
        .send(
            Method::POST,
            "/api/v1/ingests",
            Some(Role::Steward),
            Some(upload(json!([
                {"kind": "dbt_catalog", "name": "target/catalog.json", "text": catalog}
            ]))),
        )
        .await;
    assert_eq!(started.status, 202, "{}", started.body);
    let done = s.finished(started.body["id"].as_i64().unwrap()).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert!(
        done["error"]
            .as_str()
            .is_some_and(|e| e.contains("give it with the dbt manifest")),
        "{done}"
    );
    s.stop().await;
}

#[tokio::test]
async fn uploaded_sql_and_query_logs_become_lineage_in_a_task() {
    let s = served(None).await;
    let log = r#"{"query_id": "q-upload-1", "user": "ana", "sql": "INSERT INTO mart.ana_report SELECT c.email FROM raw.customers c", "executed_at": "2026-11-30T10:00:00Z"}"#;
    let started = s
        .send(
            Method::POST,
            "/api/v1/ingests",
            Some(Role::Steward),
            Some(json!({
                "files": [
                    {"kind": "query_log", "name": "uploaded.jsonl", "text": log, "format": "jsonl"},
                    {"kind": "script", "name": "vip.sql",
                     "text": "CREATE TABLE mart.vip AS SELECT email, country FROM raw.customers WHERE country = 'DE'"}
                ],
                "dialect": "duckdb"
            })),
        )
        .await;
    assert_eq!(started.status, 202, "{}", started.body);
    assert_eq!(started.body["kind"], "ingest");
    let done = s.finished(started.body["id"].as_i64().unwrap()).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let graph = s
        .send(
            Method::GET,
            "/api/v1/lineage/raw.customers.email?direction=down&depth=1",
            Some(Role::Viewer),
            None,
        )
        .await;
    let nodes = graph.body["nodes"].as_object().unwrap();
    assert!(nodes.contains_key("mart.vip.email"), "{}", graph.body);
    assert!(
        nodes.contains_key("mart.ana_report.email"),
        "{}",
        graph.body
    );
    // The logged query is usage now.
    let usage = s
        .send(
            Method::GET,
            "/api/v1/usage?table=raw.customers",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert!(
        usage
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["query_id"] == "q-upload-1"),
        "{}",
        usage.body
    );
    // A format nobody knows is refused at once, naming the file.
    let wrong = s
        .send(
            Method::POST,
            "/api/v1/ingests",
            Some(Role::Steward),
            Some(json!({"files": [{"kind": "query_log", "name": "x.log", "text": "", "format": "oracle-audit"}]})),
        )
        .await;
    assert_problem(&wrong, 422, "an unknown log format");
    assert!(
        wrong.body["detail"].as_str().unwrap().contains("x.log"),
        "{}",
        wrong.body
    );
    let viewer = s
        .send(
            Method::POST,
            "/api/v1/ingests",
            Some(Role::Viewer),
            Some(json!({"files": []})),
        )
        .await;
    assert_problem(&viewer, 403, "a viewer's upload");
    s.stop().await;
}

#[tokio::test]
async fn policies_cost_usage_and_proposals_are_served() {
    let s = served(None).await;
    let policies = s
        .send(Method::GET, "/api/v1/policies", Some(Role::Viewer), None)
        .await;
    assert_eq!(policies.status, 200, "{}", policies.body);
    let first = &policies.body["policies"][0];
    assert!(!first["check"].as_str().unwrap().is_empty(), "{first}");
    let id = first["id"].as_str().unwrap();
    let one = s
        .send(
            Method::GET,
            &format!("/api/v1/policies/{id}"),
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_eq!(one.body["id"], id);
    let missing = s
        .send(
            Method::GET,
            "/api/v1/policies/nope",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_problem(&missing, 404, "an unknown policy");

    // A policy file checked before it is deployed: problems at their place.
    let good = "id = \"tables-without-owner\"\ntitle = \"Tables need an owner\"\n\
                severity = \"low\"\ndescription = \"Every table has an owner.\"\n\
                remediation = \"Set one.\"\n\
                check = \"SELECT qualified_name AS asset, 'no owner' AS message FROM steward.tables WHERE owner IS NULL\"\n";
    let valid = s
        .send(
            Method::POST,
            "/api/v1/policies/validate",
            Some(Role::Admin),
            Some(json!({"name": "owners.toml", "text": good})),
        )
        .await;
    assert_eq!(valid.status, 200, "{}", valid.body);
    assert_eq!(valid.body["policies"], 1, "{}", valid.body);
    assert_eq!(valid.body["problems"], json!([]), "{}", valid.body);
    let bad = good.replace("FROM steward.tables", "FROM steward.tabels");
    let invalid = s
        .send(
            Method::POST,
            "/api/v1/policies/validate",
            Some(Role::Admin),
            Some(json!({"name": "owners.toml", "text": bad})),
        )
        .await;
    assert_eq!(invalid.status, 200, "{}", invalid.body);
    let problem = &invalid.body["problems"][0];
    assert_eq!(problem["origin"], "owners.toml", "{}", invalid.body);
    assert!(
        problem["message"].as_str().unwrap().contains("tabels"),
        "{problem}"
    );
    assert_eq!(problem["at"]["line"], 6, "{problem}");
    let named = s
        .send(
            Method::POST,
            "/api/v1/policies/validate",
            Some(Role::Admin),
            Some(json!({"name": "../etc/x", "text": good})),
        )
        .await;
    assert_problem(&named, 422, "a policy file name with a path");

    let cost = s
        .send(Method::GET, "/api/v1/cost", Some(Role::Viewer), None)
        .await;
    assert_eq!(cost.status, 200, "{}", cost.body);
    assert!(
        cost.body["totals"]["queries"].as_i64().unwrap() > 0,
        "{}",
        cost.body
    );
    assert!(!cost.body["tables"].as_array().unwrap().is_empty());
    let usage = s
        .send(
            Method::GET,
            "/api/v1/usage?limit=3",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_eq!(usage.status, 200, "{}", usage.body);
    assert_eq!(usage.body.as_array().unwrap().len(), 3, "{}", usage.body);
    let zero = s
        .send(
            Method::GET,
            "/api/v1/usage?limit=0",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_problem(&zero, 422, "a usage limit of 0");

    // A drafted description, approved by a steward, is the table's.
    let proposal = s
        .steward
        .propose(&ProposalRequest {
            table: "raw.customers".into(),
            column: None,
            text: "One row per customer who ever ordered.".into(),
            drafted_from: vec!["raw.customers".into()],
            drafted_by: "test".into(),
        })
        .await
        .unwrap();
    let pending = s
        .send(
            Method::GET,
            "/api/v1/proposals?status=pending",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_eq!(
        pending.body.as_array().unwrap().len(),
        1,
        "{}",
        pending.body
    );
    let path = format!("/api/v1/proposals/{}/decision", proposal.proposal.id.get());
    let by_viewer = s
        .send(
            Method::POST,
            &path,
            Some(Role::Viewer),
            Some(json!({"decision": "approve"})),
        )
        .await;
    assert_problem(&by_viewer, 403, "a viewer's approval");
    let approved = s
        .send(
            Method::POST,
            &path,
            Some(Role::Steward),
            Some(json!({"decision": "approve", "reason": "checked"})),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["status"], "approved", "{}", approved.body);
    let table = s
        .send(
            Method::GET,
            "/api/v1/tables/raw.customers",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_eq!(
        table.body["table"]["description"], "One row per customer who ever ordered.",
        "{}",
        table.body
    );
    let twice = s
        .send(
            Method::POST,
            &path,
            Some(Role::Steward),
            Some(json!({"decision": "reject", "reason": "too late"})),
        )
        .await;
    assert_problem(&twice, 409, "a decision on a decided proposal");
    s.stop().await;
}

#[tokio::test]
async fn impact_graphviz_bulk_actions_and_the_audit_of_changes() {
    let s = served(None).await;
    let impact = s
        .send(
            Method::GET,
            "/api/v1/impact/raw.customers.email?change=drop",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_eq!(impact.status, 200, "{}", impact.body);
    let assets = impact.body["assets"].as_array().unwrap();
    assert!(!assets.is_empty(), "{}", impact.body);
    assert!(
        assets.iter().all(|a| a["effect"] == "breaks"),
        "{}",
        impact.body
    );
    let no_change = s
        .send(
            Method::GET,
            "/api/v1/impact/raw.customers.email",
            Some(Role::Viewer),
            None,
        )
        .await;
    assert_problem(&no_change, 400, "an impact without a change");

    let response = s
        .client
        .get(format!(
            "{}/api/v1/lineage/raw.customers/graphviz?direction=down",
            s.base
        ))
        .bearer_auth(&s.viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/vnd.graphviz")
    );
    let dot = response.text().await.unwrap();
    assert!(dot.starts_with("digraph lineage {"), "{dot}");
    assert!(dot.contains("\"raw.customers"), "{dot}");

    // One bulk action: each finding takes it or says why not.
    let findings = s
        .send(Method::GET, "/api/v1/findings", Some(Role::Viewer), None)
        .await;
    let open: Vec<i64> = findings
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "open")
        .map(|f| f["id"].as_i64().unwrap())
        .take(2)
        .collect();
    let bulk = s
        .send(
            Method::POST,
            "/api/v1/findings/actions",
            Some(Role::Steward),
            Some(
                json!({"ids": [open[0], open[1], 999_999], "action": "waive",
                        "reason": "known; fixed next sprint", "until": "2099-01-31"}),
            ),
        )
        .await;
    assert_eq!(bulk.status, 200, "{}", bulk.body);
    let outcomes = bulk.body.as_array().unwrap();
    assert_eq!(outcomes[0]["finding"]["status"], "waived", "{}", bulk.body);
    assert_eq!(outcomes[1]["finding"]["status"], "waived", "{}", bulk.body);
    assert_eq!(outcomes[2]["error"]["kind"], "not_found", "{}", bulk.body);
    assert!(outcomes[2]["finding"].is_null());
    let none = s
        .send(
            Method::POST,
            "/api/v1/findings/actions",
            Some(Role::Steward),
            Some(json!({"ids": [], "action": "acknowledge", "reason": "x"})),
        )
        .await;
    assert_problem(&none, 422, "a bulk action on no findings");

    // Each change through the API is in the audit trail: who, what, where
    // from; a refused one is not.
    let mut session = s.steward.store().begin().await.unwrap();
    let events = session.list::<AuditEvent>(&Filter::all()).await.unwrap();
    let api: Vec<_> = events
        .iter()
        .filter(|e| e.action.starts_with("api."))
        .collect();
    assert_eq!(api.len(), 1, "{api:#?}");
    assert_eq!(api[0].actor, "sam");
    assert_eq!(api[0].action, "api.post /api/v1/findings/actions");
    assert_eq!(api[0].target, "/api/v1/findings/actions");
    assert_eq!(
        api[0].details["client"], "127.0.0.1",
        "{:?}",
        api[0].details
    );
    assert_eq!(api[0].details["status"], 200);
    assert!(
        api[0].details["request_id"]
            .as_str()
            .unwrap()
            .starts_with("req-")
    );
    drop(session);
    s.stop().await;
}

#[tokio::test]
async fn questions_are_answered_as_a_stream_on_the_real_model() {
    let Some(path) = steward_llm::test_model_path() else {
        return;
    };
    let settings = steward_llm::Settings {
        threads: 1,
        context: 4096,
        batch: 256,
        sequences: 1,
        queue: 4,
        shared_cache: true,
    };
    let model: Arc<dyn steward_llm::LanguageModel> =
        Arc::new(steward_llm::Llm::load(&path, &settings).unwrap());
    let s = served_with(None, Some(model)).await;
    let (status, content_type, text) = s
        .stream(
            Method::POST,
            "/api/v1/ask",
            Role::Viewer,
            Some(json!({"question": "Which columns of raw.customers are sensitive?"})),
            None,
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    let events = sse(&text);
    let names: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names.first(), Some(&"routed"), "{text}");
    assert!(names.contains(&"tool"), "{text}");
    assert!(names.contains(&"drafting"), "{text}");
    let (last, answer) = (events.last().unwrap().0.as_str(), &events.last().unwrap().2);
    assert_eq!(last, "answer", "{text}");
    assert_eq!(
        answer["question"],
        "Which columns of raw.customers are sensitive?"
    );
    assert!(
        answer["answer"].as_str().is_some_and(|a| !a.is_empty()),
        "{answer}"
    );
    // Whatever the small model wrote, what it cites exists in the catalog.
    for cited in answer["citations"].as_array().unwrap() {
        let cited = cited.as_str().unwrap();
        let table: Vec<&str> = cited.split('.').take(2).collect();
        let found = s
            .send(
                Method::GET,
                &format!("/api/v1/tables/{}", table.join(".")),
                Some(Role::Viewer),
                None,
            )
            .await;
        assert_eq!(found.status, 200, "cited {cited}: {}", found.body);
    }
    // The model's work shows in the metrics, its queue empty again.
    let metrics = s.metrics().await;
    let generated = metrics
        .lines()
        .find_map(|l| l.strip_prefix("steward_llm_generated_tokens_total "))
        .unwrap_or_else(|| panic!("no generated tokens in {metrics}"));
    assert!(generated.parse::<u64>().unwrap() > 0, "{metrics}");
    assert!(metrics.contains("steward_llm_queue_depth 0"), "{metrics}");
    assert!(
        metrics.contains("steward_llm_tokens_per_second "),
        "{metrics}"
    );

    let empty = s
        .send(
            Method::POST,
            "/api/v1/ask",
            Some(Role::Viewer),
            Some(json!({"question": "  "})),
        )
        .await;
    assert_problem(&empty, 422, "an empty question");
    let anonymous = s
        .send(
            Method::POST,
            "/api/v1/ask",
            None,
            Some(json!({"question": "hi"})),
        )
        .await;
    assert_problem(&anonymous, 401, "an anonymous question");
    s.stop().await;
}

#[tokio::test]
async fn without_a_model_questions_are_unavailable() {
    let s = served(None).await;
    let answer = s
        .send(
            Method::POST,
            "/api/v1/ask",
            Some(Role::Viewer),
            Some(json!({"question": "Where are emails kept?"})),
        )
        .await;
    assert_problem(&answer, 503, "a question with no model");
    assert!(
        answer.body["detail"].as_str().unwrap().contains("model"),
        "{}",
        answer.body
    );
    s.stop().await;
}
