export {
  aggregateCsv,
  aggregateRuns,
  aggregateTable,
  type GroupStats,
  type RunOutcome,
  type Stat,
  stat,
} from "./aggregate.js";
export { sweepChartSvg } from "./chart.js";
export { outcomesOfRunDirs } from "./compare-groups.js";
export { type ExpandedSweep, expandSweep, readSweepFile, type SweepRun } from "./expand.js";
export { prepareSweepRunDir, type SweepRunState, sweepRunDir, sweepRunState } from "./rundirs.js";
export { type SweepFile, sweepSchema } from "./schema.js";
