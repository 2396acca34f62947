import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";

type Job = Schemas["Record_QueuedJob"];
type Kind = Schemas["JobKind"];

const KINDS: Kind[] = ["scan", "check", "propagate", "ingest", "docs", "cost_snapshot", "reindex", "backup", "noop"];
/** Kinds that read or write the file or folder of the form's path field. */
const PATH_KINDS: Kind[] = ["backup", "ingest"];
const PATH_LABEL: Partial<Record<Kind, string>> = { backup: "Backup file", ingest: "Folder or file to ingest" };

const when = (at?: string | null) => (at ? new Date(at).toLocaleString() : "–");

function took(job: Job): string {
  if (!job.started_at || !job.finished_at) return "–";
  return `${((Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000).toFixed(1)} s`;
}

function target(job: Job): string {
  const p = (job.params ?? {}) as Record<string, unknown>;
  return ["source", "tables", "path"].map((k) => p[k]).filter(Boolean).join(" ");
}

/** Parameters a kind takes, from the form's fields (empty ones left out). */
function params(kind: Kind, source: string, path: string): Schemas["JobParams"] {
  const none = { source: null, tables: null, path: null, input: null, format: null, dialect: null, limit: null };
  if (kind === "scan" && source.trim()) return { ...none, source: source.trim() };
  if (PATH_KINDS.includes(kind)) return { ...none, path: path.trim() };
  return none;
}

/** Schedules and the queue: what runs on its own, what ran, and how it went. */
export function Jobs({ role }: { role: Schemas["Role"] }) {
  const isAdmin = role === "admin";
  const queries = useQueryClient();
  const schedules = useQuery({ queryKey: ["schedules"], queryFn: () => data(api.GET("/api/v1/schedules")) });
  // The queue moves on its own: look again every few seconds.
  const jobs = useQuery({
    queryKey: ["jobs"],
    queryFn: () => data(api.GET("/api/v1/jobs", { params: { query: { limit: 50 } } })),
    refetchInterval: 3000,
  });
  const [open, setOpen] = useState<number | null>(null);
  const refresh = () => {
    queries.invalidateQueries({ queryKey: ["schedules"] });
    queries.invalidateQueries({ queryKey: ["jobs"] });
  };

  const [runKind, setRunKind] = useState<Kind>("check");
  const [runSource, setRunSource] = useState("");
  const [runPath, setRunPath] = useState("");
  const runNow = useMutation({
    mutationFn: () =>
      data(api.POST("/api/v1/jobs", { body: { kind: runKind, params: params(runKind, runSource, runPath) } })),
    onSuccess: refresh,
  });

  const [name, setName] = useState("");
  const [kind, setKind] = useState<Kind>("scan");
  const [cron, setCron] = useState("0 2 * * *");
  const [timezone, setTimezone] = useState("UTC");
  const [missed, setMissed] = useState<Schemas["MissedRuns"]>("catch_up");
  const [source, setSource] = useState("");
  const [path, setPath] = useState("");
  const add = useMutation({
    mutationFn: () =>
      data(
        api.POST("/api/v1/schedules", {
          body: { name, kind, cron, timezone, missed, enabled: true, params: params(kind, source, path) },
        }),
      ),
    onSuccess: () => {
      setName("");
      refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (s: Schemas["Record_JobSchedule"]) =>
      data(api.PATCH("/api/v1/schedules/{name}", { params: { path: { name: s.name } }, body: { enabled: !s.enabled } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (name: string) => data(api.DELETE("/api/v1/schedules/{name}", { params: { path: { name } } })),
    onSuccess: refresh,
  });
  const cancel = useMutation({
    mutationFn: (id: number) => data(api.POST("/api/v1/jobs/{id}/cancel", { params: { path: { id } } })),
    onSuccess: refresh,
  });

  return (
    <div className="pad">
      <h1>Jobs</h1>
      <h2>Schedules</h2>
      {schedules.isError && <p className="error">{schedules.error.message}</p>}
      {schedules.data && schedules.data.length === 0 && <p className="muted">No schedules yet.</p>}
      {schedules.data && schedules.data.length > 0 && (
        <table className="rows schedules">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Cron</th>
              <th>Time zone</th>
              <th>After downtime</th>
              <th>Next</th>
              <th>Defined in</th>
              {isAdmin && <th>Actions</th>}
            </tr>
          </thead>
          <tbody>
            {schedules.data.map((s) => (
              <tr key={s.id} data-schedule={s.name}>
                <td>{s.name}</td>
                <td>{s.kind}</td>
                <td><code>{s.cron}</code></td>
                <td>{s.timezone}</td>
                <td>{s.missed === "skip" ? "skip" : "catch up"}</td>
                <td>{s.enabled ? when(s.next_at) : "off"}</td>
                <td>{s.origin === "config" ? "steward.toml" : "the API"}</td>
                {isAdmin && (
                  <td>
                    <button onClick={() => toggle.mutate(s)}>{s.enabled ? "Turn off" : "Turn on"}</button>{" "}
                    {s.origin !== "config" && (
                      <button onClick={() => remove.mutate(s.name)} aria-label={`Remove schedule ${s.name}`}>
                        Remove
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {[toggle, remove, cancel].map((m, i) => m.isError && <p key={i} className="error" role="alert">{m.error.message}</p>)}

      {isAdmin && (
        <div className="grid jobforms">
          <form
            className="card addsource"
            aria-label="New schedule"
            onSubmit={(e) => {
              e.preventDefault();
              add.mutate();
            }}
          >
            <h3>New schedule</h3>
            <label>Name <input value={name} onChange={(e) => setName(e.target.value)} required /></label>
            <label>
              Kind{" "}
              <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                {KINDS.map((k) => <option key={k}>{k}</option>)}
              </select>
            </label>
            <label>Cron <input value={cron} onChange={(e) => setCron(e.target.value)} required /></label>
            <label>Time zone <input value={timezone} onChange={(e) => setTimezone(e.target.value)} /></label>
            <label>
              After downtime{" "}
              <select value={missed} onChange={(e) => setMissed(e.target.value as Schemas["MissedRuns"])}>
                <option value="catch_up">catch up once</option>
                <option value="skip">skip</option>
              </select>
            </label>
            {kind === "scan" && <label>Source <input value={source} onChange={(e) => setSource(e.target.value)} placeholder="every source" /></label>}
            {PATH_KINDS.includes(kind) && <label>{PATH_LABEL[kind]} <input value={path} onChange={(e) => setPath(e.target.value)} required /></label>}
            <button type="submit" disabled={add.isPending}>Add schedule</button>
            {add.isError && <p className="error" role="alert">{add.error.message}</p>}
          </form>
          <form
            className="card addsource"
            aria-label="Run now"
            onSubmit={(e) => {
              e.preventDefault();
              runNow.mutate();
            }}
          >
            <h3>Run now</h3>
            <label>
              Job{" "}
              <select value={runKind} onChange={(e) => setRunKind(e.target.value as Kind)}>
                {KINDS.map((k) => <option key={k}>{k}</option>)}
              </select>
            </label>
            {runKind === "scan" && <label>Source to scan <input value={runSource} onChange={(e) => setRunSource(e.target.value)} placeholder="every source" /></label>}
            {PATH_KINDS.includes(runKind) && <label>{PATH_LABEL[runKind]} <input value={runPath} onChange={(e) => setRunPath(e.target.value)} required /></label>}
            <button type="submit" disabled={runNow.isPending}>Queue it</button>
            {runNow.isError && <p className="error" role="alert">{runNow.error.message}</p>}
            {runNow.isSuccess && <p className="muted">Queued: {runNow.data.map((j) => `#${j.id}`).join(", ")}</p>}
          </form>
        </div>
      )}

      <h2>Runs</h2>
      {jobs.isError && <p className="error">{jobs.error.message}</p>}
      {jobs.data && jobs.data.length === 0 && <p className="muted">Nothing has run yet.</p>}
      {jobs.data && jobs.data.length > 0 && (
        <table className="rows jobs">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Kind</th>
              <th>On</th>
              <th>Status</th>
              <th className="num">Attempt</th>
              <th>Started</th>
              <th className="num">Took</th>
              <th>Asked by</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {jobs.data.map((j) => (
              <JobRow
                key={j.id}
                job={j}
                open={open === j.id}
                onToggle={() => setOpen(open === j.id ? null : j.id)}
                onCancel={isAdmin && j.status === "queued" ? () => cancel.mutate(j.id) : undefined}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function JobRow({ job, open, onToggle, onCancel }: { job: Job; open: boolean; onToggle: () => void; onCancel?: () => void }) {
  return (
    <>
      <tr data-job={job.id}>
        <td className="num">{job.id}</td>
        <td>{job.kind}</td>
        <td>{target(job) || "–"}</td>
        <td className={`status-${job.status}`}>{job.status}</td>
        <td className="num">{job.attempts}/{job.max_attempts}</td>
        <td>{when(job.started_at)}</td>
        <td className="num">{took(job)}</td>
        <td>{job.requested_by}</td>
        <td>
          <button className="link" aria-expanded={open} onClick={onToggle}>log</button>
          {onCancel && <> · <button className="link" onClick={onCancel}>cancel</button></>}
        </td>
      </tr>
      {open && (
        <tr className="detail">
          <td colSpan={9}>
            {job.last_error && <p className="error">{job.last_error}</p>}
            {job.summary != null && <pre className="summary">{JSON.stringify(job.summary, null, 2)}</pre>}
            <ol className="steps" aria-label={`Log of job ${job.id}`}>
              {(job.log ?? []).map((line, i) => <li key={i}>{line}</li>)}
            </ol>
          </td>
        </tr>
      )}
    </>
  );
}
