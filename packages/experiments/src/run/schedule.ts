import type { LrSchedule } from "../config/schema.js";

/**
 * The learning-rate factor f(step) of a schedule, for the step about to be taken (0-based) of a
 * run of `total` steps. A pure function of the step, so a resumed run continues the same schedule.
 *
 *   constant  f = 1
 *   inverse   f = max(1 / (1 + decay·⌊step/every⌋), min)   (Obeid et al.: η = max(η₀/(1 + 0.5·round), η_min))
 *   step      f = max(gamma^⌊step/every⌋, min)
 *   linear    f = max(1 − step/total, min)                 (Krotov & Hopfield anneal ε linearly to 0)
 */
export function lrFactor(schedule: LrSchedule, step: number, total: number): number {
  switch (schedule.kind) {
    case "constant":
      return 1;
    case "inverse":
      return Math.max(1 / (1 + schedule.decay * Math.floor(step / schedule.every)), schedule.min);
    case "step":
      return Math.max(schedule.gamma ** Math.floor(step / schedule.every), schedule.min);
    case "linear":
      return Math.max(1 - step / Math.max(total, 1), schedule.min);
  }
}
