// Server-sent events read from a fetch response: the ask endpoint is a POST
// (EventSource only GETs), and one reader serves task progress too.

export interface ServerEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Splits SSE text into events as it arrives. Feed it chunks with `push`; it
 * returns the events completed so far. Lines are split on LF, CRLF or CR;
 * `data:` lines join with LF; a comment (`:`) is skipped; an event with no
 * data is dropped, as the standard says.
 */
export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  private id: string | undefined;

  push(chunk: string): ServerEvent[] {
    this.buffer += chunk;
    const out: ServerEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone CR at the end may be the first half of CRLF: wait for more.
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const done = this.line(line);
      if (done) out.push(done);
    }
    return out;
  }

  private line(line: string): ServerEvent | undefined {
    if (line === "") {
      const finished =
        this.data.length > 0
          ? { event: this.event || "message", data: this.data.join("\n"), ...(this.id ? { id: this.id } : {}) }
          : undefined;
      this.event = "";
      this.data = [];
      return finished;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id") this.id = value;
    return undefined;
  }
}

/** Reads `response`'s body as server-sent events, calling `onEvent` for each. */
export async function readEvents(
  response: Response,
  onEvent: (event: ServerEvent) => void,
): Promise<void> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const event of parser.push(value)) onEvent(event);
  }
  for (const event of parser.push("\n\n")) onEvent(event);
}

/** The problem document's detail of a failed response, or its status. */
export async function problemDetail(response: Response): Promise<string> {
  try {
    const body = await response.json();
    if (body && typeof body.detail === "string") return body.detail;
  } catch {
    // Not JSON: the status says it.
  }
  return `${response.status} ${response.statusText}`;
}
