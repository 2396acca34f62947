//! The index through its API: exact names first, typos forgiven, facets,
//! incremental sync, and an index that is deleted or corrupt rebuilt.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use steward_search::{CatalogDoc, DocKind, SearchIndex};

fn table(name: &str, description: &str, columns: &[&str]) -> CatalogDoc {
    CatalogDoc {
        id: format!("table:{name}"),
        kind: Some(DocKind::Table),
        name: name.to_string(),
        source: Some("lake".into()),
        schema: name.split('.').next().map(str::to_string),
        description: (!description.is_empty()).then(|| description.to_string()),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ..CatalogDoc::default()
    }
}

fn column(table: &str, name: &str, data_type: &str, labels: &[&str], comment: &str) -> CatalogDoc {
    CatalogDoc {
        id: format!("column:{table}.{name}"),
        kind: Some(DocKind::Column),
        name: format!("{table}.{name}"),
        source: Some("lake".into()),
        schema: table.split('.').next().map(str::to_string),
        table: Some(table.to_string()),
        data_type: Some(data_type.to_string()),
        description: (!comment.is_empty()).then(|| comment.to_string()),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        ..CatalogDoc::default()
    }
}

fn catalog() -> Vec<CatalogDoc> {
    vec![
        table(
            "raw.customers",
            "Every customer who signed up, one row each",
            &["id", "email", "full_name", "birth_date"],
        ),
        table(
            "raw.customers_archive",
            "Customers deleted before 2020",
            &["id"],
        ),
        table(
            "mart.customer_360",
            "One wide row per customer for marketing",
            &["email", "lifetime_value"],
        ),
        table(
            "raw.orders",
            "Orders as the shop wrote them",
            &["id", "customer_id", "amount"],
        ),
        column(
            "raw.customers",
            "email",
            "VARCHAR",
            &["EMAIL_ADDRESS"],
            "Contact address",
        ),
        column("raw.customers", "full_name", "VARCHAR", &["PERSON"], ""),
        column(
            "raw.customers",
            "birth_date",
            "DATE",
            &["DATE_OF_BIRTH"],
            "",
        ),
        column(
            "mart.customer_360",
            "email",
            "VARCHAR",
            &["EMAIL_ADDRESS derived"],
            "",
        ),
        column(
            "raw.orders",
            "amount",
            "DECIMAL(10,2)",
            &[],
            "Order total in euros, tax included",
        ),
        column("raw.orders", "customerId", "BIGINT", &[], ""),
    ]
}

fn filled() -> SearchIndex {
    let mut index = SearchIndex::in_memory(1).unwrap();
    index.sync(&catalog()).unwrap();
    index
}

fn names(index: &SearchIndex, query: &str, filters: &[(&str, &str)], limit: usize) -> Vec<String> {
    let filters: Vec<(String, String)> = filters
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    index
        .search(query, &filters, limit)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.name)
        .collect()
}

#[test]
fn exact_names_rank_first() {
    let index = filled();
    assert_eq!(names(&index, "raw.customers", &[], 1), ["raw.customers"]);
    assert_eq!(names(&index, "customers", &[], 1), ["raw.customers"]);
    assert_eq!(
        names(&index, "RAW.ORDERS.AMOUNT", &[], 1),
        ["raw.orders.amount"]
    );
    // A camelCase name is found by its words.
    assert_eq!(
        names(&index, "customer id", &[("kind", "column")], 1),
        ["raw.orders.customerId"]
    );
}

#[test]
fn prose_finds_names_and_descriptions() {
    let index = filled();
    let hits = names(&index, "where do we keep customer emails?", &[], 3);
    assert!(
        hits.contains(&"raw.customers.email".to_string()),
        "{hits:?}"
    );
    let hits = names(&index, "order totals in euros", &[], 2);
    assert_eq!(hits[0], "raw.orders.amount", "{hits:?}");
    let results = index.search("euros", &[], 5).unwrap();
    let hit = &results.hits[0];
    let marked: Vec<&str> = hit
        .highlights
        .iter()
        .map(|r| &hit.snippet[r.clone()])
        .collect();
    assert_eq!(marked, ["euros"], "{hit:?}");
}

#[test]
fn typos_are_forgiven() {
    let index = filled();
    // `custmer` is one edit from `customer`, `emial` one transposition from `email`.
    let mut hits = names(&index, "custmer emial", &[("kind", "column")], 2);
    hits.sort();
    assert_eq!(hits, ["mart.customer_360.email", "raw.customers.email"]);
    assert_eq!(
        names(&index, "birth_dat", &[], 1),
        ["raw.customers.birth_date"]
    );
    assert!(
        names(&index, "zzzzqqq", &[], 5).is_empty(),
        "nothing near it"
    );
}

#[test]
fn facets_narrow_and_count() {
    let index = filled();
    let columns = names(&index, "customers", &[("kind", "column")], 10);
    assert!(!columns.is_empty());
    assert!(
        columns.iter().all(|n| n.matches('.').count() == 2),
        "{columns:?}"
    );
    let mut emails = names(&index, "", &[("label", "email_address")], 10);
    emails.sort();
    assert_eq!(emails, ["mart.customer_360.email", "raw.customers.email"]);
    let results = index.search("customers", &[], 10).unwrap();
    let kinds = &results.facets["kind"];
    assert!(
        kinds.iter().any(|(k, n)| k == "table" && *n >= 2),
        "{kinds:?}"
    );
    let err = index
        .search("x", &[("colour".into(), "red".into())], 5)
        .unwrap_err();
    assert!(err.to_string().contains("unknown facet `colour`"), "{err}");
}

#[test]
fn sync_rewrites_only_what_changed() {
    let mut index = filled();
    let mut docs = catalog();
    docs[0].description = Some("Customers who opted in".into());
    let removed = docs.pop().unwrap();
    docs.push(column(
        "raw.orders",
        "currency",
        "VARCHAR",
        &[],
        "ISO 4217 code",
    ));
    let report = index.sync(&docs).unwrap();
    assert_eq!(
        (
            report.added,
            report.updated,
            report.removed,
            report.unchanged
        ),
        (1, 1, 1, docs.len() - 2)
    );
    assert_eq!(index.num_docs() as usize, docs.len());
    assert!(
        names(&index, &removed.name, &[], 5)
            .iter()
            .all(|n| *n != removed.name)
    );
    assert_eq!(names(&index, "opted in", &[], 1), ["raw.customers"]);
    let again = index.sync(&docs).unwrap();
    assert_eq!(again.unchanged, docs.len(), "nothing to do the second time");
}

#[test]
fn an_updated_index_reopens_without_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let mut docs = catalog();
    SearchIndex::open(&path, 1).unwrap().sync(&docs).unwrap();
    docs[1].description = Some("changed".into());
    let report = SearchIndex::open(&path, 1).unwrap().sync(&docs).unwrap();
    assert_eq!(report.updated, 1);
    let reopened = SearchIndex::open(&path, 1).unwrap();
    assert!(
        !reopened.needs_rebuild(),
        "deleted documents are not another version"
    );
}

#[test]
fn a_deleted_or_corrupt_index_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let mut index = SearchIndex::open(&path, 1).unwrap();
        assert!(index.needs_rebuild(), "a new index is empty");
        let report = index.sync(&catalog()).unwrap();
        assert!(report.rebuilt);
    }
    {
        let index = SearchIndex::open(&path, 1).unwrap();
        assert!(!index.needs_rebuild());
        assert_eq!(index.num_docs() as usize, catalog().len());
    }
    std::fs::write(path.join("meta.json"), b"{ not json").unwrap();
    {
        let mut index = SearchIndex::open(&path, 1).unwrap();
        assert!(index.needs_rebuild(), "a corrupt index starts again");
        index.sync(&catalog()).unwrap();
        assert_eq!(names(&index, "customers", &[], 1), ["raw.customers"]);
    }
    std::fs::remove_dir_all(&path).unwrap();
    let index = SearchIndex::open(&path, 1).unwrap();
    assert!(index.needs_rebuild(), "a deleted index starts again");
}

#[test]
fn indexes_made_at_the_same_time_end_as_one() {
    // First scans started together each find no index and make one: none may
    // remove another's, and the index ends whole.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    let docs = catalog();
    std::thread::scope(|scope| {
        let openers: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| SearchIndex::open(&path, 1).and_then(|mut i| i.sync(&docs))))
            .collect();
        for opener in openers {
            opener.join().unwrap().unwrap();
        }
    });
    let index = SearchIndex::open(&path, 1).unwrap();
    assert!(!index.needs_rebuild());
    assert_eq!(index.num_docs() as usize, docs.len());
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["search"], "nothing made beside it is left");
}

#[test]
fn retrieval_gives_passages_tied_to_assets() {
    let index = filled();
    let passages = index
        .retrieve("which columns hold dates of birth?", 3, &[])
        .unwrap();
    assert_eq!(passages[0].asset_id, "column:raw.customers.birth_date");
    assert!(
        passages[0].text.contains("DATE_OF_BIRTH"),
        "{}",
        passages[0].text
    );
    assert!(
        passages[0]
            .text
            .starts_with("column raw.customers.birth_date (DATE)")
    );
}

#[test]
fn retrieval_can_be_narrowed_to_kinds_of_documents() {
    let mut docs = catalog();
    docs.push(CatalogDoc {
        id: "policy:sensitive-without-owner".into(),
        kind: Some(DocKind::Policy),
        name: "sensitive-without-owner".into(),
        description: Some(
            "Customers' dates of birth and other personal data in a table nobody owns".into(),
        ),
        ..CatalogDoc::default()
    });
    let mut index = SearchIndex::in_memory(1).unwrap();
    index.sync(&docs).unwrap();
    let question = "which columns hold dates of birth?";
    let all: Vec<String> = index
        .retrieve(question, 10, &[])
        .unwrap()
        .into_iter()
        .map(|p| p.asset_id)
        .collect();
    assert!(
        all.contains(&"policy:sensitive-without-owner".to_string()),
        "{all:?}"
    );
    let assets: Vec<String> = index
        .retrieve(question, 10, &[DocKind::Table, DocKind::Column])
        .unwrap()
        .into_iter()
        .map(|p| p.asset_id)
        .collect();
    assert_eq!(assets[0], "column:raw.customers.birth_date");
    assert!(
        assets
            .iter()
            .all(|id| id.starts_with("table:") || id.starts_with("column:")),
        "{assets:?}"
    );
    let governance: Vec<String> = index
        .retrieve(question, 10, &[DocKind::Policy, DocKind::Finding])
        .unwrap()
        .into_iter()
        .map(|p| p.asset_id)
        .collect();
    assert_eq!(governance, ["policy:sensitive-without-owner"]);
}
