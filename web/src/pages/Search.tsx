import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";
import { tableLink } from "../links";

const FACETS = ["kind", "source", "schema", "label", "owner", "tag"] as const;
type Facet = (typeof FACETS)[number];

/** The snippet with its matched words marked. */
function Snippet({ hit }: { hit: Schemas["Hit"] }) {
  const text = new TextEncoder().encode(hit.snippet);
  const decoder = new TextDecoder();
  const parts: React.ReactNode[] = [];
  let at = 0;
  const ranges = (hit.highlights as unknown as { start: number; end: number }[]).slice().sort((a, b) => a.start - b.start);
  for (const [i, r] of ranges.entries()) {
    if (r.start < at) continue;
    parts.push(decoder.decode(text.slice(at, r.start)));
    parts.push(<mark key={i}>{decoder.decode(text.slice(r.start, r.end))}</mark>);
    at = r.end;
  }
  parts.push(decoder.decode(text.slice(at)));
  return <span className="snippet">{parts}</span>;
}

/** Where a hit leads: its table's page, or the findings it names. */
function target(hit: Schemas["Hit"]): string | null {
  const doc = hit.doc;
  if (hit.kind === "table") return tableLink(doc.name);
  if (hit.kind === "column" && doc.table) return tableLink(doc.table);
  if (hit.kind === "finding" || hit.kind === "policy") return "/findings";
  return null;
}

export function Search() {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const filters = Object.fromEntries(FACETS.flatMap((f) => (params.get(f) ? [[f, params.get(f)!]] : [])));
  const results = useQuery({
    queryKey: ["search", q, filters],
    enabled: q.length > 0,
    queryFn: () => data(api.GET("/api/v1/search", { params: { query: { q, limit: 50, ...filters } } })),
  });

  const toggle = (facet: Facet, value: string) => {
    const next = new URLSearchParams(params);
    if (next.get(facet) === value) next.delete(facet);
    else next.set(facet, value);
    setParams(next);
  };

  if (!q) return <p className="pad muted">Type in the search box (or press /).</p>;
  return (
    <div className="pad search">
      <aside className="facets" aria-label="Facets">
        {FACETS.map((facet) => {
          const values = (results.data?.facets[facet] ?? []) as unknown as [string, number][];
          if (values.length === 0) return null;
          return (
            <fieldset key={facet}>
              <legend>{facet}</legend>
              {values.slice(0, 12).map(([value, count]) => (
                <label key={value}>
                  <input type="checkbox" checked={params.get(facet) === value} onChange={() => toggle(facet, value)} />{" "}
                  {value} <span className="muted">{count}</span>
                </label>
              ))}
            </fieldset>
          );
        })}
      </aside>
      <section>
        {results.isLoading && <p className="muted">Searching…</p>}
        {results.isError && <p className="error">{results.error.message}</p>}
        {results.data && (
          <p className="muted">
            {results.data.total} match{results.data.total === 1 ? "" : "es"} for “{q}”
          </p>
        )}
        <ol className="hits">
          {(results.data?.hits ?? []).map((hit) => {
            const to = target(hit);
            return (
              <li key={hit.id}>
                <span className={`kind kind-${hit.kind}`}>{hit.kind}</span>{" "}
                {to ? <Link to={to}>{hit.name}</Link> : <strong>{hit.name}</strong>}
                {/* A label is indexed with the words it is known by; show its name. */}
                {hit.doc.labels.map((l) => (
                  <span key={l} className="label">{l.split(" ")[0]}</span>
                ))}
                <div><Snippet hit={hit} /></div>
              </li>
            );
          })}
        </ol>
      </section>
    </div>
  );
}
