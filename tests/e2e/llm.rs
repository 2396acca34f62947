//! `steward llm chat` with the real test model: a session longer than the
//! context keeps going.

use std::io::Write;
use std::process::{Child, Stdio};

use crate::harness::Workdir;

/// `steward llm chat` on the test model, one thread, its standard streams piped.
fn spawn_chat(w: &Workdir, model: &str, max_tokens: &str, env: &[(&str, &str)]) -> Child {
    let mut command = w.command();
    command
        .args(["llm", "chat", "--model", model, "--threads", "1"])
        .args(["--max-tokens", max_tokens])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    command.spawn().unwrap()
}

/// Runs a chat session fed `input`, with a context of `context` tokens.
fn chat(w: &Workdir, model: &str, context: &str, input: &str) -> (i32, String, String) {
    let env = [
        ("STEWARD__LLM__CONTEXT", context),
        ("STEWARD__LLM__SEQUENCES", "1"),
    ];
    let mut child = spawn_chat(w, model, "12", &env);
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

/// Whether the session answered its last line, `/help`.
fn answered_help_last(stdout: &str) -> bool {
    stdout
        .lines()
        .last()
        .is_some_and(|l| l.contains("ends the session"))
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
    assert!(answered_help_last(&stdout), "{stdout}");

    // A message too long on its own is refused, and the session goes on.
    let long = "customer ".repeat(300);
    let (code, stdout, stderr) = chat(&w, &model, "256", &format!("{long}\n/help\n/quit\n"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("send a shorter message"), "{stderr}");
    assert!(stderr.contains("over the context of 256"), "{stderr}");
    assert!(answered_help_last(&stdout), "{stdout}");
}

/// Sends SIGINT to the process, as Ctrl-C in a terminal does.
fn interrupt(child: &Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn ctrl_c_stops_a_reply_and_keeps_the_session_and_ends_it_when_idle() {
    use std::io::{BufRead, BufReader, Read};
    use std::os::unix::process::ExitStatusExt;

    let Some(model) = steward_llm::test_model_path() else {
        return;
    };
    let model = model.display().to_string();
    let w = Workdir::new();
    let mut child = spawn_chat(&w, &model, "1000", &[]);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // Greedy decoding answers this with some 700 words: far from done when
    // its first piece arrives.
    stdin
        .write_all(b"Write a long story about a data steward who catalogues every table.\n")
        .unwrap();
    let mut first = [0u8; 8];
    stdout.read_exact(&mut first).unwrap();
    interrupt(&child);
    // The session goes on: the next line is answered.
    stdin.write_all(b"/help\n").unwrap();
    let mut reply = String::new();
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "ended: {reply}");
        reply.push_str(&line);
        if line.contains("ends the session") {
            break;
        }
    }
    assert!(
        reply.split_whitespace().count() < 300,
        "the reply went on after Ctrl-C: {reply}"
    );
    // Now idle, waiting for input: Ctrl-C ends the session.
    interrupt(&child);
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(2), "{status:?}");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("(reply stopped)"), "{stderr}");
}
