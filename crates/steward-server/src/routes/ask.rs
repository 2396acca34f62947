//! Questions to the Ask agent, answered as server-sent events: the agent's
//! steps as they happen (`routed`, `tool`, `drafting`, and `piece`s of the
//! draft as the model writes it), then `answer` with the checked answer and
//! its citations, or `error` with a problem document. The agent runs on the
//! model `steward serve` loaded; a client that goes away stops it.

use std::convert::Infallible;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use steward_agent::{AskEvent, AskOptions};
use steward_types::Role;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::Problem;
use crate::routes::Body;

/// The longest question taken, in characters.
const MAX_QUESTION: usize = 2000;

/// A question about the catalog.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    pub question: String,
    /// Answers drafted at once and voted on, 1 to 8; the agreement is the
    /// confidence [default: 1, which also streams the draft].
    pub samples: Option<usize>,
}

/// Stops the agent when the stream is dropped (the client went away).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn event(name: &str, data: &impl serde::Serialize) -> Event {
    Event::default()
        .event(name)
        .data(serde_json::to_string(data).unwrap_or_default())
}

/// Asks the agents a question; the answer streams as server-sent events.
#[utoipa::path(post, path = "/api/v1/ask", tag = "ask", request_body = AskRequest,
    security(("session" = []), ("token" = [])),
    responses((status = 200, content_type = "text/event-stream", body = crate::routes::StreamEvent,
            description = "`routed`, `tool`, `drafting` and `piece` events, then `answer` (or `error`)"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, body = Problem),
        (status = 503, body = Problem, description = "No model is loaded")))]
pub async fn ask(
    State(state): State<AppState>,
    caller: Caller,
    Body(request): Body<AskRequest>,
) -> Result<Response, Problem> {
    caller.require(Role::Viewer)?;
    if state.steward.model().is_none() {
        return Err(steward_agent::AgentError::NoModel.into());
    }
    let question = request.question.trim().to_string();
    if question.is_empty() || question.chars().count() > MAX_QUESTION {
        return Err(steward_agent::AgentError::Invalid(format!(
            "question: 1 to {MAX_QUESTION} characters"
        ))
        .into());
    }
    let samples = request.samples.unwrap_or(1);
    if !(1..=8).contains(&samples) {
        return Err(steward_agent::AgentError::Invalid("samples: 1 to 8".to_string()).into());
    }
    let options = AskOptions {
        samples,
        stream: samples == 1,
        ..AskOptions::default()
    };
    let (sender, events) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let steward = state.steward.clone();
    let agent = tokio::spawn(async move {
        let steps = sender.clone();
        let answer = steward_agent::ask(&steward, &question, &options, &mut |step: AskEvent| {
            let value = serde_json::to_value(&step).unwrap_or_default();
            let name = value["event"].as_str().unwrap_or("step").to_string();
            let _ = steps.send(event(&name, &value));
        })
        .await;
        let last = match answer {
            Ok(answer) => event("answer", &answer),
            Err(e) => event("error", &Problem::from(e)),
        };
        let _ = sender.send(last);
    });
    let stream = futures_util::stream::unfold(
        (events, AbortOnDrop(agent)),
        |(mut events, agent)| async move {
            let next = events.recv().await?;
            Some((Ok::<_, Infallible>(next), (events, agent)))
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
