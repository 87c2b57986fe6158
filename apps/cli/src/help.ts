import type { Rule } from "@plasticity/core";
import { DEFAULT_PRESET, describeConfig, type Registries } from "@plasticity/experiments/config";

export const RUN_EXAMPLES = `
Examples:
  $ plasticity run                                   # the quick default preset (${DEFAULT_PRESET}) on MNIST
  $ plasticity run mnist-quick --set model.layers.0.units=400 --seed 1
  $ plasticity run my-experiment.yaml --backend wasm --out results
  $ plasticity run mnist-quick --set data.limit=5000 --json > summary.json
  $ plasticity run --plugin @plasticity/plugin-example --set 'model.layers.0={units: 64, rule: hebb-decay}'
  $ plasticity run mnist-quick --set model.layers.0.rule=oja    # a new rule starts from its own default params
  $ plasticity run --resume runs/mnist-quick-20250101-120000   # continue after Ctrl-C, SIGTERM or a crash

A config file (JSON or YAML) may start with "extends: <preset or file>" and override any field.
Ctrl-C or SIGTERM (a cluster pre-empting the job) finishes the current step, writes a checkpoint
and exits with 130 or 143, printing the --resume command.
Exit codes: 0 success; 1 the run failed on this machine (data files missing or corrupt, backend
not available, training diverged); 2 the command or config is wrong (unknown name, bad value,
batch larger than the training set); 130 / 143 interrupted by Ctrl-C / SIGTERM.`;

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = "";
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => indent + l).join("\n");
}

/** Every config field with its type, default and description, for `run --help`. */
export function configFieldsHelp(regs: Registries): string {
  const lines = describeConfig(regs.models).map((f) => {
    const dflt =
      f.default === undefined
        ? ""
        : ` = ${f.default.length > 60 ? `${f.default.slice(0, 57)}...` : f.default}`;
    return `  ${f.path}  (${f.type})${dflt}\n${wrap(f.description, 90, "      ")}`;
  });
  return `\nConfig fields (set any with --set path=value; list items by index, e.g. --set model.layers.0.units=400):\n${lines.join("\n")}\n`;
}

/** A rule's parameters with their defaults and descriptions, for `list rules`. */
export function ruleParams(rule: Rule): { name: string; default: unknown; description: string }[] {
  const defaults = rule.parseParams({}) as Record<string, unknown>;
  const shape = (rule.params as unknown as { shape: Record<string, { description?: string }> })
    .shape;
  return Object.keys(shape).map((k) => ({
    name: k,
    default: defaults[k],
    description: shape[k]?.description ?? "",
  }));
}
