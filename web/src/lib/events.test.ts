import { describe, expect, it } from "vitest";
import { describeEvent, isFailure } from "./events";

describe("describeEvent", () => {
  it("names the event, then its plain fields", () => {
    expect(describeEvent({ event: "table", source: "app", table: "customers", status: "scanned", columns: 4 })).toBe(
      "table · source app · table customers · status scanned · columns 4",
    );
    expect(describeEvent({ event: "source_started", source: "lake", tables: 3, nested: { a: 1 } })).toBe(
      "source started · source lake · tables 3",
    );
    expect(describeEvent("plain")).toBe("plain");
  });

  it("tells failures", () => {
    expect(isFailure({ event: "table", status: "failed", reason: "bad file" })).toBe(true);
    expect(isFailure({ event: "source_failed", reason: "unreachable" })).toBe(true);
    expect(isFailure({ event: "table", status: "scanned" })).toBe(false);
  });
});
