import type { BackendName } from "../engines/tfjs.js";
import type { StepConfig } from "../types.js";

/** What each worker is asked to do (its `workerData`). */
export interface WorkerJob {
  readonly config: StepConfig;
  readonly rule: string;
  readonly backend: BackendName;
  /** How long to keep stepping after "go" (ms). */
  readonly durationMs: number;
}

/** Worker → main messages. */
export type WorkerMessage =
  | { readonly type: "ready"; readonly backend: string }
  | { readonly type: "done"; readonly stepMs: readonly number[]; readonly wallMs: number }
  | { readonly type: "error"; readonly message: string };

/** Main → worker: start stepping now. */
export const GO = "go";
