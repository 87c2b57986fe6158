/**
 * Per-op wall time of a step. tfjs's cpu and wasm backends run each op synchronously when it is
 * called, so timing the call times the op. Labels name the op and the layer kind, e.g.
 * "conv.weightGrad" or "maxpool.backward".
 */
export class OpProfile {
  readonly ms = new Map<string, number>();
  readonly calls = new Map<string, number>();

  time<T>(label: string, f: () => T): T {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      this.ms.set(label, (this.ms.get(label) ?? 0) + performance.now() - t0);
      this.calls.set(label, (this.calls.get(label) ?? 0) + 1);
    }
  }

  clear(): void {
    this.ms.clear();
    this.calls.clear();
  }
}

/** Time `f` under `label` when a profile is given. */
export function timed<T>(p: OpProfile | undefined, label: string, f: () => T): T {
  return p ? p.time(label, f) : f();
}
