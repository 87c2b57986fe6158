import { UnknownNameError } from "@plasticity/core";
import { DEFAULT_PRESET, formatTable, type Registries } from "@plasticity/experiments/config";
import { asUsage, EXIT } from "../errors.js";
import { ruleParams } from "../help.js";
import { type CliIO, printJson } from "../io.js";

const datasets = () => import("@plasticity/datasets");

/** `plasticity list presets|rules|models|datasets|backends`. */
export async function listCommand(
  io: CliIO,
  what: string,
  o: { json?: boolean; plugin: string[] },
  withPlugins: (plugins: readonly string[]) => Promise<{ regs: Registries }>,
): Promise<number> {
  const kinds = ["presets", "rules", "models", "datasets", "backends"];
  if (!kinds.includes(what)) throw asUsage(new UnknownNameError("list", what, kinds));
  const { regs } = await withPlugins(o.plugin);
  const out = (json: unknown, headers: string[], rows: string[][]) => {
    if (o.json) printJson(io, json);
    else io.stdout.write(`${formatTable(headers, rows)}\n`);
  };
  if (what === "presets") {
    const list = regs.presets.list();
    out(
      list.map((p) => ({
        name: p.name,
        description: p.description,
        reference: p.reference ?? null,
        default: p.name === DEFAULT_PRESET,
      })),
      ["preset", "description"],
      list.map((p) => [p.name + (p.name === DEFAULT_PRESET ? " (default)" : ""), p.description]),
    );
  } else if (what === "rules") {
    const list = regs.rules.list();
    out(
      list.map((r) => ({
        name: r.name,
        origin: regs.rules.origin(r.name),
        description: r.description,
        equation: r.equation,
        reference: r.reference,
        params: ruleParams(r),
      })),
      ["rule", "origin", "equation", "params (defaults)"],
      list.map((r) => [
        r.name,
        regs.rules.origin(r.name) ?? "",
        r.equation,
        ruleParams(r)
          .map((p) => `${p.name}=${JSON.stringify(p.default)}`)
          .join(" "),
      ]),
    );
  } else if (what === "models") {
    const list = regs.models.list();
    out(
      list.map((m) => ({ kind: m.kind, description: m.description })),
      ["model kind", "description"],
      list.map((m) => [m.kind, m.description]),
    );
  } else if (what === "datasets") {
    const list = (await datasets()).listDatasets();
    out(
      list,
      ["dataset", "kind", "shape", "train", "test", "classes", "title"],
      list.map((d) => [
        d.name,
        d.kind,
        d.shape.join("×"),
        String(d.splits.train),
        String(d.splits.test),
        String(d.classes.length),
        d.title,
      ]),
    );
  } else {
    const { BACKEND_NAMES, initBackend } = await import("@plasticity/tfjs");
    const list: { name: string; ok: boolean; error?: string }[] = [];
    for (const name of BACKEND_NAMES) {
      try {
        await initBackend({ backend: name });
        list.push({ name, ok: true });
      } catch (err) {
        list.push({ name, ok: false, error: (err as Error).message.split("\n")[0] });
      }
    }
    const auto = list.find((b) => b.ok)?.name ?? null;
    out(
      { backends: list, auto },
      ["backend", "available", "note"],
      list.map((b) => [
        b.name,
        b.ok ? "yes" : "no",
        b.ok ? (b.name === auto ? "auto picks this one" : "") : (b.error ?? ""),
      ]),
    );
  }
  return EXIT.ok;
}
