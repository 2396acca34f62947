import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { TaskProgress } from "./TaskProgress";

/** A response whose body streams `chunks` as server-sent events text. */
function stream(chunks: string[]): Response {
  const body = new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("TaskProgress", () => {
  it("shows each event, follows a dropped stream from the last id, then the outcome", async () => {
    const calls: (string | undefined)[] = [];
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      calls.push((init.headers as Record<string, string>)["Last-Event-ID"]);
      if (calls.length === 1) {
        // The connection drops after two events.
        return stream([
          'id: 0\nevent: progress\ndata: {"event":"source_started","source":"app","tables":2}\n\n',
          'id: 1\nevent: progress\ndata: {"event":"table","table":"a","status":"failed","reason":"bad"}\n\n',
        ]);
      }
      return stream([
        'id: 2\nevent: progress\ndata: {"event":"table","table":"b","status":"scanned"}\n\n',
        'event: done\ndata: {"id":7,"kind":"scan","status":"succeeded","started_by":"ana","started_at":"2026-01-01T00:00:00Z","events":3}\n\n',
      ]);
    });
    vi.stubGlobal("fetch", fetch);
    const done = vi.fn();
    render(
      <QueryClientProvider client={new QueryClient()}>
        <TaskProgress id={7} onDone={done} />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(screen.getByText("scan succeeded")).toBeTruthy());
    expect(calls).toEqual([undefined, "1"]);
    const lines = screen.getAllByRole("listitem").map((li) => li.textContent);
    expect(lines).toEqual([
      "source started · source app · tables 2",
      "table · table a · status failed · reason bad",
      "table · table b · status scanned",
    ]);
    expect(screen.getAllByRole("listitem")[1].className).toBe("error");
    expect(done).toHaveBeenCalledWith(expect.objectContaining({ status: "succeeded" }));
  });
});
