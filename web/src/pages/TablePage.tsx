import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, data, type Schemas } from "../api/client";
import { BarChart } from "../components/Chart";
import { lineageLink, tableLink } from "../links";
import { bytes, money, percent } from "../lib/format";


const mayDecide = (role: Schemas["Role"]) => role === "steward" || role === "admin";

export function TablePage({ role }: { role: Schemas["Role"] }) {
  const { name = "" } = useParams();
  const detail = useQuery({
    queryKey: ["table", name],
    queryFn: () => tableOrColumn(name),
  });
  if (detail.isLoading) return <p className="pad muted">Loading {name}…</p>;
  if (detail.isError) return <p className="pad error">{detail.error.message}</p>;
  const { table: t, column: focused } = detail.data!;
  const qualified = [t.table.schema, t.table.name].filter(Boolean).join(".");
  // The name this page was opened by resolves to this table; the API takes it back.
  const canDecide = mayDecide(role);
  return (
    <div className="pad">
      <h1>{qualified}</h1>
      <p className="muted">
        {t.table.kind} in {t.source.name}
        {t.table.row_count != null && <> · {t.table.row_count.toLocaleString()} rows</>}
        {t.table.size_bytes != null && <> · {bytes(t.table.size_bytes)}</>}
        {" · "}
        <Link to={lineageLink(qualified)}>lineage</Link>
      </p>
      <Annotations name={`${t.source.name}.${qualified}`} table={t.table} canEdit={canDecide} />
      <h2>Columns</h2>
      <table className="columns">
        <thead>
          <tr>
            <th>Column</th>
            <th>Type</th>
            <th>Nulls</th>
            <th>Distinct</th>
            <th>Sensitive</th>
          </tr>
        </thead>
        <tbody>
          {t.columns.map((c) => (
            <ColumnRow key={c.id} table={qualified} column={c} canDecide={canDecide} focused={c.name === focused} />
          ))}
        </tbody>
      </table>
      {t.removed_with_decisions.length > 0 && (
        <p className="muted">
          Removed columns with a steward's decision kept:{" "}
          {t.removed_with_decisions.map((r) => `${r.column.name} (${r.decision.label})`).join(", ")}
        </p>
      )}
      <div className="grid panels">
        <LineagePanel asset={qualified} />
        <CostPanel source={t.source.name} table={qualified} />
        <UsagePanel table={qualified} />
        <section className="card" aria-labelledby="h-changes">
          <h2 id="h-changes">Schema changes</h2>
          {t.changes.length === 0 ? (
            <p className="muted">None since the first scan.</p>
          ) : (
            <ul>
              {t.changes.map((e) => (
                <li key={e.id}>
                  <span className="muted">{new Date(e.detected_at).toLocaleString()}</span> {e.kind}{" "}
                  {e.column ?? ""}
                  {e.before && e.after && <span className="muted"> ({e.before} → {e.after})</span>}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <p>
        <Link to={`/search?q=${encodeURIComponent(qualified)}`}>Related assets</Link>
      </p>
    </div>
  );
}

/**
 * The table a name gives, or, when the name is a column's (an answer's
 * citation, a lineage node), its table with that column picked out.
 */
async function tableOrColumn(name: string): Promise<{ table: Schemas["TableDetail"]; column?: string }> {
  try {
    return { table: await data(api.GET("/api/v1/tables/{name}", { params: { path: { name } } })) };
  } catch (e) {
    const cut = name.lastIndexOf(".");
    if (!(e instanceof ApiError) || e.status !== 404 || cut <= 0) throw e;
    const parent = name.slice(0, cut);
    const column = name.slice(cut + 1);
    const table = await data(api.GET("/api/v1/tables/{name}", { params: { path: { name: parent } } })).catch(() => {
      throw e;
    });
    if (!table.columns.some((c) => c.name === column)) throw e;
    return { table, column };
  }
}

/** Owner, description and tags: shown to all, edited by stewards. */
function Annotations({ name, table, canEdit }: { name: string; table: Schemas["Record_Table"]; canEdit: boolean }) {
  const [editing, setEditing] = useState(false);
  const [owner, setOwner] = useState(table.owner ?? "");
  const [description, setDescription] = useState(table.description ?? "");
  const [tags, setTags] = useState((table.tags ?? []).join(", "));
  const queries = useQueryClient();
  const save = useMutation({
    mutationFn: () => {
      const wanted = splitTags(tags);
      const had = table.tags ?? [];
      return data(
        api.PATCH("/api/v1/tables/{name}", {
          params: { path: { name } },
          body: {
            owner,
            description,
            add_tags: wanted.filter((t) => !had.includes(t)),
            remove_tags: had.filter((t) => !wanted.includes(t)),
          },
        }),
      );
    },
    onSuccess: () => {
      setEditing(false);
      queries.invalidateQueries({ queryKey: ["table"] });
    },
  });
  if (!editing) {
    return (
      <div className="annotations">
        <p>
          <span className="muted">Owner</span> {table.owner ?? <span className="muted">none</span>}
          {(table.tags ?? []).map((tag) => (
            <span key={tag} className="tag">{tag}</span>
          ))}
        </p>
        <p>{table.description ?? <span className="muted">No description.</span>}</p>
        {canEdit && <button onClick={() => setEditing(true)}>Edit owner, description and tags</button>}
      </div>
    );
  }
  return (
    <form
      className="annotations edit"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <label>
        Owner <input value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="team or person" />
      </label>
      <label>
        Description <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        Tags <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="gold, finance" />
      </label>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>Save</button>
        <button type="button" onClick={() => setEditing(false)}>Cancel</button>
      </div>
      {save.isError && <p className="error" role="alert">{save.error.message}</p>}
    </form>
  );
}

/** Tags as typed: split on commas or spaces, lowercased, each once. */
export function splitTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

function LineagePanel({ asset }: { asset: string }) {
  const graph = useQuery({
    queryKey: ["lineage", asset, 1, "both"],
    queryFn: () => data(api.GET("/api/v1/lineage/{asset}", { params: { path: { asset }, query: { depth: 1 } } })),
  });
  const near = (sign: number) =>
    [...new Set((graph.data?.edges ?? []).map((e) => (sign < 0 ? e.from.table : e.to.table)))].filter(
      (t) => t.toLowerCase() !== asset.toLowerCase() && !t.toLowerCase().endsWith("." + asset.toLowerCase()),
    );
  return (
    <section className="card" aria-labelledby="h-lineage">
      <h2 id="h-lineage">Lineage</h2>
      {graph.isError && <p className="muted">{graph.error.message}</p>}
      {graph.data && (
        <>
          <p>
            <span className="muted">Reads from</span> {listOrNone(near(-1))}
          </p>
          <p>
            <span className="muted">Feeds</span> {listOrNone(near(1))}
          </p>
        </>
      )}
      <Link to={lineageLink(asset)}>Open the graph</Link>
    </section>
  );
}

function listOrNone(tables: string[]) {
  if (tables.length === 0) return <span className="muted">nothing known</span>;
  return tables.slice(0, 8).map((t, i) => (
    <span key={t}>
      {i > 0 && ", "}
      <Link to={tableLink(t)}>{t}</Link>
    </span>
  ));
}

function CostPanel({ source, table }: { source: string; table: string }) {
  const cost = useQuery({ queryKey: ["cost"], queryFn: () => data(api.GET("/api/v1/cost")) });
  const row = cost.data?.tables.find((c) => c.source === source && c.table.toLowerCase() === table.toLowerCase());
  const savings = (cost.data?.savings ?? []).filter((s) => s.source === source && s.table.toLowerCase() === table.toLowerCase());
  return (
    <section className="card" aria-labelledby="h-cost">
      <h2 id="h-cost">Cost a month</h2>
      {cost.isError && <p className="muted">{cost.error.message}</p>}
      {cost.data && !row && <p className="muted">Not priced yet.</p>}
      {cost.data && row && (
        <>
          <p>
            Storage {money(row.storage_cost, cost.data.currency)} ({bytes(row.storage_bytes)}, {row.tier}) · compute{" "}
            {money(row.compute_cost, cost.data.currency)} over {row.reads} reads
          </p>
          {savings.map((s) => (
            <p key={s.kind}>
              <strong>Save {s.monthly != null ? money(s.monthly, cost.data!.currency) : "an unknown amount"}</strong>: {s.reason}
            </p>
          ))}
        </>
      )}
      <Link to="/cost">All costs</Link>
    </section>
  );
}

function UsagePanel({ table }: { table: string }) {
  const usage = useQuery({
    queryKey: ["usage", table],
    queryFn: () => data(api.GET("/api/v1/usage", { params: { query: { table, limit: 200 } } })),
  });
  const readers = new Map<string, number>();
  for (const u of usage.data ?? []) readers.set(u.user_name ?? "unknown", (readers.get(u.user_name ?? "unknown") ?? 0) + 1);
  const ranked = [...readers.entries()].sort((a, b) => b[1] - a[1]);
  return (
    <section className="card" aria-labelledby="h-usage">
      <h2 id="h-usage">Who reads it</h2>
      {usage.isError && <p className="muted">{usage.error.message}</p>}
      {usage.data && usage.data.length === 0 && <p className="muted">No logged queries read it.</p>}
      <ul>
        {ranked.slice(0, 8).map(([who, n]) => (
          <li key={who}>
            {who} <span className="muted">{n} {n === 1 ? "query" : "queries"}</span>
          </li>
        ))}
      </ul>
      {usage.data && usage.data.length > 0 && (
        <p className="muted">Last read {new Date(usage.data[0].executed_at).toLocaleString()}</p>
      )}
    </section>
  );
}

function ColumnRow({
  table,
  column,
  canDecide,
  focused,
}: {
  table: string;
  column: Schemas["ColumnDetail"];
  canDecide: boolean;
  focused: boolean;
}) {
  const [open, setOpen] = useState(focused);
  const [showProfile, setShowProfile] = useState(focused);
  const queries = useQueryClient();
  const label = column.sensitivity;
  const profile = column.profile;
  const decide = useMutation({
    mutationFn: (body: Schemas["Decision"]) =>
      data(
        api.POST("/api/v1/columns/{column}/decision", {
          params: { path: { column: `${table}.${column.name}` } },
          body,
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["table"] }),
  });
  return (
    <>
      <tr id={`column-${column.name}`} className={focused ? "focused" : undefined}>
        <td>
          {profile ? (
            <button className="link colname" aria-expanded={showProfile} onClick={() => setShowProfile(!showProfile)} title="Show the profile">
              <strong>{column.name}</strong>
            </button>
          ) : (
            <strong>{column.name}</strong>
          )}
          {column.description && <div className="muted">{column.description}</div>}
        </td>
        <td><code>{column.data_type}</code></td>
        <td>{profile ? `${profile.null_count} (${percent(profile.null_count, profile.row_count)})` : "–"}</td>
        <td>{profile?.distinct_approx ?? "–"}</td>
        <td>
          {label ? (
            <button className="link label" aria-expanded={open} onClick={() => setOpen(!open)}>
              {label.label} {Math.round(label.confidence * 100)}% · {label.origin}
            </button>
          ) : (
            <span className="muted">no</span>
          )}
        </td>
      </tr>
      {showProfile && profile && (
        <tr className="evidence">
          <td colSpan={5}>
            <Profile profile={profile} column={column.name} />
          </td>
        </tr>
      )}
      {open && label && (
        <tr className="evidence">
          <td colSpan={5}>
            <p>Why:</p>
            <ul>
              {(label.evidence ?? []).map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
            {label.decided_by && <p className="muted">Decided by {label.decided_by}{label.reason ? `: ${label.reason}` : ""}</p>}
            {canDecide && (
              <div className="actions">
                <button onClick={() => decide.mutate({ label: label.label, reason: "confirmed on the table page" })}>
                  Confirm {label.label}
                </button>
                <button onClick={() => decide.mutate({ not_sensitive: true, reason: "rejected on the table page" })}>
                  Not sensitive
                </button>
                <Relabel onPick={(l) => decide.mutate({ label: l, reason: "relabelled on the table page" })} />
              </div>
            )}
            {decide.isError && <p className="error">{decide.error.message}</p>}
          </td>
        </tr>
      )}
    </>
  );
}

function Relabel({ onPick }: { onPick: (label: string) => void }) {
  const [value, setValue] = useState("");
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) onPick(value.trim().toUpperCase());
      }}
    >
      <input aria-label="New label" placeholder="another label" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit">Relabel</button>
    </form>
  );
}

/** A column's profile: the figures, and its most frequent values (masked as stored) as bars. */
function Profile({ profile, column }: { profile: Schemas["Record_ColumnProfile"]; column: string }) {
  const top = profile.top_values ?? [];
  const facts: [string, string | number | null | undefined][] = [
    ["rows", profile.row_count],
    ["nulls", `${profile.null_count} (${percent(profile.null_count, profile.row_count)})`],
    ["distinct (approx.)", profile.distinct_approx],
    ["min", profile.min],
    ["max", profile.max],
    ["mean", profile.mean != null ? profile.mean.toPrecision(4) : null],
    ["length", profile.min_length != null ? `${profile.min_length}–${profile.max_length} (avg ${profile.avg_length?.toFixed(1)})` : null],
    ["sampled", profile.sampling.method === "full" ? "every row" : `${profile.sampling.method}, ${percent(profile.sampling.fraction, 1)} of rows`],
  ];
  return (
    <div className="profile">
      <dl>
        {facts
          .filter(([, v]) => v != null && v !== "")
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      {top.length > 0 ? (
        <BarChart label={`Most frequent values of ${column}`} categories={top.map((v) => v.value)} values={top.map((v) => v.count)} />
      ) : (
        <p className="muted">No frequent values kept.</p>
      )}
      <p className="muted">Profiled {new Date(profile.profiled_at).toLocaleString()}</p>
    </div>
  );
}
