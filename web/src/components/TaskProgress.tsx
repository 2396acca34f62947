// A background task's progress, live: its server-sent events as they come,
// then its outcome. Reconnects after a dropped stream from the last event
// seen (the server replays after `Last-Event-ID`).
import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Schemas } from "../api/client";
import { describeEvent, isFailure } from "../lib/events";
import { problemDetail, readEvents } from "../lib/sse";

export function TaskProgress({ id, onDone }: { id: number; onDone?: (task: Schemas["Task"]) => void }) {
  const [lines, setLines] = useState<{ text: string; failed: boolean }[]>([]);
  const [task, setTask] = useState<Schemas["Task"] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const queries = useQueryClient();

  useEffect(() => {
    const stop = new AbortController();
    let last: string | undefined;
    let finished = false;
    const follow = async (attempt: number): Promise<void> => {
      try {
        const response = await fetch(`/api/v1/tasks/${id}/events`, {
          credentials: "same-origin",
          headers: last ? { "Last-Event-ID": last } : {},
          signal: stop.signal,
        });
        if (!response.ok) {
          setError(await problemDetail(response));
          return;
        }
        await readEvents(response, (event) => {
          if (event.id) last = event.id;
          if (event.event === "progress") {
            const value = JSON.parse(event.data);
            setLines((was) => [...was, { text: describeEvent(value), failed: isFailure(value) }]);
          } else if (event.event === "done") {
            finished = true;
            const done = JSON.parse(event.data) as Schemas["Task"];
            setTask(done);
            queries.invalidateQueries();
            onDone?.(done);
          }
        });
        if (!finished && attempt < 5 && !stop.signal.aborted) await follow(attempt + 1);
      } catch (e) {
        if (!stop.signal.aborted) setError(String(e));
      }
    };
    follow(0);
    return () => stop.abort();
    // `onDone` is a callback of the moment; the stream follows the task id.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, queries]);

  return (
    <div className="progress" aria-live="polite" data-testid={`task-${id}`}>
      {lines.length === 0 && !task && <p className="muted">Started…</p>}
      <ol>
        {lines.map((l, i) => (
          <li key={i} className={l.failed ? "error" : undefined}>
            {l.text}
          </li>
        ))}
      </ol>
      {task && (
        <p className={`status-${task.status}`}>
          <strong>{task.kind} {task.status}</strong>
          {task.error && <>: {task.error}</>}
        </p>
      )}
      {error && <p className="error">{error}</p>}
    </div>
  );
}
