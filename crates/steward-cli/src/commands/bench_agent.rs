//! `steward bench agent`: the Ask agent over a file of questions against the
//! configured catalog. Each answer is one JSON line in `--out` (for a
//! scorer); the time per question (median, p90) and the tokens go to stderr.
//! Only `id` and `question` are read from the file, so expected answers
//! kept beside them cannot reach the agent.

use std::io::Write;

use serde::{Deserialize, Serialize};
use steward_types::{ErrorKind, HasKind};

use crate::cli::BenchAgentArgs;
use crate::commands::read_jsonl;
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

#[derive(Deserialize)]
struct Question {
    id: serde_json::Value,
    question: String,
}

#[derive(Serialize)]
struct Line<'a> {
    id: &'a serde_json::Value,
    answer: &'a str,
    citations: &'a [String],
    confidence: f64,
    abstained: bool,
    seconds: f64,
    steps: usize,
    tool_calls: &'a [String],
    kind: &'a str,
    tokens: usize,
}

#[derive(Serialize)]
struct Summary {
    questions: usize,
    abstained: usize,
    median_seconds: f64,
    p90_seconds: f64,
    tokens: usize,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

pub async fn run(loaded: &Loaded, args: &BenchAgentArgs, out: &Output) -> anyhow::Result<()> {
    let questions: Vec<Question> = read_jsonl(&args.questions)?
        .into_iter()
        .map(|(_, q)| q)
        .collect();
    let mut file = std::fs::File::create(&args.out).map_err(|e| {
        Failure::new(
            ErrorKind::Unavailable,
            format!("cannot write {}: {e}", args.out.display()),
        )
    })?;
    let (steward, options) = crate::commands::ask::open(loaded, &args.agent).await?;
    let mut seconds = Vec::with_capacity(questions.len());
    let (mut abstained, mut tokens) = (0, 0);
    for (i, q) in questions.iter().enumerate() {
        let result = steward_agent::ask(&steward, &q.question, &options, &mut |_| {}).await;
        let answer = match result {
            Ok(answer) => answer,
            Err(e) => {
                steward.close().await;
                return Err(Failure::new(e.kind(), e.to_string()).into());
            }
        };
        let line = Line {
            id: &q.id,
            answer: &answer.answer,
            citations: &answer.citations,
            confidence: answer.confidence,
            abstained: answer.abstained,
            seconds: answer.seconds,
            steps: answer.steps,
            tool_calls: &answer.tool_calls,
            kind: answer.kind.as_str(),
            tokens: answer.tokens,
        };
        writeln!(file, "{}", serde_json::to_string(&line)?)?;
        seconds.push(answer.seconds);
        abstained += usize::from(answer.abstained);
        tokens += answer.tokens;
        eprintln!(
            "[{}/{}] {:.1} s {}",
            i + 1,
            questions.len(),
            answer.seconds,
            if answer.abstained {
                "abstained"
            } else {
                "answered"
            }
        );
    }
    steward.close().await;
    seconds.sort_by(f64::total_cmp);
    let summary = Summary {
        questions: questions.len(),
        abstained,
        median_seconds: quantile(&seconds, 0.5),
        p90_seconds: quantile(&seconds, 0.9),
        tokens,
    };
    out.print(&summary, |s| {
        format!(
            "{} questions, {} abstained: median {:.1} s, p90 {:.1} s, {} tokens\n",
            s.questions, s.abstained, s.median_seconds, s.p90_seconds, s.tokens
        )
    })
}
