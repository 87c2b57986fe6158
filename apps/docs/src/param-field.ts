/** One hyper-parameter of a rule, as its zod schema declares it (for tables and forms). */
export interface ParamField {
  readonly name: string;
  readonly type: "number" | "integer" | "boolean" | "enum";
  readonly default: number | boolean | string;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  /** The bound itself is excluded (e.g. lr > 0). */
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
  /** The allowed values of an enum. */
  readonly options?: readonly string[];
}

/** The allowed values in words: "> 0", "≥ 1", "[0, 2)", "q | current", "true | false", "any". */
export function rangeText(f: ParamField): string {
  if (f.type === "enum") return (f.options ?? []).join(" | ");
  if (f.type === "boolean") return "true | false";
  const int = f.type === "integer" ? "integer " : "";
  if (f.min !== undefined && f.max !== undefined) {
    return `${int}${f.exclusiveMin ? "(" : "["}${f.min}, ${f.max}${f.exclusiveMax ? ")" : "]"}`;
  }
  if (f.min !== undefined) return `${int}${f.exclusiveMin ? ">" : "≥"} ${f.min}`;
  if (f.max !== undefined) return `${int}${f.exclusiveMax ? "<" : "≤"} ${f.max}`;
  return f.type === "integer" ? "any integer" : "any number";
}
