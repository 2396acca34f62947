import { useMemo } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, data } from "../api/client";
import { TimeChart } from "../components/Chart";
import { tableLink } from "../links";
import { bytes, money, perDay } from "../lib/format";

/** What the catalog costs: by table, user and team, over time, and what could be saved. */
export function Cost() {
  const cost = useQuery({ queryKey: ["cost"], queryFn: () => data(api.GET("/api/v1/cost")) });
  const usage = useQuery({
    queryKey: ["usage", "all"],
    queryFn: () => data(api.GET("/api/v1/usage", { params: { query: { limit: 1000 } } })),
  });
  const daily = useMemo(
    () => perDay(usage.data ?? [], (u) => u.executed_at, (u) => u.bytes_scanned ?? 0),
    [usage.data],
  );

  if (cost.isLoading) return <p className="pad muted">Loading…</p>;
  if (cost.isError) return <p className="pad error">{cost.error.message}</p>;
  const c = cost.data!;
  const tables = [...c.tables].sort((a, b) => b.storage_cost + b.compute_cost - (a.storage_cost + a.compute_cost));
  return (
    <div className="pad">
      <h1>Cost</h1>
      <p>
        <strong>{money(c.totals.storage_monthly + c.totals.compute_monthly, c.currency)}</strong> a month: storage{" "}
        {money(c.totals.storage_monthly, c.currency)} ({bytes(c.totals.storage_bytes)}), compute{" "}
        {money(c.totals.compute_monthly, c.currency)} ({c.totals.queries} queries over {c.period_days.toFixed(0)} days,{" "}
        {bytes(c.totals.bytes_scanned)} scanned). Savings found: <strong>{money(c.totals.savings_monthly, c.currency)}</strong> a
        month.
      </p>
      {(c.totals.estimated_queries > 0 || c.totals.full_scan_queries > 0) && (
        <p className="muted">
          {c.totals.estimated_queries} queries' bytes estimated from their plans; {c.totals.full_scan_queries} charged the full
          size of what they read.
        </p>
      )}
      <div className="grid">
        <section className="card" aria-labelledby="h-savings">
          <h2 id="h-savings">Savings, largest first</h2>
          {c.savings.length === 0 && <p className="muted">None found.</p>}
          <ol>
            {c.savings.map((s, i) => (
              <li key={i}>
                <strong>{s.monthly != null ? money(s.monthly, c.currency) : "unknown amount"}</strong>{" "}
                <Link to={tableLink(s.table)}>{s.table}</Link> <span className="kind">{s.kind.replace(/_/g, " ")}</span>
                <div className="muted">{s.reason}</div>
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="h-daily">
          <h2 id="h-daily">Bytes scanned a day</h2>
          {daily.times.length > 1 ? (
            <TimeChart label="bytes scanned" times={daily.times} values={daily.values} format={bytes} width={420} />
          ) : (
            <p className="muted">Not enough logged queries for a chart.</p>
          )}
          <p className="muted">From the last {usage.data?.length ?? 0} logged queries.</p>
        </section>
        <Parties title="By user" rows={c.users} currency={c.currency} />
        <Parties title="By team" rows={c.teams} currency={c.currency} />
      </div>
      <h2>By table</h2>
      <table className="rows">
        <thead>
          <tr>
            <th>Table</th>
            <th className="num">Storage</th>
            <th className="num">Storage / month</th>
            <th className="num">Reads</th>
            <th className="num">Scanned</th>
            <th className="num">Compute</th>
            <th>Last read</th>
          </tr>
        </thead>
        <tbody>
          {tables.map((t) => (
            <tr key={`${t.source}.${t.table}`}>
              <td>
                <Link to={tableLink(`${t.source}.${t.table}`)}>{t.table}</Link> <span className="muted">{t.source}</span>
              </td>
              <td className="num">{bytes(t.storage_bytes)}</td>
              <td className="num">{money(t.storage_cost, c.currency)}</td>
              <td className="num">{t.reads}</td>
              <td className="num">{bytes(t.bytes_scanned)}</td>
              <td className="num">{money(t.compute_cost, c.currency)}</td>
              <td className="muted">{t.last_read ? new Date(t.last_read).toLocaleDateString() : "never"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Parties({
  title,
  rows,
  currency,
}: {
  title: string;
  rows: { name: string; queries: number; bytes_scanned: number; compute_cost: number }[];
  currency: string;
}) {
  const ranked = [...rows].sort((a, b) => b.compute_cost - a.compute_cost);
  return (
    <section className="card" aria-label={title}>
      <h2>{title}</h2>
      {ranked.length === 0 && <p className="muted">No logged queries.</p>}
      <table className="rows">
        <tbody>
          {ranked.slice(0, 12).map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td className="num">{p.queries} queries</td>
              <td className="num">{bytes(p.bytes_scanned)}</td>
              <td className="num">{money(p.compute_cost, currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
