/** Counts the sweep view shows. */
export interface SweepCounts {
  total: number;
  done: number;
  failed: number;
  running: number;
  skipped: number;
}

/**
 * One progress view for a whole sweep on stderr: runs done, failed, running, skipped (already
 * finished) and an ETA from the mean time of the runs finished so far. Redrawn in place on a
 * terminal, one line per change elsewhere.
 */
export function sweepProgress(
  stream: { write(s: string): unknown; isTTY?: boolean },
  jobs: number,
) {
  const t0 = performance.now();
  const times: number[] = [];
  let last = "";
  const line = (c: SweepCounts) => {
    const left = c.total - c.done - c.failed - c.skipped;
    const mean = times.length ? times.reduce((a, b) => a + b, 0) / times.length : null;
    const eta =
      mean === null
        ? "-"
        : `${Math.round((mean * Math.max(0, left - c.running / 2)) / Math.max(1, jobs))} s`;
    const el = ((performance.now() - t0) / 1000).toFixed(0);
    return `sweep: ${c.done}/${c.total} done, ${c.failed} failed, ${c.running} running, ${c.skipped} already done | ${el} s | ETA ${eta}`;
  };
  return {
    finished(seconds: number) {
      times.push(seconds);
    },
    draw(c: SweepCounts) {
      const l = line(c);
      if (l === last) return;
      last = l;
      stream.write(stream.isTTY ? `\r${l}\u001b[K` : `${l}\n`);
    },
    end() {
      if (stream.isTTY) stream.write("\n");
    },
  };
}
