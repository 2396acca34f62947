//! The quickstart path and the command line's contract: exit codes, --json.

use crate::harness::Workdir;

#[test]
fn init_migrate_and_show_work_in_an_empty_folder() {
    let w = Workdir::new();
    let first = w.run(&["init", "--json"]).ok().json();
    assert_eq!(first["config_created"], true);
    assert_eq!(first["data_dir_created"], true);
    assert_eq!(first["backend"], "sqlite");
    assert_eq!(
        first["applied"],
        serde_json::json!(crate::harness::migration_versions())
    );
    assert!(w.join("steward.toml").is_file());
    assert!(w.join(".steward/catalog.db").is_file());
    let config_text = std::fs::read_to_string(w.join("steward.toml")).unwrap();

    // A second init changes nothing and says so.
    let second = w.run(&["init"]).ok();
    assert!(
        second
            .stdout
            .starts_with("already initialised; nothing changed"),
        "{}",
        second.stdout
    );
    assert_eq!(
        std::fs::read_to_string(w.join("steward.toml")).unwrap(),
        config_text
    );

    let migrated = w.run(&["migrate", "--json"]).ok().json();
    assert_eq!(migrated["applied"], serde_json::json!([]));
    assert_eq!(migrated["schema"]["current"], migrated["schema"]["latest"]);

    let shown = w.run(&["config", "show", "--json"]).ok().json();
    let data_dir = w.path().join(".steward");
    assert_eq!(shown["config"]["data_dir"], data_dir.display().to_string());
    assert_eq!(shown["file"], w.join("steward.toml").display().to_string());

    let status = w.run(&["status", "--json"]).ok().json();
    assert_eq!(status["counts"]["sources"], 0);
    assert_eq!(status["schema"]["backend"], "sqlite");
    let human = w.run(&["status"]).ok();
    assert!(human.stdout.contains("open findings"), "{}", human.stdout);
}

#[test]
fn commands_before_init_say_how_to_start() {
    let w = Workdir::new();
    let run = w.run(&["status", "--json"]).fails_with(2);
    assert_eq!(run.json()["error"]["kind"], "not_found");
    assert!(
        run.stderr.contains("run `steward init` first"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "one clear line: {}",
        run.stderr
    );
    assert!(w.listing().is_empty(), "nothing written: {:?}", w.listing());
    w.run(&["migrate"]).fails_with(2);
}

#[test]
fn usage_errors_exit_2() {
    let w = Workdir::new();
    w.run(&["frobnicate"]).fails_with(2);
    w.run(&["status", "--no-such-flag"]).fails_with(2);
    w.run(&["--help"]).ok();
    let version = w.run(&["--version"]).ok();
    assert!(version.stdout.starts_with("steward "), "{}", version.stdout);
}

#[test]
fn a_bad_schema_is_refused_with_its_file_before_any_model_loads() {
    let w = Workdir::new();
    let schema = w.join("label.json");
    std::fs::write(
        &schema,
        r##"{"type": "object", "properties": {"kind": {"$ref": "#/definitions/missing"}}}"##,
    )
    .unwrap();
    // The model does not exist either: the schema is checked first.
    let generate = |extra: &[&str]| {
        let mut args = vec![
            "llm",
            "generate",
            "--model",
            "no-such-model.gguf",
            "--schema",
            "label.json",
        ];
        args.extend_from_slice(extra);
        w.run(&args).fails_with(2)
    };
    let run = generate(&["--json", "Which column holds e-mails?"]);
    assert_eq!(run.json()["error"]["kind"], "invalid", "{}", run.stderr);
    assert!(run.stderr.contains("label.json"), "{}", run.stderr);
    assert!(
        run.stderr.contains("/definitions/missing"),
        "{}",
        run.stderr
    );

    std::fs::write(&schema, r#"{"type": "strin"}"#).unwrap();
    let run = generate(&["x"]);
    assert!(run.stderr.contains("at `/type`"), "{}", run.stderr);
}
