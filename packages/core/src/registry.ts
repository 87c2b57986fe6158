import { DuplicateNameError, PlasticityError, UnknownNameError } from "./errors.js";
import { isRule, type Rule } from "./rule.js";

/** A bundle of rules shipped as one module; `plasticity run --plugin <module>` loads it. */
export interface Plugin {
  readonly kind: "plasticity.plugin";
  readonly name: string;
  readonly version?: string;
  readonly rules: readonly Rule[];
}

/** Define a plugin: any module whose default (or `plugin`) export is this value. */
export function definePlugin(def: {
  name: string;
  version?: string;
  rules: readonly Rule[];
}): Plugin {
  if (typeof def?.name !== "string" || def.name.length === 0) {
    throw new PlasticityError("plugin.name: expected a non-empty string", "plugin.name");
  }
  if (!Array.isArray(def.rules)) {
    throw new PlasticityError(
      `plugin "${def.name}".rules: expected an array of rules`,
      "plugin.rules",
    );
  }
  def.rules.forEach((r, i) => {
    if (!isRule(r)) {
      throw new PlasticityError(
        `plugin "${def.name}".rules[${i}]: expected a rule made with defineRule()`,
        `plugin.rules.${i}`,
      );
    }
  });
  return Object.freeze({ kind: "plasticity.plugin", ...def, rules: [...def.rules] });
}

export function isPlugin(v: unknown): v is Plugin {
  return typeof v === "object" && v !== null && (v as Plugin).kind === "plasticity.plugin";
}

/** Rules keyed by name. Refuses duplicates; unknown names get "did you mean" suggestions. */
export class RuleRegistry {
  private readonly rules = new Map<string, { rule: Rule; origin: string }>();
  private readonly plugins = new Map<string, Plugin>();

  /** Register a rule; `origin` ("builtin", "plugin foo") appears in duplicate errors. */
  register(rule: Rule, origin = "user"): this {
    if (!isRule(rule))
      throw new PlasticityError("rule: expected a rule made with defineRule()", "rule");
    const prev = this.rules.get(rule.name);
    if (prev) {
      throw new DuplicateNameError(
        `rule "${rule.name}" from ${origin} is already registered (from ${prev.origin}); rename one of them`,
        "rule.name",
      );
    }
    this.rules.set(rule.name, { rule, origin });
    return this;
  }

  /** Register every rule of a plugin, all or nothing. */
  use(plugin: Plugin): this {
    if (!isPlugin(plugin)) {
      throw new PlasticityError("plugin: expected a value made with definePlugin()", "plugin");
    }
    if (this.plugins.has(plugin.name)) {
      throw new DuplicateNameError(`plugin "${plugin.name}" is already loaded`, "plugin.name");
    }
    for (const r of plugin.rules) {
      const prev = this.rules.get(r.name);
      if (prev) {
        throw new DuplicateNameError(
          `plugin "${plugin.name}": rule "${r.name}" is already registered (from ${prev.origin}); rename it in the plugin`,
          "rule.name",
        );
      }
    }
    for (const r of plugin.rules) this.register(r, `plugin ${plugin.name}`);
    this.plugins.set(plugin.name, plugin);
    return this;
  }

  get(name: string): Rule {
    const e = this.rules.get(name);
    if (!e) throw new UnknownNameError("rule", name, this.names());
    return e.rule;
  }

  has(name: string): boolean {
    return this.rules.has(name);
  }

  origin(name: string): string | undefined {
    return this.rules.get(name)?.origin;
  }

  names(): string[] {
    return [...this.rules.keys()].sort();
  }

  list(): Rule[] {
    return this.names().map((n) => this.rules.get(n)!.rule);
  }

  pluginNames(): string[] {
    return [...this.plugins.keys()];
  }
}
