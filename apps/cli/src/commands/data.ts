import { EXIT, usagePhase } from "../errors.js";
import { type CliIO, printJson } from "../io.js";

const datasets = () => import("@plasticity/datasets");

/** `plasticity data <name>`: where a dataset is (or would come from), counts, pixel stats. */
export async function dataCommand(
  io: CliIO,
  name: string,
  o: { dir?: string; download?: boolean; json?: boolean },
): Promise<number> {
  const { datasetInfo, loadDataset, locateDataset, pixelStats } = await datasets();
  const info = await usagePhase(() => datasetInfo(name, { dir: o.dir }));
  // locate reads and downloads nothing; with download allowed it reports where a download would come from
  const where = await locateDataset(name, { dir: o.dir, download: true });
  const report: Record<string, unknown> = {
    name: info.name,
    title: info.title,
    found: where.found,
    source: where.source,
    tried: where.tried,
    shape: info.shape,
    classes: info.classes,
    counts: info.splits,
    license: info.license,
    citation: info.citation,
  };
  if (where.found || o.download) {
    const stats: Record<string, unknown> = {};
    for (const split of ["train", "test"] as const) {
      const ds = await loadDataset(name, { dir: o.dir, split, download: Boolean(o.download) });
      const p = pixelStats(ds);
      stats[split] = {
        count: ds.shape[0],
        shape: ds.shape.slice(1),
        mean: p.mean,
        std: p.std,
        channelMean: p.channelMean,
        channelStd: p.channelStd,
        source: ds.source,
      };
    }
    report.stats = stats;
  }
  if (o.json) {
    printJson(io, report);
    return EXIT.ok;
  }
  const lines = [
    `${info.name}: ${info.title}`,
    `shape    ${info.shape.join("×")}, ${info.classes.length} classes`,
    `counts   ${info.splits.train} train / ${info.splits.test} test`,
    where.found
      ? `source   ${where.source?.description ?? "?"}`
      : `source   not found locally; ${where.source ? `would download into ${where.source.dir} from ${where.source.files[0] ?? "?"}${where.source.files.length > 1 ? ` (+${where.source.files.length - 1} files)` : ""}` : "no download source"} (run with --download)`,
    "searched",
    ...where.tried.map((t) => `  ${t}`),
  ];
  const stats = report.stats as
    | Record<string, { count: number; mean: number; std: number }>
    | undefined;
  if (stats) {
    for (const [split, s] of Object.entries(stats)) {
      lines.push(
        `${split.padEnd(8)} ${s.count} images, pixel mean ${s.mean.toFixed(4)}, std ${s.std.toFixed(4)}`,
      );
    }
  }
  io.stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}
