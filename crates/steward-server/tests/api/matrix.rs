//! Every route × every role (and anonymous), with the exact status each
//! must get. The rows are checked against the served OpenAPI document both
//! ways: a route added without a row here fails the test, and so does a row
//! for a route that is gone.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};
use steward_types::Role;

use crate::{Served, assert_problem, served};

/// Anonymous, viewer, steward, admin.
const CALLERS: [Option<Role>; 4] = [
    None,
    Some(Role::Viewer),
    Some(Role::Steward),
    Some(Role::Admin),
];

/// One route: its method and path as the document names them, the request
/// each caller makes, and the status each must get (in `CALLERS` order).
struct Row {
    method: Method,
    route: &'static str,
    request: fn(&Fixtures, Option<Role>) -> (String, Option<Value>),
    expect: [u16; 4],
}

/// Things the requests name, made before the matrix runs.
struct Fixtures {
    /// One open finding per caller, so each may act on its own.
    findings: Vec<i64>,
    /// One live token prefix per caller to revoke.
    prefixes: Vec<String>,
    /// Policy ids, one per caller, so that checks by two callers can run
    /// side by side.
    policies: Vec<String>,
    /// One pending proposal per caller.
    proposals: Vec<i64>,
    /// The sample lake's URL, to register again under other names.
    lake: String,
    /// One queued job per caller to cancel.
    jobs: Vec<i64>,
    /// One schedule per caller to turn off and remove.
    schedules: Vec<String>,
}

fn index(role: Option<Role>) -> usize {
    CALLERS.iter().position(|c| *c == role).unwrap()
}

fn rows() -> Vec<Row> {
    let get = |route, path: fn(&Fixtures, Option<Role>) -> (String, Option<Value>), expect| Row {
        method: Method::GET,
        route,
        request: path,
        expect,
    };
    vec![
        get(
            "/healthz",
            |_, _| ("/healthz".into(), None),
            [200, 200, 200, 200],
        ),
        get(
            "/readyz",
            |_, _| ("/readyz".into(), None),
            [200, 200, 200, 200],
        ),
        get(
            "/metrics",
            |_, _| ("/metrics".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/auth/me",
            |_, _| ("/api/v1/auth/me".into(), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/auth/login",
            request: |_, _| {
                (
                    "/api/v1/auth/login".into(),
                    Some(json!({"user": "ada", "password": crate::PASSWORD})),
                )
            },
            expect: [200, 200, 200, 200],
        },
        Row {
            method: Method::POST,
            route: "/api/v1/auth/logout",
            request: |_, _| ("/api/v1/auth/logout".into(), None),
            expect: [200, 200, 200, 200],
        },
        get(
            "/api/v1/sources",
            |_, _| ("/api/v1/sources".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/tables",
            |_, _| ("/api/v1/tables".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/tables/{name}",
            |_, _| ("/api/v1/tables/raw.customers".into(), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::PATCH,
            route: "/api/v1/tables/{name}",
            request: |_, _| {
                (
                    "/api/v1/tables/raw.customers".into(),
                    Some(json!({"add_tags": ["matrix"]})),
                )
            },
            expect: [401, 403, 200, 200],
        },
        get(
            "/api/v1/search",
            |_, _| ("/api/v1/search?q=customer%20email&limit=5".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/sensitive",
            |_, _| ("/api/v1/sensitive?label=EMAIL_ADDRESS".into(), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/columns/{column}/decision",
            request: |_, _| {
                (
                    "/api/v1/columns/raw.customers.email/decision".into(),
                    Some(json!({"label": "EMAIL_ADDRESS", "reason": "matrix"})),
                )
            },
            expect: [401, 403, 200, 200],
        },
        get(
            "/api/v1/lineage/{asset}",
            |_, _| {
                (
                    "/api/v1/lineage/raw.customers?direction=down&depth=2".into(),
                    None,
                )
            },
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/lineage",
            request: |_, _| ("/api/v1/lineage".into(), Some(crate::run_event("matrix"))),
            expect: [401, 403, 200, 200],
        },
        get(
            "/api/v1/findings",
            |_, _| ("/api/v1/findings".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/findings/{id}",
            |f, _| (format!("/api/v1/findings/{}", f.findings[0]), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/findings/{id}/actions",
            request: |f, role| {
                (
                    format!("/api/v1/findings/{}/actions", f.findings[index(role)]),
                    Some(json!({"action": "acknowledge", "reason": "matrix"})),
                )
            },
            expect: [401, 403, 200, 200],
        },
        get(
            "/api/v1/users",
            |_, _| ("/api/v1/users".into(), None),
            [401, 403, 403, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/users",
            request: |_, role| {
                (
                    "/api/v1/users".into(),
                    Some(json!({
                        "name": format!("matrix-{}", index(role)),
                        "role": "viewer",
                        "password": "matrix password"
                    })),
                )
            },
            expect: [401, 403, 403, 201],
        },
        Row {
            method: Method::DELETE,
            route: "/api/v1/users/{name}",
            request: |_, _| ("/api/v1/users/matrix-3".into(), None),
            expect: [401, 403, 403, 200],
        },
        Row {
            method: Method::POST,
            route: "/api/v1/users/{name}/tokens",
            request: |_, _| {
                (
                    "/api/v1/users/vera/tokens".into(),
                    Some(json!({"label": "matrix"})),
                )
            },
            expect: [401, 403, 403, 201],
        },
        Row {
            method: Method::DELETE,
            route: "/api/v1/tokens/{prefix}",
            request: |f, role| (format!("/api/v1/tokens/{}", f.prefixes[index(role)]), None),
            expect: [401, 403, 403, 200],
        },
        Row {
            method: Method::POST,
            route: "/api/v1/sources",
            request: |f, role| {
                (
                    "/api/v1/sources".into(),
                    Some(json!({
                        "name": format!("matrix-{}", index(role)),
                        "url": f.lake,
                        "check": false
                    })),
                )
            },
            expect: [401, 403, 403, 201],
        },
        Row {
            method: Method::DELETE,
            route: "/api/v1/sources/{name}",
            request: |_, _| ("/api/v1/sources/matrix-3".into(), None),
            expect: [401, 403, 403, 200],
        },
        get(
            "/api/v1/lineage/{asset}/graphviz",
            |_, _| ("/api/v1/lineage/raw.customers/graphviz".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/impact/{asset}",
            |_, _| {
                (
                    "/api/v1/impact/raw.customers.email?change=retype".into(),
                    None,
                )
            },
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/findings/actions",
            request: |f, role| {
                (
                    "/api/v1/findings/actions".into(),
                    Some(
                        json!({"ids": [f.findings[index(role)]], "action": "reopen", "reason": "matrix"}),
                    ),
                )
            },
            expect: [401, 403, 200, 200],
        },
        get(
            "/api/v1/policies",
            |_, _| ("/api/v1/policies".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/policies/{id}",
            |f, _| (format!("/api/v1/policies/{}", f.policies[0]), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/policies/validate",
            request: |_, _| {
                (
                    "/api/v1/policies/validate".into(),
                    Some(json!({"name": "matrix.toml", "text": "id = \"matrix\""})),
                )
            },
            expect: [401, 403, 403, 200],
        },
        get(
            "/api/v1/cost",
            |_, _| ("/api/v1/cost".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/cost/history",
            |_, _| ("/api/v1/cost/history?limit=10".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/usage",
            |_, _| ("/api/v1/usage?table=raw.customers".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/proposals",
            |_, _| ("/api/v1/proposals".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/proposals/{id}",
            |f, _| (format!("/api/v1/proposals/{}", f.proposals[0]), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/proposals/{id}/decision",
            request: |f, role| {
                (
                    format!("/api/v1/proposals/{}/decision", f.proposals[index(role)]),
                    Some(json!({"decision": "reject", "reason": "matrix"})),
                )
            },
            expect: [401, 403, 200, 200],
        },
        get(
            "/api/v1/jobs",
            |_, _| ("/api/v1/jobs?status=queued&limit=10".into(), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/jobs",
            request: |_, _| ("/api/v1/jobs".into(), Some(json!({"kind": "noop"}))),
            expect: [401, 403, 403, 202],
        },
        get(
            "/api/v1/jobs/{id}",
            |f, _| (format!("/api/v1/jobs/{}", f.jobs[0]), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/jobs/{id}/cancel",
            request: |f, role| (format!("/api/v1/jobs/{}/cancel", f.jobs[index(role)]), None),
            expect: [401, 403, 403, 200],
        },
        get(
            "/api/v1/schedules",
            |_, _| ("/api/v1/schedules".into(), None),
            [401, 200, 200, 200],
        ),
        Row {
            method: Method::POST,
            route: "/api/v1/schedules",
            request: |_, _| {
                (
                    "/api/v1/schedules".into(),
                    Some(json!({"name": "matrix-new", "kind": "check", "cron": "0 2 * * *"})),
                )
            },
            expect: [401, 403, 403, 201],
        },
        Row {
            method: Method::PATCH,
            route: "/api/v1/schedules/{name}",
            request: |f, role| {
                (
                    format!("/api/v1/schedules/{}", f.schedules[index(role)]),
                    Some(json!({"enabled": false})),
                )
            },
            expect: [401, 403, 403, 200],
        },
        Row {
            method: Method::DELETE,
            route: "/api/v1/schedules/{name}",
            request: |f, role| {
                (
                    format!("/api/v1/schedules/{}", f.schedules[index(role)]),
                    None,
                )
            },
            expect: [401, 403, 403, 200],
        },
        Row {
            method: Method::POST,
            route: "/api/v1/ask",
            request: |_, _| {
                (
                    "/api/v1/ask".into(),
                    Some(json!({"question": "Who owns raw.customers?"})),
                )
            },
            // The matrix's server has no model: past the role check, 503.
            expect: [401, 503, 503, 503],
        },
        Row {
            method: Method::POST,
            route: "/api/v1/scans",
            request: |_, _| ("/api/v1/scans".into(), Some(json!({"source": "lake"}))),
            expect: [401, 403, 403, 202],
        },
        Row {
            method: Method::POST,
            route: "/api/v1/checks",
            request: |f, role| {
                (
                    "/api/v1/checks".into(),
                    Some(json!({"policies": [f.policies[index(role)]]})),
                )
            },
            expect: [401, 403, 202, 202],
        },
        Row {
            method: Method::POST,
            route: "/api/v1/ingests",
            request: |_, role| {
                (
                    "/api/v1/ingests".into(),
                    Some(json!({
                        "files": [{
                            "kind": "script",
                            "name": format!("matrix-{}.sql", index(role)),
                            "text": "CREATE TABLE mart.matrix AS SELECT id FROM raw.customers"
                        }],
                        "dialect": "duckdb"
                    })),
                )
            },
            expect: [401, 403, 202, 202],
        },
        get(
            "/api/v1/tasks",
            |_, _| ("/api/v1/tasks".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/tasks/{id}",
            |_, _| ("/api/v1/tasks/1".into(), None),
            [401, 200, 200, 200],
        ),
        get(
            "/api/v1/tasks/{id}/events",
            |_, _| ("/api/v1/tasks/1/events".into(), None),
            [401, 200, 200, 200],
        ),
    ]
}

/// The operations the served document lists, as (METHOD, path).
async fn documented(s: &Served) -> BTreeSet<(String, String)> {
    let document = s
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    let mut out = BTreeSet::new();
    for (path, item) in document.body["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let s = served(None).await;
    let rows = rows();
    let listed: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.route.to_string()))
        .collect();
    assert_eq!(
        documented(&s).await,
        listed,
        "the matrix and the served routes differ: add a row for each new route"
    );

    let findings = s
        .send(Method::GET, "/api/v1/findings", Some(Role::Viewer), None)
        .await;
    let findings: Vec<i64> = findings
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "open")
        .map(|f| f["id"].as_i64().unwrap())
        .take(4)
        .collect();
    assert_eq!(
        findings.len(),
        4,
        "the sample has at least four open findings"
    );
    let mut prefixes = Vec::new();
    for _ in CALLERS {
        let made = s
            .send(
                Method::POST,
                "/api/v1/users/sam/tokens",
                Some(Role::Admin),
                Some(json!({"label": "to revoke"})),
            )
            .await;
        prefixes.push(made.body["prefix"].as_str().unwrap().to_string());
    }
    let policies = s
        .send(Method::GET, "/api/v1/policies", Some(Role::Viewer), None)
        .await;
    let policies: Vec<String> = policies.body["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .take(4)
        .collect();
    assert_eq!(policies.len(), 4, "the built-ins are at least four");
    let tables = s.steward.tables(None).await.unwrap();
    let mut proposals = Vec::new();
    for table in tables.iter().take(4) {
        let made = s
            .steward
            .propose(&steward_service::ProposalRequest {
                table: table.table.qualified_name(),
                column: None,
                text: "A table of the sample.".into(),
                drafted_from: vec![table.table.qualified_name()],
                drafted_by: "matrix".into(),
            })
            .await
            .unwrap();
        proposals.push(made.proposal.id.get());
    }
    let lake = s.steward.source("lake").await.unwrap().url.clone();
    let mut jobs = Vec::new();
    let mut schedules = Vec::new();
    for n in 0..4 {
        let noop = steward_service::RunRequest {
            kind: steward_types::JobKind::Noop,
            params: Default::default(),
        };
        let queued = s.steward.run_now(&noop, "matrix").await.unwrap();
        jobs.push(queued[0].id.get());
        let name = format!("matrix-{n}");
        s.steward
            .add_schedule(&steward_service::ScheduleRequest {
                name: name.clone(),
                kind: steward_types::JobKind::Propagate,
                params: Default::default(),
                cron: "0 3 * * *".into(),
                timezone: None,
                missed: None,
                enabled: true,
            })
            .await
            .unwrap();
        schedules.push(name);
    }
    let fixtures = Fixtures {
        findings,
        prefixes,
        policies,
        proposals,
        lake,
        jobs,
        schedules,
    };

    let mut wrong = Vec::new();
    for row in &rows {
        for (caller, expected) in CALLERS.iter().zip(row.expect) {
            let (path, body) = (row.request)(&fixtures, *caller);
            let got = s.send(row.method.clone(), &path, *caller, body).await;
            if got.status.as_u16() != expected {
                wrong.push(format!(
                    "{} {path} as {caller:?}: {} (expected {expected}): {}",
                    row.method, got.status, got.body
                ));
            } else if expected >= 400 {
                assert_problem(
                    &got,
                    expected,
                    &format!("{} {path} as {caller:?}", row.method),
                );
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    s.stop().await;
}

/// Types of one name share one schema in the document, the later silently
/// replacing the earlier (tests/e2e/layering.rs keeps names unique): the
/// schemas whose names were once shared keep their own shapes.
#[tokio::test]
async fn schemas_of_one_name_are_one_type() {
    let s = served(None).await;
    let document = s
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    let schemas = &document.body["components"]["schemas"];
    // The error document is the server's, with its `type` and `status`.
    assert!(
        schemas["Problem"]["properties"]["status"].is_object(),
        "{}",
        schemas["Problem"]
    );
    // A policy's problem is its own schema, with its place in the file.
    assert!(
        schemas["PolicyProblem"]["properties"]["at"].is_object(),
        "{}",
        schemas["PolicyProblem"]
    );
    // A classification's verdict and a schema change's kind keep their values.
    let verdicts = schemas["Verdict"]["enum"].as_array().unwrap();
    assert!(verdicts.contains(&json!("suggested")), "{verdicts:?}");
    let changes = schemas["ChangeKind"]["enum"].as_array().unwrap();
    assert!(!changes.contains(&json!("drop")), "{changes:?}");
    s.stop().await;
}
