import { describe, expect, it } from "vitest";
import { SseParser } from "./sse";

describe("SseParser", () => {
  it("reads named events with ids across chunk boundaries", () => {
    const p = new SseParser();
    expect(p.push("event: progress\nid: 3\ndata: {\"a\"")).toEqual([]);
    expect(p.push(":1}\n\nevent: done\r\ndata: x\r\n\r\n")).toEqual([
      { event: "progress", data: '{"a":1}', id: "3" },
      { event: "done", data: "x", id: "3" },
    ]);
  });

  it("joins data lines, skips comments and events without data", () => {
    const p = new SseParser();
    expect(p.push(": keep-alive\n\nevent: empty\n\ndata: one\ndata:two\n\n")).toEqual([
      { event: "message", data: "one\ntwo" },
    ]);
  });

  it("waits for the LF of a CRLF split between chunks", () => {
    const p = new SseParser();
    expect(p.push("data: a\r")).toEqual([]);
    expect(p.push("\n\r\n")).toEqual([{ event: "message", data: "a" }]);
  });
});
