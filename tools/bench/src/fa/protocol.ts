import type { Method, SharedGradients } from "@plasticity/feedback-alignment";

/** One data-parallel replica's job (its `workerData`). */
export interface FaJob {
  readonly rank: number;
  readonly shared: SharedGradients;
  /** The whole batch; this replica steps on batch / workers images of it. */
  readonly batch: number;
  readonly method: Method;
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly warmup: number;
  readonly steps: number;
  readonly seed: number;
}

/** Worker → main. */
export type FaMessage =
  | {
      readonly type: "done";
      readonly stepMs: readonly number[];
      /** Σ ms per op label over the timed steps, and the FLOPs of one call set per label. */
      readonly opMs: Record<string, number>;
      readonly opFlops: Record<string, number>;
      readonly backend: string;
    }
  | { readonly type: "error"; readonly message: string };
