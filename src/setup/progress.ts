/** Progress of a long setup step, and a reporter that prints percent, rate and time left to stderr. */

export interface Progress {
  /** Circuit being set up. */
  circuit: string;
  /** Step, e.g. "A (G1)" or "B2 (G2)". */
  phase: string;
  done: number;
  total: number;
  /** What is counted, e.g. "points". */
  unit: string;
}

export type ProgressFn = (p: Progress) => void;

const fmtTime = (s: number): string => {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${m % 60}m`;
};

const fmtRate = (r: number): string => (r >= 10_000 ? `${(r / 1000).toFixed(0)}k` : r.toFixed(0));

/**
 * A ProgressFn writing lines like `setup muls-ab12 · C (G1): 42.0% 15.3k points/s, 12s left` to
 * `out` (stderr by default), at most every `everyMs` milliseconds per phase plus once at 100%.
 */
export function progressReporter(
  opts: { everyMs?: number; out?: NodeJS.WritableStream; now?: () => number } = {},
): ProgressFn {
  const every = opts.everyMs ?? 2000;
  const out = opts.out ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  let key = "";
  let start = 0;
  let last = 0;
  let printed: "no" | "yes" | "done" = "no";
  return (p) => {
    const k = `${p.circuit}\0${p.phase}`;
    const t = now();
    if (k !== key) {
      key = k;
      start = t;
      last = t;
      printed = "no";
    }
    const finished = p.done >= p.total;
    // short steps stay silent; long ones report every `every` ms and once when done
    if (finished ? printed === "done" || (printed === "no" && t - start < every) : t - last < every) return;
    last = t;
    printed = finished ? "done" : "yes";
    const secs = (t - start) / 1000;
    const rate = secs > 0 ? p.done / secs : 0;
    const pct = p.total > 0 ? (100 * p.done) / p.total : 100;
    const eta = rate > 0 ? (p.total - p.done) / rate : Number.POSITIVE_INFINITY;
    const tail = finished ? `done in ${fmtTime(secs)}` : `${fmtTime(eta)} left`;
    out.write(
      `setup ${p.circuit} · ${p.phase}: ${pct.toFixed(1)}% (${p.done}/${p.total} ${p.unit}, ${fmtRate(rate)} ${p.unit}/s), ${tail}\n`,
    );
  };
}
