//! A conversation with the model: a system prompt and the exchanges so far,
//! trimmed to fit the context. What `steward llm chat` and the agents use.

use crate::{CancelToken, Generation, LanguageModel, LlmError, Message, Prompt, Request, Result};

/// A conversation: the system prompt stays, the oldest exchanges go when
/// the context is full.
#[derive(Debug, Clone)]
pub struct Conversation {
    history: Vec<Message>,
}

/// A reply with what had to be dropped to fit it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub generation: Generation,
    /// Oldest messages dropped to fit the context for this reply.
    pub dropped: usize,
}

impl Conversation {
    pub fn new(system: impl Into<String>) -> Self {
        Self {
            history: vec![Message::new("system", system.into())],
        }
    }

    /// The messages so far, system prompt first.
    pub fn messages(&self) -> &[Message] {
        &self.history
    }

    /// Forgets every exchange; the system prompt stays.
    pub fn reset(&mut self) {
        self.history.truncate(1);
    }

    /// Sends `text` and returns the model's reply, streamed piece by piece
    /// to `on_piece` (return `false` to stop). When the conversation
    /// outgrows the context, the oldest exchanges are dropped (the system
    /// prompt and the new message stay); when the new message alone does
    /// not fit, it is taken back and `PromptTooLong` returned, the
    /// conversation as it was.
    pub fn send(
        &mut self,
        model: &dyn LanguageModel,
        text: &str,
        max_tokens: usize,
        cancel: Option<CancelToken>,
        on_piece: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Reply> {
        // Trimmed on a copy: a message that cannot be sent leaves the
        // conversation as it was.
        let mut trial = self.history.clone();
        trial.push(Message::new("user", text));
        let mut dropped = 0;
        loop {
            let mut request = Request::new(Prompt::Chat(trial.clone()), max_tokens);
            request.cancel = cancel.clone();
            match model.generate_streaming(&request, on_piece) {
                Err(LlmError::PromptTooLong { .. }) if trial.len() > 2 => {
                    trial.remove(1);
                    dropped += 1;
                    // An exchange goes whole: its reply with its question.
                    if trial.len() > 2 && trial[1].role == "assistant" {
                        trial.remove(1);
                        dropped += 1;
                    }
                }
                Err(e) => return Err(e),
                Ok(generation) => {
                    trial.push(Message::new("assistant", generation.text.clone()));
                    self.history = trial;
                    return Ok(Reply {
                        generation,
                        dropped,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Choice, Metrics, StopReason};

    /// A model whose context holds `fits` messages: a test double for the
    /// trimming loop only.
    struct Small {
        fits: usize,
    }

    impl LanguageModel for Small {
        fn generate(&self, request: &Request) -> Result<Generation> {
            self.stream(request, &mut |_| true)
        }
        fn choose(&self, _: &Prompt, _: &[String]) -> Result<Choice> {
            Err(LlmError::Runtime("not used".into()))
        }
    }

    impl Small {
        fn stream(&self, request: &Request, _: &mut dyn FnMut(&str) -> bool) -> Result<Generation> {
            let Prompt::Chat(messages) = &request.prompt else {
                unreachable!()
            };
            let long = messages.iter().any(|m| m.content.len() > 100);
            if messages.len() > self.fits || long {
                return Err(LlmError::PromptTooLong {
                    tokens: messages.len() * 10,
                    reply: 10,
                    context: self.fits * 10,
                });
            }
            Ok(Generation {
                text: format!("reply {}", messages.len()),
                stop: StopReason::EndOfGeneration,
                json: None,
                metrics: Metrics::default(),
            })
        }
    }

    #[test]
    fn the_oldest_exchanges_go_and_the_system_prompt_stays() {
        let model = Small { fits: 3 };
        let mut chat = Conversation::new("be brief");
        assert_eq!(
            chat.send(&model, "one", 8, None, &mut |_| true)
                .unwrap()
                .dropped,
            0
        );
        assert_eq!(
            chat.send(&model, "two", 8, None, &mut |_| true)
                .unwrap()
                .dropped,
            2
        );
        let roles: Vec<&str> = chat.messages().iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["system", "user", "assistant"]);
        assert_eq!(chat.messages()[1].content, "two");
        // A message too long alone is taken back; the conversation stays.
        let err = chat.send(&model, &"x".repeat(200), 8, None, &mut |_| true);
        assert!(matches!(err, Err(LlmError::PromptTooLong { .. })));
        assert_eq!(chat.messages().len(), 3);
        chat.reset();
        assert_eq!(chat.messages().len(), 1);
    }
}
