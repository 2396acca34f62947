import { describe, expect, it } from "vitest";
import { bytes, money, perDay, percent } from "./format";

describe("format", () => {
  it("writes bytes in binary units", () => {
    expect(bytes(512)).toBe("512 B");
    expect(bytes(1536)).toBe("1.50 KiB");
    expect(bytes(5 * 1024 ** 3)).toBe("5.00 GiB");
    expect(bytes(null)).toBe("–");
  });

  it("writes money and shares", () => {
    expect(money(12.345, "USD")).toBe("12.35 USD");
    expect(money(0.0012, "EUR")).toBe("0.0012 EUR");
    expect(percent(1, 1000)).toBe("<1%");
    expect(percent(0, 10)).toBe("0%");
    expect(percent(3, 0)).toBe("–");
  });

  it("sums per UTC day, in day order, skipping unreadable times", () => {
    const rows = [
      { at: "2026-01-02T23:00:00Z", n: 2 },
      { at: "2026-01-01T01:00:00Z", n: 1 },
      { at: "2026-01-02T01:00:00Z", n: 3 },
      { at: "not a time", n: 100 },
    ];
    const { times, values } = perDay(rows, (r) => r.at, (r) => r.n);
    expect(times).toEqual([Date.UTC(2026, 0, 1) / 1000, Date.UTC(2026, 0, 2) / 1000]);
    expect(values).toEqual([1, 5]);
  });
});
