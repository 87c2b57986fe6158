import { z } from "zod";

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** One `--set`-style override per key: "data.limit": 2000. */
const overrides = z.record(z.string().min(1), z.unknown());

/**
 * A sweep file (YAML or JSON): a base preset or config, overrides applied to every run, a grid
 * (every combination of its values) and/or a list of override sets, and seeds.
 *
 *   base: mnist-quick
 *   set: { data.limit: 2000, eval.trainLimit: 1000 }
 *   grid: { model.layers.0.units: [50, 100] }
 *   seeds: 2
 */
export const sweepSchema = z
  .strictObject({
    name: z
      .string()
      .regex(NAME_RE, "use letters, digits, '.', '_' and '-' (it names the sweep's directory)")
      .optional()
      .describe(
        "The sweep's name: its directory under --out and its jobs' names; default: the file's name.",
      ),
    base: z
      .string()
      .min(1)
      .describe(
        "A preset name (plasticity list presets) or a config file, relative to the sweep file.",
      ),
    set: overrides
      .default({})
      .describe("Overrides for every run, as --set path=value: { data.limit: 2000 }."),
    grid: z
      .record(z.string().min(1), z.array(z.unknown()).min(1))
      .default({})
      .describe(
        "Values per field; every combination is a run: { model.layers.0.units: [50, 100] }.",
      ),
    list: z
      .array(overrides)
      .default([])
      .describe(
        "Override sets, each a run (crossed with the grid): [{ model.layers.0.rule: oja }, ...].",
      ),
    seeds: z
      .union([z.int().positive(), z.array(z.int()).min(1)])
      .default(1)
      .describe("Seeds per setting: a count N (seeds 0..N−1) or a list of seeds."),
  })
  .describe("A sweep: a base config, overrides, a grid and/or list, and seeds.");

export type SweepFile = z.output<typeof sweepSchema>;
