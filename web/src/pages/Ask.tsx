import { useRef, useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";
import { tableLink } from "../links";
import { problemDetail, readEvents } from "../lib/sse";

interface Answer {
  answer: string;
  citations: string[];
  confidence: number;
  abstained: boolean;
  steps: number;
  tool_calls: string[];
  seconds: number;
  withheld: { asset: string }[];
}

/** Questions to the agents, answered live; the descriptions they drafted, for a steward's decision. */
export function Ask({ role }: { role: Schemas["Role"] }) {
  const [question, setQuestion] = useState("");
  const [steps, setSteps] = useState<string[]>([]);
  const [draft, setDraft] = useState("");
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const stop = useRef<AbortController | null>(null);

  const ask = async () => {
    stop.current?.abort();
    const controller = new AbortController();
    stop.current = controller;
    setSteps([]);
    setDraft("");
    setAnswer(null);
    setError(null);
    setAsking(true);
    try {
      const response = await fetch("/api/v1/ask", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question }),
        signal: controller.signal,
      });
      if (!response.ok) {
        setError(await problemDetail(response));
        return;
      }
      await readEvents(response, (event) => {
        const value = JSON.parse(event.data);
        switch (event.event) {
          case "routed":
            setSteps((s) => [...s, `a ${String(value.kind).replace(/_/g, " ")} question`]);
            break;
          case "tool":
            setSteps((s) => [...s, `looked up ${value.call} (${value.assets} assets)`]);
            break;
          case "drafting":
            setDraft("");
            setSteps((s) => [...s, value.attempt > 1 ? `drafting again (attempt ${value.attempt})` : "drafting"]);
            break;
          case "piece":
            setDraft((d) => d + value.text);
            break;
          case "answer":
            setAnswer(value as Answer);
            break;
          case "error":
            setError(value.detail ?? "the agent failed");
            break;
        }
      });
    } catch (e) {
      if (!controller.signal.aborted) setError(String(e));
    } finally {
      setAsking(false);
    }
  };

  return (
    <div className="pad ask">
      <h1>Ask</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (question.trim()) ask();
        }}
      >
        <input
          aria-label="Question"
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          placeholder="Where does mart.customer_360 get its e-mail addresses from?"
          maxLength={2000}
        />
        <button type="submit" disabled={asking || !question.trim()}>
          {asking ? "Asking…" : "Ask"}
        </button>
        {asking && (
          <button type="button" onClick={() => stop.current?.abort()}>
            Stop
          </button>
        )}
      </form>
      {steps.length > 0 && (
        <ol className="steps" aria-label="Steps">
          {steps.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ol>
      )}
      {draft && !answer && (
        <div className="answer muted" aria-live="polite" aria-label="Draft">
          {draft}
        </div>
      )}
      {answer && <AnswerView answer={answer} />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <Proposals canDecide={role === "steward" || role === "admin"} />
    </div>
  );
}

function AnswerView({ answer }: { answer: Answer }) {
  return (
    <section aria-label="Answer">
      <div className="answer">{answer.answer}</div>
      <p className="muted">
        {answer.abstained ? "The catalog does not tell. " : ""}
        Confidence {Math.round(answer.confidence * 100)}% · {answer.steps} steps · {answer.seconds.toFixed(1)} s
      </p>
      {answer.citations.length > 0 && (
        <p>
          Rests on:{" "}
          {answer.citations.map((c, i) => (
            <span key={c}>
              {i > 0 && ", "}
              <Link to={tableLink(c)} className="citation">
                {c}
              </Link>
            </span>
          ))}
        </p>
      )}
      {answer.withheld.length > 0 && (
        <p className="muted">
          Set aside as text aimed at AI assistants: {answer.withheld.map((w) => w.asset).join(", ")}
        </p>
      )}
    </section>
  );
}

/** Descriptions the agents drafted: nothing is applied until a steward approves it. */
function Proposals({ canDecide }: { canDecide: boolean }) {
  const queries = useQueryClient();
  const proposals = useQuery({
    queryKey: ["proposals", "pending"],
    queryFn: () => data(api.GET("/api/v1/proposals", { params: { query: { status: "pending" } } })),
  });
  const decide = useMutation({
    mutationFn: ({ id, decision, reason }: { id: number; decision: Schemas["ProposalVerdict"]; reason?: string }) =>
      data(
        api.POST("/api/v1/proposals/{id}/decision", {
          params: { path: { id } },
          body: { decision, ...(reason ? { reason } : {}) },
        }),
      ),
    onSuccess: () => {
      queries.invalidateQueries({ queryKey: ["proposals"] });
      queries.invalidateQueries({ queryKey: ["table"] });
    },
  });
  return (
    <section aria-labelledby="h-proposals">
      <h2 id="h-proposals">Descriptions drafted by the agents</h2>
      {proposals.data && proposals.data.length === 0 && <p className="muted">None awaiting a decision.</p>}
      <ul className="proposals">
        {(proposals.data ?? []).map((p) => (
          <li key={p.id} className="card">
            <p>
              <Link to={tableLink(p.target)}>{p.target}</Link> <span className="muted">by {p.drafted_by}</span>
            </p>
            <p>{p.text}</p>
            {p.current && <p className="muted">Replaces: {p.current}</p>}
            {canDecide && (
              <div className="actions">
                <button onClick={() => decide.mutate({ id: p.id, decision: "approve" })}>Approve</button>
                <button
                  onClick={() => {
                    const reason = prompt("Why is it rejected?") ?? undefined;
                    decide.mutate({ id: p.id, decision: "reject", reason });
                  }}
                >
                  Reject
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {decide.isError && <p className="error" role="alert">{decide.error.message}</p>}
    </section>
  );
}
