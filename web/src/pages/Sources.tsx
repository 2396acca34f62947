import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";
import { TaskProgress } from "../components/TaskProgress";

/** The sources, their last scans and errors; scans and checks run from here with live progress. */
export function Sources({ role }: { role: Schemas["Role"] }) {
  const isAdmin = role === "admin";
  const canCheck = role === "steward" || role === "admin";
  const queries = useQueryClient();
  const sources = useQuery({ queryKey: ["sources"], queryFn: () => data(api.GET("/api/v1/sources")) });
  const tasks = useQuery({ queryKey: ["tasks"], queryFn: () => data(api.GET("/api/v1/tasks")) });
  const [following, setFollowing] = useState<number | null>(null);

  const scan = useMutation({
    mutationFn: (source: string | null) => data(api.POST("/api/v1/scans", { body: source ? { source } : {} })),
    onSuccess: (task) => {
      setFollowing(task.id);
      queries.invalidateQueries({ queryKey: ["tasks"] });
    },
  });
  const check = useMutation({
    mutationFn: () => data(api.POST("/api/v1/checks", { body: {} })),
    onSuccess: (task) => {
      setFollowing(task.id);
      queries.invalidateQueries({ queryKey: ["tasks"] });
    },
  });
  const remove = useMutation({
    mutationFn: (name: string) => data(api.DELETE("/api/v1/sources/{name}", { params: { path: { name } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["sources"] }),
  });

  return (
    <div className="pad">
      <h1>Sources and tasks</h1>
      {sources.isError && <p className="error">{sources.error.message}</p>}
      <table className="rows">
        <thead>
          <tr>
            <th>Source</th>
            <th>Kind</th>
            <th>Where</th>
            <th>Last scan</th>
            {isAdmin && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {(sources.data ?? []).map((s) => (
            <tr key={s.id}>
              <td>
                <strong>{s.name}</strong>
                {s.description && <div className="muted">{s.description}</div>}
              </td>
              <td>{s.kind}</td>
              <td>
                <code>{s.url}</code>
              </td>
              <td>
                {s.scanned_at ? new Date(s.scanned_at).toLocaleString() : <span className="muted">never</span>}
                {s.scan_error && <div className="error">{s.scan_error}</div>}
              </td>
              {isAdmin && (
                <td className="actions">
                  <button onClick={() => scan.mutate(s.name)} disabled={scan.isPending}>
                    Scan {s.name} now
                  </button>
                  <button
                    onClick={() => {
                      if (confirm(`Remove ${s.name} and everything the catalog knows of it?`)) remove.mutate(s.name);
                    }}
                  >
                    Remove
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        {isAdmin && (
          <button onClick={() => scan.mutate(null)} disabled={scan.isPending}>
            Scan every source
          </button>
        )}
        {canCheck && (
          <button onClick={() => check.mutate()} disabled={check.isPending}>
            Check the policies now
          </button>
        )}
      </div>
      {[scan, check, remove].map((m, i) => m.isError && <p key={i} className="error" role="alert">{m.error.message}</p>)}
      {following !== null && (
        <section aria-label="Progress">
          <h2>Task {following}</h2>
          <TaskProgress key={following} id={following} />
        </section>
      )}
      {isAdmin && <AddSource />}
      <h2>Tasks</h2>
      {tasks.data && tasks.data.length === 0 && <p className="muted">None since the server started.</p>}
      <table className="rows">
        <tbody>
          {(tasks.data ?? []).map((t) => (
            <tr key={t.id}>
              <td>#{t.id}</td>
              <td>
                {t.kind}
                {t.target && <> of {t.target}</>}
              </td>
              <td className={`status-${t.status}`}>{t.status}</td>
              <td className="muted">
                by {t.started_by}, {new Date(t.started_at).toLocaleString()}
                {t.error && <div className="error">{t.error}</div>}
              </td>
              <td>
                <button className="link" onClick={() => setFollowing(t.id)}>
                  {t.status === "running" ? "Follow" : "Show"}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AddSource() {
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const queries = useQueryClient();
  const add = useMutation({
    mutationFn: () =>
      data(api.POST("/api/v1/sources", { body: { name, url, ...(description ? { description } : {}) } })),
    onSuccess: () => {
      setName("");
      setUrl("");
      setDescription("");
      queries.invalidateQueries({ queryKey: ["sources"] });
    },
  });
  return (
    <form
      className="card addsource"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <h2>Add a source</h2>
      <label>
        Name <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="sales" />
      </label>
      <label>
        URL{" "}
        <input
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="postgres://reader@db/sales, sqlite:///data/app.db, /data/lake"
        />
      </label>
      <label>
        Description <input value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <p className="muted">Never put a password in the URL: the source's `password_env` option names the variable that holds it.</p>
      <button type="submit" disabled={add.isPending}>
        {add.isPending ? "Connecting…" : "Add"}
      </button>
      {add.isError && <p className="error" role="alert">{add.error.message}</p>}
      {add.isSuccess && <p className="status-succeeded">Added {add.data.name}; scan it to fill the catalog.</p>}
    </form>
  );
}
