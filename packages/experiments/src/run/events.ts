import type { BackendInfo } from "@plasticity/tfjs";

/** What the runner reports as it goes (the CLI turns these into a progress bar and lines). */
export type RunEvent =
  | {
      readonly type: "phase";
      readonly phase: "backend" | "data" | "model" | "train" | "eval" | "figures";
      readonly message: string;
    }
  | {
      readonly type: "start";
      readonly dir: string;
      readonly backend: BackendInfo;
      readonly startStep: number;
      readonly totalSteps: number;
      readonly batchSize: number;
      readonly resumed: boolean;
    }
  | {
      readonly type: "step";
      readonly step: number;
      readonly totalSteps: number;
      readonly samples: number;
    }
  | {
      /** Progress of the evaluation: `done` of `total` parts (features, then each probe fit). */
      readonly type: "eval";
      readonly done: number;
      readonly total: number;
      readonly message: string;
    }
  | { readonly type: "checkpoint"; readonly step: number; readonly path: string }
  | { readonly type: "warning"; readonly message: string };
