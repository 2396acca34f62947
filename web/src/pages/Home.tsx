import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, data } from "../api/client";
import { tableLink } from "../links";

const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;

/** What needs a steward's attention. */
export function Home() {
  const findings = useQuery({ queryKey: ["findings", "open"], queryFn: () => data(api.GET("/api/v1/findings")) });
  const sensitive = useQuery({ queryKey: ["sensitive"], queryFn: () => data(api.GET("/api/v1/sensitive")) });
  const sources = useQuery({ queryKey: ["sources"], queryFn: () => data(api.GET("/api/v1/sources")) });
  const proposals = useQuery({
    queryKey: ["proposals", "pending"],
    queryFn: () => data(api.GET("/api/v1/proposals", { params: { query: { status: "pending" } } })),
  });
  const tasks = useQuery({ queryKey: ["tasks"], queryFn: () => data(api.GET("/api/v1/tasks")) });

  const bySeverity = new Map<string, number>();
  for (const f of findings.data ?? []) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  // Labels only the detector has given: a steward has not looked yet.
  const undecided = (sensitive.data ?? []).filter((c) => c.origin === "detector").slice(0, 10);
  const failing = (sources.data ?? []).filter((s) => s.scan_error);

  return (
    <div className="pad grid">
      <section className="card" aria-labelledby="h-findings">
        <h2 id="h-findings">Open findings</h2>
        {findings.isError && <p className="error">{findings.error.message}</p>}
        <ul className="severities">
          {SEVERITIES.map((s) => (
            <li key={s}>
              <Link to={`/findings?severity=${s}`} className={`sev sev-${s}`}>
                <strong>{bySeverity.get(s) ?? 0}</strong> {s}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="h-sensitive">
        <h2 id="h-sensitive">Sensitive columns awaiting a steward</h2>
        {undecided.length === 0 && !sensitive.isLoading && <p className="muted">None.</p>}
        <ul>
          {undecided.map((c) => (
            <li key={`${c.source}.${c.table}.${c.column}`}>
              <Link to={tableLink(c.table)}>{c.table}.{c.column}</Link> <span className="label">{c.label}</span>{" "}
              <span className="muted">{Math.round(c.confidence * 100)}%</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="h-sources">
        <h2 id="h-sources">Sources</h2>
        <ul>
          {(sources.data ?? []).map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong> <span className="muted">{s.kind}</span>{" "}
              {s.scanned_at ? <span className="muted">scanned {new Date(s.scanned_at).toLocaleString()}</span> : <span className="muted">never scanned</span>}
            </li>
          ))}
        </ul>
        {failing.map((s) => (
          <p key={s.id} className="error">{s.name}: {s.scan_error}</p>
        ))}
      </section>
      <section className="card" aria-labelledby="h-proposals">
        <h2 id="h-proposals">Descriptions to review</h2>
        {(proposals.data ?? []).length === 0 && !proposals.isLoading && <p className="muted">None pending.</p>}
        <ul>
          {(proposals.data ?? []).slice(0, 10).map((p) => (
            <li key={p.id}>
              <Link to={tableLink(p.target.split(".").slice(0, 2).join("."))}>{p.target}</Link>: <span className="muted">{p.text}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="h-tasks">
        <h2 id="h-tasks">Recent scans and checks</h2>
        {(tasks.data ?? []).length === 0 && !tasks.isLoading && <p className="muted">None since the server started.</p>}
        <ul>
          {(tasks.data ?? []).slice(0, 8).map((t) => (
            <li key={t.id}>
              {t.kind} {t.target ?? "of everything"}: <span className={`status-${t.status}`}>{t.status}</span>{" "}
              <span className="muted">by {t.started_by}, {new Date(t.started_at).toLocaleString()}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
