// A background task's progress events in words: each kind of work reports
// its own JSON (a scan per table, a check per policy, an ingest per file),
// so they are described generically: the event's name, then its fields.

/** One line for a progress event's JSON. */
export function describeEvent(value: unknown): string {
  if (value === null || typeof value !== "object") return String(value);
  const fields = { ...(value as Record<string, unknown>) };
  const name = typeof fields.event === "string" ? fields.event.replace(/_/g, " ") : "";
  delete fields.event;
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`);
  return [name, ...parts].filter(Boolean).join(" · ");
}

/** Whether a progress event reports something that failed. */
export function isFailure(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return v.status === "failed" || (typeof v.event === "string" && v.event.endsWith("failed")) || typeof v.error === "string";
}
