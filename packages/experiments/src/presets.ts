import type { RawConfig } from "./config/load.js";
import { NamedRegistry } from "./named-registry.js";

/** A named, ready-to-run experiment config (raw: validated when used, defaults filled then). */
export interface Preset {
  readonly name: string;
  /** One line for `plasticity list presets`. */
  readonly description: string;
  /** The paper or method it reproduces, if any. */
  readonly reference?: string;
  readonly config: RawConfig;
}

/** Presets keyed by name; unknown names suggest the closest ones. */
export class PresetRegistry extends NamedRegistry<Preset> {
  constructor() {
    super("preset", "preset");
  }

  /** Register a preset (its config is copied, so later changes to the argument do not leak in). */
  register(preset: Preset): this {
    this.add(preset.name, Object.freeze({ ...preset, config: structuredClone(preset.config) }));
    return this;
  }
}
