import { closestNames, PlasticityError } from "@plasticity/core";
import type { z } from "zod";

/** One problem in a config: the dotted field path and what is wrong with it. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A config (file, preset, `--set`, flags) is invalid. `field` is the first bad path; `issues`
 * lists all of them. The CLI exits with code 2.
 */
export class ConfigError extends PlasticityError {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    field: string | undefined,
    readonly issues: readonly ConfigIssue[] = field ? [{ path: field, message }] : [],
  ) {
    super(message, field);
  }
}

interface ZodDefLike {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

function defOf(s: z.ZodType): ZodDefLike {
  return (s as unknown as { _zod: { def: ZodDefLike } })._zod.def;
}

/** Strip optional/default/prefault/nullable/readonly/pipe wrappers. */
export function unwrapSchema(s: z.ZodType): z.ZodType {
  let cur = s;
  for (let i = 0; i < 20; i++) {
    const d = defOf(cur);
    if (d.innerType) cur = d.innerType;
    else if (d.type === "pipe" && d.in) cur = d.in;
    else break;
  }
  return cur;
}

/** The sub-schema at a path of keys and indices, or undefined when the path leaves the schema. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let cur: z.ZodType | undefined = schema;
  for (const key of path) {
    if (!cur) return undefined;
    const d = defOf(unwrapSchema(cur));
    if (d.type === "object" && d.shape) cur = d.shape[String(key)];
    else if (d.type === "array" && d.element) cur = d.element;
    else return undefined;
  }
  return cur;
}

/** Keys an object schema accepts at `path` (empty when it is not an object). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const s = schemaAt(schema, path);
  if (!s) return [];
  const d = defOf(unwrapSchema(s));
  return d.type === "object" && d.shape ? Object.keys(d.shape) : [];
}

function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((p) => p !== "").join(".");
}

/** Zod issues as ConfigIssues; unknown keys get "did you mean" suggestions from the schema. */
export function zodIssues(err: z.ZodError, schema: z.ZodType, prefix = ""): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of err.issues) {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const close = closestNames(key, known);
        out.push({
          path: joinPath(prefix, [...issue.path, key]),
          message:
            `unknown field` +
            (close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : "") +
            (known.length ? ` Allowed here: ${known.join(", ")}.` : ""),
        });
      }
    } else {
      out.push({
        path: joinPath(prefix, issue.path) || prefix || "(root)",
        message: issue.message,
      });
    }
  }
  return out;
}

/** Render issues one per line under a heading. */
export function formatIssues(heading: string, issues: readonly ConfigIssue[]): string {
  return [heading, ...issues.map((i) => `  ${i.path}: ${i.message}`)].join("\n");
}

/** Parse `raw` with `schema` or throw a ConfigError listing every problem with its path. */
export function parseConfigSection<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  prefix: string,
  source: string,
): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issues = zodIssues(r.error, schema, prefix);
  throw new ConfigError(
    formatIssues(`invalid config (${source}):`, issues),
    issues[0]?.path,
    issues,
  );
}
