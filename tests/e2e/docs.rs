//! `steward docs draft` with the real small test model, and a steward's
//! decisions with `steward proposals`: drafts are pending until approved,
//! approving writes the description, and every decision is final.

use crate::harness::Workdir;

#[test]
fn drafts_are_proposals_until_a_steward_approves_them() {
    let Some(model) = steward_llm::test_model_path() else {
        return;
    };
    let model = model.display().to_string();
    let w = Workdir::scanned_sample();
    let before = w.run(&["show", "raw.orders", "--json"]).ok().json();
    let drafted = w
        .run(&[
            "docs",
            "draft",
            "raw.orders",
            "--model",
            &model,
            "--threads",
            "1",
            "--json",
        ])
        .ok()
        .json();
    let drafts = drafted.as_array().unwrap();
    assert_eq!(drafts.len(), 1, "{drafted}");
    assert_eq!(drafts[0]["table"], "raw.orders");
    let made = drafts[0]["proposals"].as_array().unwrap();
    let skipped = drafts[0]["skipped"].as_array().unwrap();
    // Every column and the table were either drafted or skipped with a reason.
    let columns = w.run(&["show", "raw.orders", "--json"]).ok().json()["columns"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(made.len() + skipped.len(), columns + 1, "{drafted}");
    for p in made {
        assert_eq!(p["status"], "pending", "{p}");
        assert!(
            p["drafted_by"].as_str().unwrap().starts_with("agent:docs"),
            "{p}"
        );
        assert!(
            p["drafted_from"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "describe raw.orders"),
            "{p}"
        );
    }
    // Nothing was applied.
    let shown = w.run(&["show", "raw.orders", "--json"]).ok().json();
    assert_eq!(
        shown["table"]["description"],
        before["table"]["description"]
    );
    assert_eq!(shown["columns"], before["columns"]);
    let listed = w.run(&["proposals", "--json"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), made.len());

    let Some(first) = made.first() else {
        return;
    };
    let id = first["id"].as_i64().unwrap().to_string();
    w.run(&["proposals", "approve", &id, "--by", "ana", "--json"])
        .ok();
    let text = first["text"].as_str().unwrap();
    let after = w.run(&["show", "raw.orders", "--json"]).ok().json();
    let written = match first["column"].as_str() {
        None => after["table"]["description"].as_str().map(str::to_string),
        Some(column) => after["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == column)
            .and_then(|c| c["description"].as_str())
            .map(str::to_string),
    };
    assert_eq!(written.as_deref(), Some(text), "{after}");
    // Decided is decided; a rejection needs a reason.
    w.run(&["proposals", "reject", &id, "--reason", "late"])
        .fails_with(2);
    let shown = w.run(&["proposals", "show", &id, "--json"]).ok().json();
    assert_eq!(shown["status"], "approved");
    assert_eq!(shown["decided_by"], "ana");
}
