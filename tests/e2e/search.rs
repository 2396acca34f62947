//! Search through the binary: the index follows scans and decisions, finds
//! by words, typos and facets, and comes back when deleted.

use crate::harness::Workdir;

#[test]
fn the_catalog_is_searched_and_the_index_follows_it() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    w.run(&["demo-data", "warehouse"]).ok();
    w.run(&["source", "add", "lake", "warehouse/lake"]).ok();
    w.run(&["scan"]).ok();

    let emails = w.search_names(&["customer email", "--facet", "kind=column", "--limit", "3"]);
    assert!(
        emails.contains(&"raw.customers.email".to_string()),
        "{emails:?}"
    );
    // A typo in a table's name.
    let tables = w.search_names(&["custmers", "--facet", "kind=table", "--limit", "3"]);
    assert!(tables.contains(&"raw.customers".to_string()), "{tables:?}");
    // By sensitivity, in words.
    let ssn = w.search_names(&["social security numbers", "--limit", "3"]);
    assert!(ssn.iter().any(|n| n.starts_with("hr.employees")), "{ssn:?}");
    let labelled = w.search_names(&["--facet", "label=email_address", "--facet", "kind=column"]);
    assert!(
        labelled.contains(&"raw.customers.email".to_string()),
        "{labelled:?}"
    );

    // A steward's decision reaches the index without a rebuild.
    w.run(&["classify", "raw.support_tickets.notes", "--label", "PERSON"])
        .ok();
    let people = w.search_names(&[
        "--facet",
        "label=person",
        "--facet",
        "kind=column",
        "--limit",
        "50",
    ]);
    assert!(
        people.contains(&"raw.support_tickets.notes".to_string()),
        "{people:?}"
    );
    let sync = w.run(&["index", "sync", "--json"]).ok().json();
    assert_eq!(sync["added"], 0, "{sync}");
    assert_eq!(sync["updated"], 0, "already in step: {sync}");

    // The index is derived: deleted, it is rebuilt from the store.
    std::fs::remove_dir_all(w.join(".steward/search")).unwrap();
    let again = w.search_names(&["customer email", "--facet", "kind=column", "--limit", "3"]);
    assert_eq!(again, emails);
    let rebuilt = w.run(&["index", "rebuild"]).ok();
    assert!(
        rebuilt.stdout.starts_with("search index rebuilt:"),
        "{}",
        rebuilt.stdout
    );

    let human = w.run(&["search", "customers"]).ok();
    assert!(human.stdout.contains("raw.customers"), "{}", human.stdout);
    w.run(&["search"]).fails_with(2);
    w.run(&["search", "x", "--facet", "colour=red"])
        .fails_with(2);
    w.run(&["search", "x", "--facet", "nonsense"]).fails_with(2);
}
