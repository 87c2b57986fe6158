/** Plain-text output helpers: fixed-width tables for humans (`--json` prints one object instead). */

/** A number with `sig` significant digits, without exponent notation for everyday magnitudes. */
export function fmt(x: number, sig = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, sig - 1 - mag);
  if (mag >= sig) return Math.round(x).toString();
  return x.toFixed(Math.min(decimals, 6));
}

/** A FLOP count in M or G units: "156.8 MFLOP". */
export function fmtFlops(f: number): string {
  return f >= 1e9 ? `${fmt(f / 1e9, 4)} GFLOP` : `${fmt(f / 1e6, 4)} MFLOP`;
}

export function fmtPct(fraction: number): string {
  return `${fmt(100 * fraction, 3)}%`;
}

/**
 * A table with a header rule. Columns whose header starts with ">" are right-aligned (the ">" is
 * dropped), the others left-aligned.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const right = headers.map((h) => h.startsWith(">"));
  const names = headers.map((h) => (h.startsWith(">") ? h.slice(1) : h));
  const width = names.map((h, c) =>
    Math.max([...h].length, ...rows.map((r) => [...(r[c] ?? "")].length)),
  );
  const pad = (s: string, c: number) => {
    const fill = " ".repeat(width[c] - [...s].length);
    return right[c] ? fill + s : s + fill;
  };
  const line = (cells: readonly string[]) =>
    names
      .map((_, c) => pad(cells[c] ?? "", c))
      .join("  ")
      .trimEnd();
  return [line(names), width.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
