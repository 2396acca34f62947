import { memo, useCallback, useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import {
  Background,
  Controls,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
  type Viewport,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { api, data, type Schemas } from "../api/client";
import {
  buildView,
  NODE_WIDTH,
  nodeHeight,
  rankLayout,
  type SensitiveMark,
  type TableNode,
} from "../lib/lineage";
import { tableLink } from "../links";

/** Above this many tables the graph is laid out by distance, not by ELK. */
const ELK_LIMIT = 300;
/** Below this zoom, nodes show their names only (level of detail). */
const DETAIL_ZOOM = 0.45;

type Direction = "up" | "down" | "both";
type Change = "drop" | "retype";

/** The lineage around a table or column, as a graph a steward can walk. */
export function LineagePage() {
  const { asset = "" } = useParams();
  return (
    <ReactFlowProvider>
      <LineageGraph key={asset} asset={asset} />
    </ReactFlowProvider>
  );
}

function LineageGraph({ asset }: { asset: string }) {
  const [params, setParams] = useSearchParams();
  const depth = Number(params.get("depth") ?? 3);
  const direction = (params.get("direction") ?? "both") as Direction;
  const change = params.get("impact") as Change | null;
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [search, setSearch] = useState("");
  const [detailed, setDetailed] = useState(true);
  const flow = useReactFlow();

  const graph = useQuery({
    queryKey: ["lineage", asset, depth, direction],
    queryFn: () =>
      data(
        api.GET("/api/v1/lineage/{asset}", {
          params: { path: { asset }, query: { depth, direction } },
        }),
      ),
  });
  const sensitive = useQuery({ queryKey: ["sensitive"], queryFn: () => data(api.GET("/api/v1/sensitive")) });
  const impact = useQuery({
    queryKey: ["impact", asset, change, depth],
    enabled: change !== null,
    queryFn: () =>
      data(
        api.GET("/api/v1/impact/{asset}", {
          params: { path: { asset }, query: { change: change!, depth } },
        }),
      ),
  });

  const marks: SensitiveMark[] = useMemo(
    () =>
      (sensitive.data ?? [])
        .filter((c) => c.verdict !== "rejected")
        .map((c) => ({ table: c.table, column: c.column, label: c.label, derived: c.origin === "derived" })),
    [sensitive.data],
  );
  const view = useMemo(
    () => (graph.data ? buildView(graph.data, expanded, search, marks) : undefined),
    [graph.data, expanded, search, marks],
  );
  const effects = useMemo(() => {
    const out = new Map<string, Schemas["Affected"]>();
    for (const a of impact.data?.assets ?? []) out.set(a.asset, a);
    return out;
  }, [impact.data]);

  const toggle = useCallback(
    (id: string) =>
      setExpanded((was) => {
        const next = new Set(was);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );

  const [positions, setPositions] = useState<Map<string, { x: number; y: number }>>(new Map());
  useEffect(() => {
    if (!view) return;
    let current = true;
    if (view.nodes.length > ELK_LIMIT) {
      setPositions(rankLayout(view.nodes));
    } else {
      elkLayout(view.nodes, view.edges).then(
        (at) => current && setPositions(at),
        () => current && setPositions(rankLayout(view.nodes)),
      );
    }
    return () => {
      current = false;
    };
  }, [view]);

  const nodes: Node<TableData>[] = useMemo(
    () =>
      (view?.nodes ?? []).map((n) => ({
        id: n.id,
        type: "table",
        position: positions.get(n.id) ?? { x: n.distance * (NODE_WIDTH + 80), y: 0 },
        data: { table: n, onToggle: toggle, effect: effectOf(n, effects) },
        width: NODE_WIDTH,
        height: nodeHeight(n),
      })),
    [view, positions, toggle, effects],
  );
  const edges: Edge[] = useMemo(
    () =>
      (view?.edges ?? []).map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        sourceHandle: e.sourceColumn ? `out:${e.sourceColumn}` : "out",
        targetHandle: e.targetColumn ? `in:${e.targetColumn}` : "in",
        label: e.weight > 1 ? `${e.weight} columns` : e.kind === "direct" ? undefined : e.kind,
        className: e.sensitive ? "edge-sensitive" : undefined,
        animated: false,
      })),
    [view],
  );

  const matches = (view?.nodes ?? []).filter((n) => n.matches);
  const findNext = () => {
    if (matches.length > 0) flow.fitView({ nodes: matches.slice(0, 20).map((n) => ({ id: n.id })), duration: 300, maxZoom: 1.2 });
  };
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const onMove = useCallback((_: unknown, viewport: Viewport) => setDetailed(viewport.zoom >= DETAIL_ZOOM), []);

  return (
    <div className="lineage">
      <div className="pad toolbar">
        <h1>
          Lineage of <Link to={tableLink(asset.split(".").slice(0, 2).join("."))}>{asset}</Link>
        </h1>
        <div className="filters">
          <label>
            Direction{" "}
            <select aria-label="Direction" value={direction} onChange={(e) => set("direction", e.target.value)}>
              <option value="both">up and down</option>
              <option value="up">upstream</option>
              <option value="down">downstream</option>
            </select>
          </label>
          <label>
            Depth{" "}
            <input
              aria-label="Depth"
              type="number"
              min={1}
              max={10}
              value={depth}
              onChange={(e) => set("depth", String(Math.min(10, Math.max(1, Number(e.target.value) || 1))))}
            />
          </label>
          <label>
            Impact of{" "}
            <select aria-label="Impact" value={change ?? ""} onChange={(e) => set("impact", e.target.value || null)}>
              <option value="">no change</option>
              <option value="drop">dropping it</option>
              <option value="retype">retyping it</option>
            </select>
          </label>
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              findNext();
            }}
          >
            <input aria-label="Find in graph" placeholder="find in graph" value={search} onChange={(e) => setSearch(e.target.value)} />
            <button type="submit" disabled={matches.length === 0}>
              Show {search ? `${matches.length} found` : ""}
            </button>
          </form>
          <button onClick={() => setExpanded(new Set(view?.nodes.map((n) => n.id)))}>Expand all</button>
          <button onClick={() => setExpanded(new Set())}>Collapse all</button>
        </div>
        {graph.isError && <p className="error">{graph.error.message}</p>}
        {view && (
          <p className="muted" aria-live="polite">
            {view.nodes.length} tables, {view.edges.length} links
            {graph.data && graph.data.inputs.length > 0 && <> · read from {graph.data.inputs.length} queries, models or jobs</>}
            {impact.data && <> · {impact.data.assets.filter((a) => a.effect !== "unaffected").length} assets affected</>}
            {marks.length > 0 && <> · <span className="legend-sensitive">red</span>: carries a sensitive column</>}
          </p>
        )}
      </div>
      <div className={`canvas${detailed ? "" : " coarse"}`} data-testid="lineage-canvas">
        {graph.isLoading && <p className="pad muted">Loading the graph…</p>}
        {view && (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onMove={onMove}
            fitView
            minZoom={0.02}
            onlyRenderVisibleElements
            nodesConnectable={false}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls />
            {view.nodes.length <= 2000 && <MiniMap pannable zoomable />}
          </ReactFlow>
        )}
      </div>
    </div>
  );
}

interface TableData extends Record<string, unknown> {
  table: TableNode;
  onToggle: (id: string) => void;
  effect?: Schemas["Affected"];
}

function effectOf(node: TableNode, effects: Map<string, Schemas["Affected"]>): Schemas["Affected"] | undefined {
  // The worst effect on the table or any of its columns.
  const order = ["unaffected", "review", "type_changes", "breaks"];
  let worst: Schemas["Affected"] | undefined;
  for (const name of [node.id, ...node.columns.map((c) => `${node.id}.${c}`)]) {
    const e = effects.get(name);
    if (e && (!worst || order.indexOf(e.effect) > order.indexOf(worst.effect))) worst = e;
  }
  return worst;
}

const TableNodeView = memo(function TableNodeView({ data }: NodeProps<Node<TableData>>) {
  const t = data.table;
  const labels = Object.values(t.labels);
  const classes = ["lnode", t.isRoot && "root", t.matches && "match", labels.length > 0 && "sensitive", data.effect && `effect-${data.effect.effect}`]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={classes} title={data.effect ? `${data.effect.effect}: ${data.effect.because}` : undefined}>
      <Handle type="target" position={Position.Left} id="in" />
      <div className="lhead">
        <button
          className="link toggle"
          aria-expanded={t.expanded}
          aria-label={`${t.expanded ? "Collapse" : "Expand"} ${t.id}`}
          onClick={() => data.onToggle(t.id)}
          disabled={t.columns.length === 0}
        >
          {t.expanded ? "▾" : "▸"}
        </button>
        <Link to={tableLink(t.id)} className="lname" title={t.id}>
          {t.id}
        </Link>
        <span className="detail">
          {labels.length > 0 && <span className="label">{labels.length} sensitive</span>}
          {data.effect && data.effect.effect !== "unaffected" && <span className={`effect ${data.effect.effect}`}>{data.effect.effect.replace("_", " ")}</span>}
        </span>
      </div>
      {t.expanded && (
        <ul className="lcols">
          {t.columns.map((c) => (
            <li key={c} className={t.labels[c] ? "sensitive" : undefined}>
              <Handle type="target" position={Position.Left} id={`in:${c}`} />
              {c}
              {t.labels[c] && (
                <span className="label" title={t.labels[c].derived ? "derived along lineage" : "detected or decided"}>
                  {t.labels[c].label}
                  {t.labels[c].derived ? " (derived)" : ""}
                </span>
              )}
              <Handle type="source" position={Position.Right} id={`out:${c}`} />
            </li>
          ))}
        </ul>
      )}
      <Handle type="source" position={Position.Right} id="out" />
    </div>
  );
});

const NODE_TYPES = { table: TableNodeView };

/** ELK's layered layout (left to right), loaded only when a graph needs it. */
async function elkLayout(
  nodes: TableNode[],
  edges: { id: string; source: string; target: string }[],
): Promise<Map<string, { x: number; y: number }>> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const laid = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "80",
      "elk.spacing.nodeNode": "16",
    },
    children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: nodeHeight(n) })),
    edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, { x: number; y: number }>();
  for (const child of laid.children ?? []) out.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return out;
}
