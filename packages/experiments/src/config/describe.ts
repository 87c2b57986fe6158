import type { z } from "zod";
import type { ModelRegistry } from "../models/model.js";
import { experimentSchema } from "./schema.js";

/** One config field for `--help` and docs. */
export interface ConfigField {
  /** Dotted path; list items appear as `[]` (e.g. model.layers[].rule). */
  readonly path: string;
  readonly type: string;
  /** JSON of the default, or undefined when the field has none (optional or required). */
  readonly default?: string;
  readonly description: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  entries?: Record<string, unknown>;
  values?: unknown[];
  options?: z.ZodType[];
  format?: string;
  in?: z.ZodType;
}

const def = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

function typeName(s: z.ZodType): string {
  const d = def(s);
  switch (d.type) {
    case "enum":
      return Object.keys(d.entries ?? {}).join(" | ");
    case "literal":
      return (d.values ?? []).map((v) => JSON.stringify(v)).join(" | ");
    case "number":
      return d.format === "safeint" || d.format === "int32" ? "integer" : "number";
    case "array":
      return `${typeName(d.element!)}[]`;
    case "record":
      return "object";
    case "union": {
      const kinds = (d.options ?? []).map((o) => {
        const k = def(o).shape?.kind;
        return k ? typeName(k).replace(/"/g, "") : typeName(o);
      });
      return `{ kind: ${kinds.join(" | ")}, ... }`;
    }
    default:
      return d.type;
  }
}

function walk(
  s: z.ZodType,
  path: string,
  out: ConfigField[],
  description?: string,
  dflt?: unknown,
): void {
  let cur = s;
  let desc = description ?? (s as { description?: string }).description;
  let value = dflt;
  for (let i = 0; i < 20; i++) {
    const d = def(cur);
    if (d.type === "default" || d.type === "prefault") {
      if (value === undefined) value = d.defaultValue;
    } else if (d.type !== "optional" && d.type !== "nullable" && d.type !== "readonly") break;
    cur = d.innerType!;
    desc ??= (cur as { description?: string }).description;
  }
  const d = def(cur);
  if (d.type === "object" && d.shape) {
    for (const [k, v] of Object.entries(d.shape)) walk(v, path ? `${path}.${k}` : k, out);
    return;
  }
  if (d.type === "array" && def(d.element!).type === "object") {
    out.push({
      path,
      type: "list",
      default: value === undefined ? undefined : JSON.stringify(value),
      description: desc ?? "",
    });
    walk(d.element!, `${path}[]`, out);
    return;
  }
  out.push({
    path,
    type: typeName(cur),
    default: value === undefined ? undefined : JSON.stringify(value),
    description: desc ?? "",
  });
}

/**
 * Every config field with its type, default and description, from the zod schemas: the
 * experiment's, then `model.*` of each model kind (marked with the kind).
 */
export function describeConfig(models?: ModelRegistry): ConfigField[] {
  const out: ConfigField[] = [];
  walk(experimentSchema, "", out);
  const base = out.filter((f) => !f.path.startsWith("model.") || f.path === "model.kind");
  if (!models) return out;
  for (const kind of models.list()) {
    const fields: ConfigField[] = [];
    walk(kind.config, "model", fields);
    for (const f of fields) {
      if (f.path === "model.kind") continue;
      base.push({ ...f, description: `[${kind.kind}] ${f.description}` });
    }
  }
  return base;
}
