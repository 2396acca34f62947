//! `steward llm chat` with the real test model: a session longer than the
//! context keeps going.

use std::io::Write;
use std::process::Stdio;

use crate::harness::Workdir;

/// Runs a chat session fed `input`, with a context of `context` tokens.
fn chat(w: &Workdir, model: &str, context: &str, input: &str) -> (i32, String, String) {
    let mut child = w
        .command()
        .args([
            "llm",
            "chat",
            "--model",
            model,
            "--threads",
            "1",
            "--max-tokens",
            "12",
        ])
        .env("STEWARD__LLM__CONTEXT", context)
        .env("STEWARD__LLM__SEQUENCES", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_chat_outgrowing_its_context_drops_its_oldest_turns_and_goes_on() {
    let Some(model) = steward_llm::test_model_path() else {
        return;
    };
    let model = model.display().to_string();
    let w = Workdir::new();
    let question = "Which of the columns email, phone, birth_date, postcode and \
                    order_total in the customers table hold personal data, and why?";
    // Eight questions of ~30 tokens and their replies cannot all fit in 256
    // (the least context a sequence gets).
    let input = format!("{}/help\n", format!("{question}\n").repeat(8));
    let (code, stdout, stderr) = chat(&w, &model, "256", &input);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("oldest message(s) were dropped to fit the context"),
        "{stderr}"
    );
    // The session went on to the last line.
    assert!(stdout.trim_end().ends_with("ends the session."), "{stdout}");

    // A message too long on its own is refused, and the session goes on.
    let long = "customer ".repeat(300);
    let (code, stdout, stderr) = chat(&w, &model, "256", &format!("{long}\n/help\n/quit\n"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("send a shorter message"), "{stderr}");
    assert!(stderr.contains("over the context of 256"), "{stderr}");
    assert!(stdout.trim_end().ends_with("ends the session."), "{stdout}");
}
