import { existsSync, statSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import type { RuleRegistry } from "@plasticity/core";
import { PlasticityError } from "@plasticity/core";
import YAML from "yaml";
import { readTextFile } from "../io/atomic.js";
import type { ModelRegistry } from "../models/model.js";
import type { PresetRegistry } from "../presets.js";
import { ConfigError, parseConfigSection } from "./errors.js";
import { type ExperimentConfig, experimentSchema } from "./schema.js";

/** A config before validation: plain JSON-like data. */
export type RawConfig = Record<string, unknown>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced by `over`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  }
  return out;
}

/** Does `target` name a file rather than a preset? */
export function looksLikeConfigFile(target: string, cwd = process.cwd()): boolean {
  if (/[/\\]/.test(target) || /\.(json|ya?ml)$/i.test(target)) return true;
  const p = resolve(cwd, target);
  return existsSync(p) && statSync(p).isFile();
}

/** Parse a JSON or YAML config file into raw data; errors name the file and the line. */
export function readConfigFile(path: string): RawConfig {
  const text = readTextFile(path, "config file");
  const ext = extname(path).toLowerCase();
  let data: unknown;
  if (ext === ".json") {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(
        `config file ${path} is not valid JSON: ${(err as Error).message}`,
        path,
      );
    }
  } else {
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const where = e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : "";
      throw new ConfigError(
        `config file ${path} is not valid YAML${where}: ${e.message.split("\n")[0]}`,
        path,
      );
    }
    data = doc.toJS();
  }
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) {
    throw new ConfigError(
      `config file ${path}: expected a mapping of fields at the top level, got ${Array.isArray(data) ? "a list" : typeof data}`,
      path,
    );
  }
  return data;
}

/**
 * Raw config of a preset name or a config file. A file may say `extends: <preset or file>`; the
 * file's fields are merged over that base (objects merge, lists replace), Hydra-style.
 */
export function loadRawConfig(
  target: string,
  presets: PresetRegistry,
  cwd = process.cwd(),
  seen: string[] = [],
): { raw: RawConfig; source: string } {
  if (!looksLikeConfigFile(target, cwd)) {
    const preset = presets.get(target);
    return { raw: structuredClone(preset.config) as RawConfig, source: `preset "${preset.name}"` };
  }
  const path = resolve(cwd, target);
  if (seen.includes(path)) {
    throw new ConfigError(
      `config file ${path}: "extends" forms a cycle (${[...seen, path].join(" → ")})`,
      "extends",
    );
  }
  if (!existsSync(path)) {
    throw new ConfigError(
      `config file ${path} does not exist; give a preset name (plasticity list presets) or a path to a .json/.yaml file`,
      path,
    );
  }
  const data = readConfigFile(path);
  const { extends: base, ...rest } = data;
  if (base === undefined) return { raw: rest, source: `file ${path}` };
  if (typeof base !== "string") {
    throw new ConfigError(
      `config file ${path}: extends: expected a preset name or a file path, got ${typeof base}`,
      "extends",
    );
  }
  const parent = loadRawConfig(base, presets, dirname(path), [...seen, path]);
  return {
    raw: deepMerge(parent.raw, rest) as RawConfig,
    source: `file ${path} extending ${parent.source}`,
  };
}

/** Split "model.layers[0].units" / "model.layers.0.units" into keys and indices. */
export function parsePath(path: string): (string | number)[] {
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\.\d+|\[\d+\])*$/.test(path)) {
    throw new ConfigError(
      `--set ${path}: expected a dotted field path like model.layers.0.units or train.batchSize`,
      path,
    );
  }
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
}

/** Parse the value of `--set path=value` as YAML (numbers, booleans, lists, strings). */
export function parseSetValue(text: string): unknown {
  try {
    return YAML.parse(text);
  } catch {
    return text;
  }
}

/** Apply one `--set path=value` to a raw config (in place; returns it). */
export function applySet(raw: RawConfig, assignment: string): RawConfig {
  const eq = assignment.indexOf("=");
  if (eq <= 0) {
    throw new ConfigError(
      `--set ${assignment}: expected path=value, e.g. --set train.batchSize=50 or --set model.layers.0.rule=oja`,
      "--set",
    );
  }
  const keys = parsePath(assignment.slice(0, eq).trim());
  const value = parseSetValue(assignment.slice(eq + 1));
  let cur: Record<string | number, unknown> = raw;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!;
    let next = cur[k];
    if (next === undefined || next === null) {
      next = typeof keys[i + 1] === "number" ? [] : {};
      cur[k] = next;
    }
    if (typeof next !== "object") {
      const at = keys.slice(0, i + 1).join(".");
      throw new ConfigError(
        `--set ${assignment}: ${at} is a ${typeof next}, not an object or a list`,
        at,
      );
    }
    cur = next as Record<string | number, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
  return raw;
}

/** The object at `keys` in `raw`, or undefined. */
function objectAt(
  raw: unknown,
  keys: readonly (string | number)[],
): Record<string, unknown> | undefined {
  let cur: unknown = raw;
  for (const k of keys) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return isPlainObject(cur) ? cur : undefined;
}

/**
 * Apply `--set` assignments in order. An assignment that changes a `rule` (e.g.
 * model.layers.0.rule=hebb on a preset whose layer had softhebb) resets the `params` beside it,
 * so the new rule starts from its own defaults instead of failing on the old rule's parameters;
 * params given by --set for that rule (model.layers.0.params.lr=0.1) are applied on top.
 */
export function applySets(raw: RawConfig, sets: readonly string[]): RawConfig {
  const paths = sets.map((s) => {
    const eq = s.indexOf("=");
    return eq > 0 ? parsePath(s.slice(0, eq).trim()).join(".") : "";
  });
  const changed: string[] = []; // parents whose rule changed
  sets.forEach((s, i) => {
    const keys = paths[i]!.split(".");
    const isRule = keys[keys.length - 1] === "rule";
    const parent = keys.slice(0, -1).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    const before = isRule ? objectAt(raw, parent)?.rule : undefined;
    applySet(raw, s);
    const now = isRule ? objectAt(raw, parent) : undefined;
    if (now && now.rule !== before && "params" in now) changed.push(parent.join("."));
  });
  for (const parent of changed) {
    const obj = objectAt(raw, parsePath(parent));
    if (!obj) continue;
    obj.params = {};
    sets.forEach((s, i) => {
      if (paths[i]!.startsWith(`${parent}.params`)) applySet(raw, s);
    });
  }
  return raw;
}

export interface ConfigRegistries {
  readonly rules: RuleRegistry;
  readonly models: ModelRegistry;
  readonly presets: PresetRegistry;
}

/**
 * Validate a raw config: the experiment schema, then `model` with its kind's schema, then the
 * kind's own checks (rule names, rule params). Throws a ConfigError naming every bad field.
 */
export function resolveConfig(
  raw: unknown,
  regs: Omit<ConfigRegistries, "presets">,
  source = "config",
): ExperimentConfig {
  const base = parseConfigSection(experimentSchema, raw ?? {}, "", source);
  let kind: ReturnType<ModelRegistry["get"]>;
  try {
    kind = regs.models.get(base.model.kind);
  } catch (err) {
    throw new ConfigError(`invalid config (${source}): ${(err as Error).message}`, "model.kind");
  }
  const model = parseConfigSection(
    kind.config,
    base.model,
    "model",
    source,
  ) as ExperimentConfig["model"];
  try {
    kind.check?.(model, { rules: regs.rules });
  } catch (err) {
    if (err instanceof PlasticityError) {
      throw new ConfigError(`invalid config (${source}): ${err.message}`, err.field);
    }
    throw err;
  }
  return { ...base, model };
}

export interface ConfigRequest {
  /** A preset name or a config file path. */
  readonly target: string;
  /** `--set path=value` assignments, applied in order. */
  readonly sets?: readonly string[];
  /** Shorthands that win over everything: `--seed`, `--backend`. */
  readonly seed?: number;
  readonly backend?: string;
  readonly cwd?: string;
}

/** Preset or file → merged with `--set` and flags → validated config. */
export function buildConfig(
  req: ConfigRequest,
  regs: ConfigRegistries,
): { config: ExperimentConfig; source: string } {
  const { raw, source } = loadRawConfig(req.target, regs.presets, req.cwd);
  applySets(raw, req.sets ?? []);
  if (req.seed !== undefined) raw.seed = req.seed;
  if (req.backend !== undefined) raw.backend = req.backend;
  const extra = [
    req.sets?.length ? "--set" : "",
    req.seed !== undefined ? "--seed" : "",
    req.backend !== undefined ? "--backend" : "",
  ]
    .filter(Boolean)
    .join(", ");
  const src = extra ? `${source} with ${extra}` : source;
  return { config: resolveConfig(raw, regs, src), source: src };
}

/** A config as YAML text (what `plasticity config` prints; valid as a config file). */
export function configToYaml(config: unknown): string {
  return YAML.stringify(config);
}
