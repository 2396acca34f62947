// Numbers as stewards read them.

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/** Bytes in binary units, three significant figures. */
export function bytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return "–";
  let value = Math.abs(n);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 ? String(value) : value.toPrecision(3);
  return `${n < 0 ? "-" : ""}${shown} ${UNITS[unit]}`;
}

/** Money in the report's currency, two decimals (more for tiny amounts). */
export function money(n: number | null | undefined, currency: string): string {
  if (n == null || !Number.isFinite(n)) return "–";
  const digits = n !== 0 && Math.abs(n) < 0.01 ? 4 : 2;
  return `${n.toFixed(digits)} ${currency}`;
}

/** A share as a whole percentage, "<1%" when small but not zero. */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return "–";
  const p = (100 * part) / whole;
  if (p > 0 && p < 1) return "<1%";
  return `${Math.round(p)}%`;
}

/**
 * Sums `value` per UTC day of `at`: the points of a chart over time, in
 * seconds since the epoch, days with nothing left out.
 */
export function perDay<T>(rows: T[], at: (row: T) => string, value: (row: T) => number): { times: number[]; values: number[] } {
  const days = new Map<number, number>();
  for (const row of rows) {
    const t = Date.parse(at(row));
    if (Number.isNaN(t)) continue;
    const day = Math.floor(t / 86_400_000) * 86_400;
    days.set(day, (days.get(day) ?? 0) + value(row));
  }
  const times = [...days.keys()].sort((a, b) => a - b);
  return { times, values: times.map((t) => days.get(t)!) };
}
