//! `steward ask QUESTION`: the Ask agent on the configured catalog and the
//! local model. Its steps show on stderr as they go; the answer, with the
//! assets it cites, on stdout (or as JSON with `--json`).

use std::io::IsTerminal;
use std::sync::Arc;

use steward_agent::{AgentError, Answer, AskEvent, AskOptions};
use steward_service::Steward;
use steward_types::{ErrorKind, HasKind};

use crate::cli::{AgentArgs, AskArgs};
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

/// The agent's options from the command line, and the catalog opened with
/// the model loaded: what `ask` and `bench agent` both start from.
pub async fn open(loaded: &Loaded, args: &AgentArgs) -> anyhow::Result<(Steward, AskOptions)> {
    if args.samples == 0 || args.samples > 8 {
        return Err(Failure::new(ErrorKind::Invalid, "--samples must be between 1 and 8").into());
    }
    let options = AskOptions {
        samples: args.samples,
        extra_steps: args.extra_steps,
        ..AskOptions::default()
    };
    let model = crate::commands::llm::load(loaded, &args.model)?;
    let steward = Steward::open(loaded).await?.with_model(Arc::new(model));
    Ok((steward, options))
}

pub async fn run(loaded: &Loaded, args: &AskArgs, out: &Output) -> anyhow::Result<()> {
    let (steward, mut options) = open(loaded, &args.agent).await?;
    let show_steps = !out.json() && std::io::stderr().is_terminal();
    // On a terminal the draft shows as the model writes it; the answer
    // printed after it is the checked one.
    options.stream = show_steps && options.samples == 1;
    let mut streaming = false;
    let result = steward_agent::ask(&steward, &args.question, &options, &mut |event| {
        if show_steps {
            if streaming && !matches!(event, AskEvent::Piece { .. }) {
                eprintln!();
                streaming = false;
            }
            match event {
                AskEvent::Routed { kind } => eprintln!("· a {} question", kind.as_str()),
                AskEvent::Tool { call, assets } => eprintln!("· {call}: {assets} asset(s)"),
                AskEvent::Drafting { attempt } if attempt > 1 => {
                    eprintln!("· drafting again")
                }
                AskEvent::Drafting { .. } => eprintln!("· drafting the answer"),
                AskEvent::Piece { text } => {
                    if !streaming {
                        eprint!("  ");
                        streaming = true;
                    }
                    eprint!("{text}");
                    let _ = std::io::Write::flush(&mut std::io::stderr());
                }
            }
        }
    })
    .await;
    if streaming {
        eprintln!();
    }
    steward.close().await;
    let answer = result.map_err(|e: AgentError| Failure::new(e.kind(), e.to_string()))?;
    out.print(&answer, human)
}

fn human(a: &Answer) -> String {
    let mut text = format!("{}\n", a.answer);
    if !a.citations.is_empty() {
        text.push_str(&format!("cites: {}\n", a.citations.join(", ")));
    }
    text.push_str(&format!(
        "({} steps, {:.1} s{})\n",
        a.steps,
        a.seconds,
        if a.abstained {
            ", abstained".to_string()
        } else {
            format!(", confidence {:.0}%", a.confidence * 100.0)
        }
    ));
    text
}
