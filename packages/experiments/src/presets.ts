import { PlasticityError, UnknownNameError } from "@plasticity/core";
import type { RawConfig } from "./config/load.js";

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
export class PresetRegistry {
  private readonly presets = new Map<string, Preset>();

  register(preset: Preset): this {
    if (this.presets.has(preset.name)) {
      throw new PlasticityError(`preset "${preset.name}" is already registered`, "preset");
    }
    this.presets.set(
      preset.name,
      Object.freeze({ ...preset, config: structuredClone(preset.config) }),
    );
    return this;
  }

  get(name: string): Preset {
    const p = this.presets.get(name);
    if (!p) throw new UnknownNameError("preset", name, this.names());
    return p;
  }

  has(name: string): boolean {
    return this.presets.has(name);
  }

  names(): string[] {
    return [...this.presets.keys()].sort();
  }

  list(): Preset[] {
    return this.names().map((n) => this.presets.get(n)!);
  }
}
