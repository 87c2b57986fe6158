import type { ProbeKind } from "../config/schema.js";
import type { ProbeResult } from "./ridge.js";

/** Which network a probe row was fitted on. */
export type ProbeVariant = "trained" | "random-init" | "input";

/** The probes of one layer of one variant. */
export interface ProbeRow {
  readonly layer: string;
  readonly variant: ProbeVariant;
  readonly dim: number;
  readonly probes: Partial<Record<ProbeKind, ProbeResult>>;
}

/** A supervised model's own output, scored at the end of training. */
export interface OutputReport {
  readonly step: number;
  readonly testAccuracy: number;
  /** On the probes' training images (the first eval.trainLimit of the training split). */
  readonly trainAccuracy: number;
  readonly testLoss?: number;
  readonly trainLoss?: number;
}

/** Linear-probe results of a run: every probed layer, trained and at random init. */
export interface EvalReport {
  /** Training step of the weights probed. */
  readonly step: number;
  readonly probes: readonly ProbeKind[];
  readonly nTrain: number;
  readonly nTest: number;
  readonly classes: readonly string[];
  readonly rows: readonly ProbeRow[];
  /** The network's own output (supervised model kinds only). */
  readonly output?: OutputReport;
}

/** Test accuracy of `probe` on `layer` for `variant`, or undefined. */
export function accuracyOf(
  report: EvalReport,
  layer: string,
  variant: ProbeVariant,
  probe: ProbeKind,
): number | undefined {
  return report.rows.find((r) => r.layer === layer && r.variant === variant)?.probes[probe]
    ?.testAccuracy;
}
