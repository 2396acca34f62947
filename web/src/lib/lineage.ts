// The lineage graph as the page draws it: tables as nodes, a table's
// columns shown inside it when expanded, column edges folded into table
// edges when it is not. Pure functions, so the logic is tested without a
// browser and the page stays a thin drawing of it.
import type { components } from "../api/schema";

type Graph = components["schemas"]["Graph"];
type Edge = components["schemas"]["LineageEdge"];

export interface SensitiveMark {
  /** `schema.table` as the catalog names it. */
  table: string;
  column: string;
  label: string;
  /** `derived`: the label came along lineage from another column. */
  derived: boolean;
}

export interface TableNode {
  id: string;
  /** Steps from the root: negative upstream, positive downstream. */
  distance: number;
  columns: string[];
  /** Labels of this table's columns, by column. */
  labels: Record<string, SensitiveMark>;
  isRoot: boolean;
  matches: boolean;
  expanded: boolean;
}

export interface ViewEdge {
  id: string;
  source: string;
  target: string;
  /** Column handles, when both ends are shown at column level. */
  sourceColumn?: string;
  targetColumn?: string;
  kind: string;
  /** Carries a sensitive column's values. */
  sensitive: boolean;
  /** How many column edges this one stands for. */
  weight: number;
}

export interface LineageView {
  nodes: TableNode[];
  edges: ViewEdge[];
}

/** The table a lineage asset name belongs to, given the tables known. */
export function tableOf(asset: string, tables: Set<string>): string {
  if (tables.has(asset)) return asset;
  const cut = asset.lastIndexOf(".");
  return cut > 0 ? asset.slice(0, cut) : asset;
}

/**
 * Whether lineage's table name (`db.schema.table`, `schema.table` or
 * `table`) is the catalog's `schema.table`: lineage may name more parts.
 */
export function sameTable(lineageName: string, catalogName: string): boolean {
  const a = lineageName.toLowerCase();
  const b = catalogName.toLowerCase();
  return a === b || a.endsWith("." + b) || b.endsWith("." + a);
}

/**
 * The view of `graph` with `expanded` tables showing their columns, nodes
 * matching `search` marked, sensitive columns from `sensitive` marked.
 */
export function buildView(
  graph: Graph,
  expanded: Set<string>,
  search: string,
  sensitive: SensitiveMark[],
): LineageView {
  const tableNames = new Set<string>();
  for (const e of graph.edges) {
    tableNames.add(e.from.table);
    tableNames.add(e.to.table);
  }
  const tables = new Map<string, TableNode>();
  const touch = (name: string, distance: number | undefined): TableNode => {
    let node = tables.get(name);
    if (!node) {
      node = {
        id: name,
        distance: distance ?? 0,
        columns: [],
        labels: {},
        isRoot: false,
        matches: false,
        expanded: expanded.has(name),
      };
      tables.set(name, node);
    } else if (distance !== undefined && Math.abs(distance) < Math.abs(node.distance)) {
      node.distance = distance;
    }
    return node;
  };
  const addColumn = (node: TableNode, column: string | null | undefined) => {
    if (column && !node.columns.includes(column)) node.columns.push(column);
  };
  for (const [asset, distance] of Object.entries(graph.nodes)) {
    const table = tableOf(asset, tableNames);
    const node = touch(table, distance);
    if (table !== asset) addColumn(node, asset.slice(table.length + 1));
  }
  for (const e of graph.edges) {
    addColumn(touch(e.from.table, undefined), e.from.column);
    addColumn(touch(e.to.table, undefined), e.to.column);
  }
  const rootTable = tableOf(graph.root, tableNames);
  const rootNode = tables.get(rootTable);
  if (rootNode) rootNode.isRoot = true;

  for (const node of tables.values()) {
    node.columns.sort();
    for (const mark of sensitive) {
      if (sameTable(node.id, mark.table) && node.columns.includes(mark.column)) {
        node.labels[mark.column] = mark;
      }
    }
  }

  const needle = search.trim().toLowerCase();
  if (needle) {
    for (const node of tables.values()) {
      node.matches =
        node.id.toLowerCase().includes(needle) ||
        node.columns.some((c) => c.toLowerCase().includes(needle));
    }
  }

  const isSensitive = (e: Edge) => {
    const from = tables.get(e.from.table);
    return Boolean(from && e.from.column && from.labels[e.from.column]);
  };
  const folded = new Map<string, ViewEdge>();
  for (const e of graph.edges) {
    const columnLevel = e.from.column && e.to.column && expanded.has(e.from.table) && expanded.has(e.to.table);
    const sourceColumn = columnLevel ? e.from.column! : undefined;
    const targetColumn = columnLevel ? e.to.column! : undefined;
    const id = `${e.from.table}/${sourceColumn ?? ""}->${e.to.table}/${targetColumn ?? ""}`;
    const kept = folded.get(id);
    if (kept) {
      kept.weight += 1;
      kept.sensitive ||= isSensitive(e);
      if (kept.kind !== e.kind) kept.kind = "mixed";
    } else {
      folded.set(id, {
        id,
        source: e.from.table,
        target: e.to.table,
        sourceColumn,
        targetColumn,
        kind: e.kind,
        sensitive: isSensitive(e),
        weight: 1,
      });
    }
  }
  return { nodes: [...tables.values()], edges: [...folded.values()] };
}

export const NODE_WIDTH = 240;
const HEADER = 34;
const ROW = 22;

/** A node's height: its header, and a row per column when expanded. */
export function nodeHeight(node: TableNode): number {
  return HEADER + (node.expanded ? node.columns.length * ROW + 8 : 0);
}

/**
 * Positions by distance from the root: one column of nodes per step,
 * stacked in name order. Linear in the nodes, so it lays out thousands at
 * once; small graphs get ELK's layered layout instead (see the page).
 */
export function rankLayout(nodes: TableNode[]): Map<string, { x: number; y: number }> {
  const ranks = new Map<number, TableNode[]>();
  for (const n of nodes) {
    const rank = ranks.get(n.distance) ?? [];
    rank.push(n);
    ranks.set(n.distance, rank);
  }
  const out = new Map<string, { x: number; y: number }>();
  for (const [distance, rank] of ranks) {
    rank.sort((a, b) => a.id.localeCompare(b.id));
    let y = 0;
    for (const n of rank) {
      out.set(n.id, { x: distance * (NODE_WIDTH + 80), y });
      y += nodeHeight(n) + 16;
    }
  }
  return out;
}
