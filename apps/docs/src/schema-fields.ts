import { type Rule, z } from "@plasticity/core";
import type { ParamField } from "./param-field";

export { type ParamField, rangeText } from "./param-field";

interface JsonProp {
  type?: string;
  enum?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Bounds a JSON schema adds for every integer (±2^53 − 1) say nothing about the parameter. */
const bound = (v: number | undefined) =>
  v === undefined || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v;

/** The rule's parameters from its zod schema (through zod's JSON Schema), in declaration order. */
export function paramFields(rule: Rule): ParamField[] {
  const schema = z.toJSONSchema(rule.params) as { properties?: Record<string, JsonProp> };
  return Object.entries(schema.properties ?? {}).map(([name, p]) => {
    if (p.default === undefined) {
      throw new Error(`rule "${rule.name}": parameter "${name}" has no default`);
    }
    const common = {
      name,
      default: p.default as number | boolean | string,
      description: p.description ?? "",
    };
    if (p.enum) return { ...common, type: "enum", options: p.enum };
    if (p.type === "boolean") return { ...common, type: "boolean" };
    if (p.type !== "number" && p.type !== "integer") {
      throw new Error(`rule "${rule.name}": parameter "${name}" has unsupported type ${p.type}`);
    }
    const min = bound(p.exclusiveMinimum ?? p.minimum);
    const max = bound(p.exclusiveMaximum ?? p.maximum);
    return {
      ...common,
      type: p.type,
      ...(min === undefined ? {} : { min, exclusiveMin: p.exclusiveMinimum !== undefined }),
      ...(max === undefined ? {} : { max, exclusiveMax: p.exclusiveMaximum !== undefined }),
    };
  });
}
