import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";

/** The page of a table, by its name as the catalog gives it. */
export function tableLink(name: string): string {
  return `/tables/${encodeURIComponent(name)}`;
}

const mayDecide = (role: Schemas["Role"]) => role === "steward" || role === "admin";

export function TablePage({ role }: { role: Schemas["Role"] }) {
  const { name = "" } = useParams();
  const detail = useQuery({
    queryKey: ["table", name],
    queryFn: () => data(api.GET("/api/v1/tables/{name}", { params: { path: { name } } })),
  });
  if (detail.isLoading) return <p className="pad muted">Loading {name}…</p>;
  if (detail.isError) return <p className="pad error">{detail.error.message}</p>;
  const t = detail.data!;
  const qualified = [t.table.schema, t.table.name].filter(Boolean).join(".");
  return (
    <div className="pad">
      <h1>{qualified}</h1>
      <p className="muted">
        {t.table.kind} in {t.source.name}
        {t.table.row_count != null && <> · {t.table.row_count.toLocaleString()} rows</>}
        {t.table.owner && <> · owner {t.table.owner}</>}
        {(t.table.tags ?? []).map((tag) => (
          <span key={tag} className="tag">{tag}</span>
        ))}
      </p>
      {t.table.description && <p>{t.table.description}</p>}
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
            <ColumnRow key={c.id} table={qualified} column={c} canDecide={mayDecide(role)} />
          ))}
        </tbody>
      </table>
      <h2>Schema changes</h2>
      {t.changes.length === 0 ? (
        <p className="muted">None since the first scan.</p>
      ) : (
        <ul>
          {t.changes.map((e) => (
            <li key={e.id}>
              <span className="muted">{new Date(e.detected_at).toLocaleString()}</span> {e.kind}{" "}
              {e.column ?? ""}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to={`/search?q=${encodeURIComponent(qualified)}`}>Related assets</Link>
      </p>
    </div>
  );
}

function ColumnRow({
  table,
  column,
  canDecide,
}: {
  table: string;
  column: Schemas["ColumnDetail"];
  canDecide: boolean;
}) {
  const [open, setOpen] = useState(false);
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
      <tr>
        <td>
          <strong>{column.name}</strong>
          {column.description && <div className="muted">{column.description}</div>}
        </td>
        <td><code>{column.data_type}</code></td>
        <td>{profile ? profile.null_count : "–"}</td>
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
