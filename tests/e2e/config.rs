//! steward.toml, env vars and flags: precedence, errors that point at the
//! problem, and secrets that never print.

use crate::harness::Workdir;

#[test]
fn a_bad_value_names_file_line_and_key_and_init_writes_nothing() {
    let w = Workdir::new();
    let text = "data_dir = \"state\"\n[store]\nmax_connections = \"many\"\n";
    std::fs::write(w.join("steward.toml"), text).unwrap();
    let run = w.run(&["init"]).fails_with(2);
    let file = w.join("steward.toml").display().to_string();
    assert!(
        run.stderr.contains(&format!(
            "{file}:3:19: key `store.max_connections`: invalid type: string \"many\""
        )),
        "{}",
        run.stderr
    );
    assert_eq!(w.listing(), ["steward.toml"], "nothing else written");
    assert_eq!(
        std::fs::read_to_string(w.join("steward.toml")).unwrap(),
        text
    );
}

#[test]
fn unknown_keys_and_broken_toml_are_reported_where_they_are() {
    let w = Workdir::new();
    std::fs::write(w.join("custom.toml"), "[store]\nmax_conections = 3\n").unwrap();
    let run = w
        .run(&["--config", "custom.toml", "config", "show"])
        .fails_with(2);
    assert!(
        run.stderr.contains(
            "custom.toml:2:1: key `store.max_conections`: unknown field `max_conections`"
        ),
        "{}",
        run.stderr
    );

    std::fs::write(w.join("custom.toml"), "data_dir = \"a\"\n[store\n").unwrap();
    let run = w.run(&["--config", "custom.toml", "status"]).fails_with(2);
    assert!(run.stderr.contains("custom.toml:2:"), "{}", run.stderr);

    let run = w.run(&["--config", "missing.toml", "status"]).fails_with(2);
    assert!(
        run.stderr.contains("missing.toml` not found"),
        "{}",
        run.stderr
    );
}

#[test]
fn env_vars_override_the_file_and_flags_override_env() {
    let w = Workdir::new();
    w.run(&["init"]).ok();
    let env = [
        ("STEWARD__LOG__LEVEL", "debug"),
        ("STEWARD__DATA_DIR", "from-env"),
    ];
    let shown = w.run_with(&["config", "show", "--json"], &env).ok().json();
    assert_eq!(shown["config"]["log"]["level"], "debug");
    assert_eq!(
        shown["config"]["data_dir"],
        w.join("from-env").display().to_string()
    );

    let shown = w
        .run_with(
            &["--data-dir", "from-flag", "config", "show", "--json"],
            &env,
        )
        .ok()
        .json();
    assert_eq!(
        shown["config"]["data_dir"],
        w.join("from-flag").display().to_string()
    );

    let run = w
        .run_with(
            &["config", "show"],
            &[("STEWARD__STORE__MAX_CONNECTIONS", "lots")],
        )
        .fails_with(2);
    assert!(
        run.stderr.contains(
            "environment variable STEWARD__STORE__MAX_CONNECTIONS (key `store.max_connections`)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn secrets_are_masked_everywhere_they_could_show() {
    let w = Workdir::new();
    let env = [(
        "STEWARD__STORE__URL",
        "postgres://steward:hunter2@127.0.0.1:1/catalog",
    )];
    let shown = w.run_with(&["config", "show"], &env).ok();
    assert!(
        shown
            .stdout
            .contains("postgres://steward:***@127.0.0.1:1/catalog"),
        "{}",
        shown.stdout
    );
    let json = w.run_with(&["config", "show", "--json"], &env).ok();
    let failed = w
        .run_with(&["-vvv", "status", "--json"], &env)
        .fails_with(2);
    for text in [&shown.stdout, &json.stdout, &failed.stdout, &failed.stderr] {
        assert!(!text.contains("hunter2"), "password leaked: {text}");
    }
    assert_eq!(failed.json()["error"]["kind"], "unavailable");
}
