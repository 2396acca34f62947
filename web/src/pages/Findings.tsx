import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";

const STATUSES = ["open", "acknowledged", "waived", "resolved"] as const;
const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;

/** The inbox: findings filtered, acted on one at a time or in bulk. */
export function Findings({ role }: { role: Schemas["Role"] }) {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") as Schemas["FindingStatus"] | null;
  const severity = params.get("severity") as Schemas["Severity"] | null;
  const policy = params.get("policy");
  const owner = params.get("owner");
  const [ownerText, setOwnerText] = useState(owner ?? "");
  const [shown, setShown] = useState<number | null>(null);
  const queries = useQueryClient();
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState("");

  const findings = useQuery({
    queryKey: ["findings", status, severity, policy, owner],
    queryFn: () =>
      data(
        api.GET("/api/v1/findings", {
          params: {
            query: {
              ...(status ? { status } : {}),
              ...(severity ? { severity } : {}),
              ...(policy ? { policy } : {}),
              ...(owner ? { owner } : {}),
            },
          },
        }),
      ),
  });
  const act = useMutation({
    mutationFn: (action: Schemas["Act"]) =>
      data(
        api.POST("/api/v1/findings/actions", {
          body: { ids: [...picked], action, reason, ...(until ? { until } : {}) },
        }),
      ),
    onSuccess: () => {
      setPicked(new Set());
      queries.invalidateQueries({ queryKey: ["findings"] });
    },
  });

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const canAct = role === "steward" || role === "admin";
  const rows = findings.data ?? [];
  const failed = (act.data ?? []).filter((o) => o.error);

  return (
    <div className="pad">
      <h1>Findings</h1>
      <div className="filters">
        <label>
          Status{" "}
          <select value={status ?? ""} onChange={(e) => set("status", e.target.value)} aria-label="Status">
            <option value="">open and acknowledged</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          At least{" "}
          <select value={severity ?? ""} onChange={(e) => set("severity", e.target.value)} aria-label="Severity">
            <option value="">any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            set("owner", ownerText.trim());
          }}
        >
          <input aria-label="Owner" placeholder="owner" value={ownerText} onChange={(e) => setOwnerText(e.target.value)} />
          <button type="submit">Filter</button>
        </form>
        {policy && (
          <button className="link" onClick={() => set("policy", "")}>
            policy {policy} ✕
          </button>
        )}
      </div>
      {canAct && (
        <form
          className="bulk"
          onSubmit={(e) => e.preventDefault()}
          aria-label="Act on the findings picked"
        >
          <span>{picked.size} picked</span>
          <input placeholder="Why (kept in each finding's history)" aria-label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <input placeholder="Waived until (2027-03-31)" aria-label="Waived until" value={until} onChange={(e) => setUntil(e.target.value)} />
          <button disabled={!picked.size || !reason} onClick={() => act.mutate("acknowledge")}>Acknowledge</button>
          <button disabled={!picked.size || !reason} onClick={() => act.mutate("waive")}>Waive</button>
          <button disabled={!picked.size || !reason} onClick={() => act.mutate("reopen")}>Reopen</button>
        </form>
      )}
      {act.isError && <p className="error">{act.error.message}</p>}
      {failed.map((o) => (
        <p key={o.id} className="error">Finding {o.id}: {o.error?.detail}</p>
      ))}
      {findings.isError && <p className="error">{findings.error.message}</p>}
      <table className="findings">
        <thead>
          <tr>
            {canAct && (
              <th>
                <input
                  type="checkbox"
                  aria-label="Pick all"
                  checked={rows.length > 0 && picked.size === rows.length}
                  onChange={(e) => setPicked(e.target.checked ? new Set(rows.map((f) => f.id)) : new Set())}
                />
              </th>
            )}
            <th>Severity</th>
            <th>Policy</th>
            <th>Asset</th>
            <th>What</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f.id} data-finding={f.id}>
              {canAct && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Pick finding ${f.id}`}
                    checked={picked.has(f.id)}
                    onChange={(e) => {
                      const next = new Set(picked);
                      if (e.target.checked) next.add(f.id);
                      else next.delete(f.id);
                      setPicked(next);
                    }}
                  />
                </td>
              )}
              <td><span className={`sev sev-${f.severity}`}>{f.severity}</span></td>
              <td>
                <button className="link" onClick={() => set("policy", f.policy_key)}>{f.policy_key}</button>
              </td>
              <td>{f.asset}</td>
              <td>
                {f.message}{" "}
                <button className="link" aria-expanded={shown === f.id} onClick={() => setShown(shown === f.id ? null : f.id)}>
                  history
                </button>
                {shown === f.id && <History id={f.id} />}
              </td>
              <td>
                {f.status}
                {f.waived_until && <div className="muted">until {new Date(f.waived_until).toLocaleDateString()}</div>}
                {f.reason && <div className="muted">{f.actor}: {f.reason}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && !findings.isLoading && <p className="muted">No findings here.</p>}
    </div>
  );
}

/** What happened to a finding, oldest first: opened, acted on, resolved. */
function History({ id }: { id: number }) {
  const detail = useQuery({
    queryKey: ["finding", id],
    queryFn: () => data(api.GET("/api/v1/findings/{id}", { params: { path: { id } } })),
  });
  if (detail.isLoading) return <p className="muted">Loading…</p>;
  if (detail.isError) return <p className="error">{detail.error.message}</p>;
  return (
    <ol className="history" aria-label={`History of finding ${id}`}>
      {detail.data!.history.map((e) => (
        <li key={e.id}>
          <span className="muted">{new Date(e.at).toLocaleString()}</span> {e.action.replace(/^finding\./, "").replace(/_/g, " ")}
          {e.actor && <> by {e.actor}</>}
          {reasonOf(e.details) && <>: {reasonOf(e.details)}</>}
        </li>
      ))}
    </ol>
  );
}

function reasonOf(details: unknown): string | undefined {
  const reason = (details as Record<string, unknown> | null)?.reason;
  return typeof reason === "string" ? reason : undefined;
}
