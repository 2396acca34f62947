import { useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";

/** The policies in effect, what they find now, and a file checked before it is deployed. */
export function Policies({ role }: { role: Schemas["Role"] }) {
  const policies = useQuery({ queryKey: ["policies"], queryFn: () => data(api.GET("/api/v1/policies")) });
  const findings = useQuery({ queryKey: ["findings", null, null, null], queryFn: () => data(api.GET("/api/v1/findings")) });
  const [open, setOpen] = useState<string | null>(null);

  const openFindings = new Map<string, number>();
  const lastSeen = new Map<string, string>();
  for (const f of findings.data ?? []) {
    openFindings.set(f.policy_key, (openFindings.get(f.policy_key) ?? 0) + 1);
    if ((lastSeen.get(f.policy_key) ?? "") < f.last_seen) lastSeen.set(f.policy_key, f.last_seen);
  }

  return (
    <div className="pad">
      <h1>Policies</h1>
      {policies.isError && <p className="error">{policies.error.message}</p>}
      {(policies.data?.problems ?? []).length > 0 && (
        <section className="card">
          <h2>Files that could not be read</h2>
          <Problems problems={policies.data!.problems} />
        </section>
      )}
      <table className="rows">
        <thead>
          <tr>
            <th>Policy</th>
            <th>Severity</th>
            <th className="num">Open findings</th>
            <th>Last found</th>
            <th>From</th>
          </tr>
        </thead>
        <tbody>
          {(policies.data?.policies ?? []).map((p) => (
            <PolicyRow
              key={p.id}
              policy={p}
              open={open === p.id}
              onToggle={() => setOpen(open === p.id ? null : p.id)}
              findings={openFindings.get(p.id) ?? 0}
              lastSeen={lastSeen.get(p.id)}
            />
          ))}
        </tbody>
      </table>
      {role === "admin" && <Validate />}
    </div>
  );
}

function PolicyRow({
  policy,
  open,
  onToggle,
  findings,
  lastSeen,
}: {
  policy: Schemas["Policy"];
  open: boolean;
  onToggle: () => void;
  findings: number;
  lastSeen?: string;
}) {
  return (
    <>
      <tr>
        <td>
          <button className="link" aria-expanded={open} onClick={onToggle}>
            <strong>{policy.title}</strong>
          </button>
          <div className="muted">{policy.id}</div>
        </td>
        <td>
          <span className={`sev sev-${policy.severity}`}>{policy.severity}</span>
        </td>
        <td className="num">
          {findings > 0 ? <Link to={`/findings?policy=${encodeURIComponent(policy.id)}`}>{findings}</Link> : <span className="muted">0</span>}
        </td>
        <td className="muted">{lastSeen ? new Date(lastSeen).toLocaleString() : "–"}</td>
        <td className="muted">{policy.origin}</td>
      </tr>
      {open && (
        <tr className="evidence">
          <td colSpan={5}>
            <p>{policy.description}</p>
            <p>
              <span className="muted">Remediation:</span> {policy.remediation}
            </p>
            {policy.tags.length > 0 && (
              <p>
                {policy.tags.map((t) => (
                  <span key={t} className="tag">{t}</span>
                ))}
              </p>
            )}
            <pre className="sql" aria-label={`SQL check of ${policy.id}`}>{policy.check}</pre>
          </td>
        </tr>
      )}
    </>
  );
}

export function Problems({ problems }: { problems: Schemas["PolicyProblem"][] }) {
  return (
    <ul className="problems">
      {problems.map((p, i) => (
        <li key={i} className="error">
          <code>
            {p.origin}
            {p.at && `:${p.at.line}:${p.at.column}`}
          </code>{" "}
          {p.policy && <span className="muted">({p.policy}) </span>}
          {p.message}
        </li>
      ))}
    </ul>
  );
}

/** An admin checks a policy file: read and planned, not deployed. */
function Validate() {
  const [name, setName] = useState("");
  const [text, setText] = useState("");
  const validate = useMutation({
    mutationFn: () => data(api.POST("/api/v1/policies/validate", { body: { name: name || "policy.toml", text } })),
  });
  return (
    <form
      className="card validate"
      onSubmit={(e) => {
        e.preventDefault();
        validate.mutate();
      }}
    >
      <h2>Check a policy file</h2>
      <label>
        File{" "}
        <input
          type="file"
          accept=".toml"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) {
              setName(file.name);
              setText(await file.text());
            }
          }}
        />
      </label>
      <label>
        Or its text <textarea rows={8} value={text} onChange={(e) => setText(e.target.value)} aria-label="Policy text" />
      </label>
      <button type="submit" disabled={!text || validate.isPending}>
        Check
      </button>
      {validate.isError && <p className="error" role="alert">{validate.error.message}</p>}
      {validate.data &&
        (validate.data.problems.length === 0 ? (
          <p className="status-succeeded">
            {validate.data.policies} {validate.data.policies === 1 ? "policy reads" : "policies read"} and plan without a problem.
          </p>
        ) : (
          <Problems problems={validate.data.problems} />
        ))}
    </form>
  );
}
