import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isPlugin, PlasticityError, type Plugin, type RuleRegistry } from "@plasticity/core";

/** A plugin module loaded with `--plugin`. */
export interface LoadedPlugin {
  /** As given (package name or path). */
  readonly spec: string;
  /** The file it resolved to. */
  readonly resolved: string;
  readonly plugin: Plugin;
  /** Where its tfjs kernels came from: the module, its "<package>/tfjs" entry, or none. */
  readonly kernels: "module" | "tfjs-entry" | "none";
}

function isPathSpec(spec: string): boolean {
  return (
    spec.startsWith(".") || isAbsolute(spec) || spec.startsWith("file:") || /\.(c|m)?js$/.test(spec)
  );
}

/** Resolve a plugin spec (package name, file, or directory) to a file, from `cwd`. */
export function resolvePluginSpec(spec: string, cwd = process.cwd()): string {
  const req = createRequire(join(resolve(cwd), "package.json"));
  if (isPathSpec(spec)) {
    const p = spec.startsWith("file:") ? new URL(spec).pathname : resolve(cwd, spec);
    if (!existsSync(p)) {
      throw new PlasticityError(`--plugin ${spec}: ${p} does not exist`, "--plugin");
    }
    return statSync(p).isDirectory() ? req.resolve(p) : p;
  }
  try {
    return req.resolve(spec);
  } catch {
    try {
      return createRequire(import.meta.url).resolve(spec);
    } catch {
      throw new PlasticityError(
        `--plugin ${spec}: cannot find the package from ${resolve(cwd)}; install it (npm install ${spec}, or npx -y pnpm@10.34.9 add -w ${spec} in this repository) or give a path to its built .js file`,
        "--plugin",
      );
    }
  }
}

type Module = Record<string, unknown>;

function findPlugin(mod: Module): Plugin | null {
  if (isPlugin(mod.default)) return mod.default;
  if (isPlugin(mod.plugin)) return mod.plugin;
  for (const v of Object.values(mod)) if (isPlugin(v)) return v;
  return null;
}

async function registerKernelsOf(mod: Module): Promise<boolean> {
  const f = mod.registerKernels;
  if (typeof f !== "function") return false;
  await (f as () => unknown)();
  return true;
}

/**
 * Import a plugin module (default or named export made with `definePlugin`) and register its
 * tfjs kernels: the module's own `registerKernels()`, else the package's "<name>/tfjs" entry's.
 * Rules that still have no kernel train through their typed-array reference.
 */
export async function importPlugin(spec: string, cwd = process.cwd()): Promise<LoadedPlugin> {
  const resolved = resolvePluginSpec(spec, cwd);
  let mod: Module;
  try {
    mod = (await import(pathToFileURL(resolved).href)) as Module;
  } catch (err) {
    throw new PlasticityError(
      `--plugin ${spec}: loading ${resolved} failed: ${(err as Error).message}`,
      "--plugin",
    );
  }
  const plugin = findPlugin(mod);
  if (!plugin) {
    throw new PlasticityError(
      `--plugin ${spec}: ${resolved} exports no plugin made with definePlugin() (exports: ${Object.keys(mod).join(", ") || "none"})`,
      "--plugin",
    );
  }
  let kernels: LoadedPlugin["kernels"] = "none";
  if (await registerKernelsOf(mod)) kernels = "module";
  else if (!isPathSpec(spec)) {
    let entry: string | null = null;
    try {
      entry = resolvePluginSpec(`${spec}/tfjs`, cwd);
    } catch {
      entry = null;
    }
    if (entry && (await registerKernelsOf((await import(pathToFileURL(entry).href)) as Module)))
      kernels = "tfjs-entry";
  }
  return { spec, resolved, plugin, kernels };
}

/** Load plugins in order and add their rules to `rules` (duplicate names are refused). */
export async function loadPlugins(
  rules: RuleRegistry,
  specs: readonly string[],
  cwd = process.cwd(),
): Promise<LoadedPlugin[]> {
  const out: LoadedPlugin[] = [];
  for (const spec of specs) {
    const p = await importPlugin(spec, cwd);
    if (rules.pluginNames().includes(p.plugin.name)) continue;
    rules.use(p.plugin);
    out.push(p);
  }
  return out;
}
