import { describe, expect, it } from "vitest";
import { buildView, rankLayout, sameTable, tableOf } from "./lineage";

const edge = (from: string, fromCol: string | null, to: string, toCol: string | null, kind = "direct") => ({
  from: { table: from, column: fromCol },
  to: { table: to, column: toCol },
  kind: kind as "direct",
  confidence: 1,
  origin: "query_log" as never,
});

const graph = {
  root: "raw.customers.email",
  nodes: { "raw.customers.email": 0, "stg.customers.email": 1, "stg.customers.email_hash": 1, "mart.c360.email": 2 },
  edges: [
    edge("raw.customers", "email", "stg.customers", "email"),
    edge("raw.customers", "email", "stg.customers", "email_hash", "transformation"),
    edge("stg.customers", "email", "mart.c360", "email"),
  ],
  inputs: [],
};

describe("buildView", () => {
  it("folds column edges into one table edge per pair until both ends are expanded", () => {
    const view = buildView(graph, new Set(), "", []);
    expect(view.nodes.map((n) => [n.id, n.distance, n.isRoot])).toEqual([
      ["raw.customers", 0, true],
      ["stg.customers", 1, false],
      ["mart.c360", 2, false],
    ]);
    const first = view.edges.find((e) => e.source === "raw.customers")!;
    expect(first.weight).toBe(2);
    expect(first.kind).toBe("mixed");
    expect(first.sourceColumn).toBeUndefined();

    const open = buildView(graph, new Set(["raw.customers", "stg.customers"]), "", []);
    const columnEdges = open.edges.filter((e) => e.source === "raw.customers");
    expect(columnEdges.map((e) => e.targetColumn).sort()).toEqual(["email", "email_hash"]);
    expect(open.nodes.find((n) => n.id === "stg.customers")!.columns).toEqual(["email", "email_hash"]);
  });

  it("marks sensitive columns, the edges carrying them, and search matches", () => {
    const view = buildView(graph, new Set(), "HASH", [
      { table: "customers", column: "email", label: "EMAIL", derived: false },
    ]);
    const raw = view.nodes.find((n) => n.id === "raw.customers")!;
    expect(raw.labels.email.label).toBe("EMAIL");
    expect(view.edges.every((e) => e.source !== "raw.customers" || e.sensitive)).toBe(true);
    expect(view.nodes.filter((n) => n.matches).map((n) => n.id)).toEqual(["stg.customers"]);
  });
});

describe("names", () => {
  it("tells tables from columns and matches lineage names to catalog names", () => {
    const tables = new Set(["a.b"]);
    expect(tableOf("a.b", tables)).toBe("a.b");
    expect(tableOf("a.b.c", tables)).toBe("a.b");
    expect(sameTable("db.raw.customers", "raw.customers")).toBe(true);
    expect(sameTable("raw.customers2", "raw.customers")).toBe(false);
  });
});

describe("rankLayout", () => {
  it("puts each step from the root in its own column, thousands at once", () => {
    const nodes = Array.from({ length: 5000 }, (_, i) => ({
      id: `t${i}`,
      distance: (i % 7) - 3,
      columns: [],
      labels: {},
      isRoot: i === 3,
      matches: false,
      expanded: false,
    }));
    const at = rankLayout(nodes);
    expect(at.size).toBe(5000);
    expect(at.get("t3")!.x).toBe(0);
    expect(at.get("t0")!.x).toBeLessThan(0);
    const ys = nodes.filter((n) => n.distance === 0).map((n) => at.get(n.id)!.y);
    expect(new Set(ys).size).toBe(ys.length);
  });
});
