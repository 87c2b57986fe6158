import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Header } from "tar";

export function tempDir(prefix = "pl-datasets-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every file (not directory) under `dir`, relative paths. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, join(rel, name));
      else out.push(join(rel, name));
    }
  };
  walk(dir, "");
  return out.sort();
}

/** A pixel value that depends on image, row, column and channel, to check layouts exactly. */
export function pixel(i: number, r: number, c: number, ch: number): number {
  return (i * 7 + r * 3 + c * 5 + ch * 11) % 256;
}

/**
 * CIFAR binary records written by hand in the official layout: label byte(s), then the red
 * plane (1024 bytes, row-major), then green, then blue. Labels: fine = (first + i) % 100 (or % 10),
 * coarse = (first + i) % 20.
 */
export function cifarRecords(n: number, labelBytes: 1 | 2, first = 0): Buffer {
  const rec = labelBytes + 3072;
  const out = Buffer.alloc(n * rec);
  for (let k = 0; k < n; k++) {
    const i = first + k;
    const base = k * rec;
    if (labelBytes === 1) out[base] = i % 10;
    else {
      out[base] = i % 20;
      out[base + 1] = i % 100;
    }
    for (let ch = 0; ch < 3; ch++) {
      for (let r = 0; r < 32; r++) {
        for (let c = 0; c < 32; c++)
          out[base + labelBytes + ch * 1024 + r * 32 + c] = pixel(i, r, c, ch);
      }
    }
  }
  return out;
}

export interface TarMember {
  path: string;
  data?: Buffer;
  type?: "File" | "Directory" | "SymbolicLink" | "Link";
  linkpath?: string;
}

/** A tar archive built block by block with node-tar's Header (ustar), optionally gzipped. */
export function makeTar(members: readonly TarMember[], gzip = true): Buffer {
  const blocks: Buffer[] = [];
  for (const m of members) {
    const data = m.data ?? Buffer.alloc(0);
    const type = m.type ?? "File";
    const h = new Header({
      path: m.path,
      mode: type === "Directory" ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      size: type === "File" ? data.length : 0,
      mtime: new Date(0),
      type,
      linkpath: m.linkpath,
    });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block);
    if (type === "File" && data.length > 0) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return gzip ? gzipSync(tar) : tar;
}

/** CIFAR-10 layout with `per` records in each of the 6 files (5 train batches + test). */
export function cifar10Members(per: number): TarMember[] {
  const folder = "cifar-10-batches-bin";
  const members: TarMember[] = [{ path: `${folder}/`, type: "Directory" }];
  for (let b = 1; b <= 5; b++) {
    members.push({
      path: `${folder}/data_batch_${b}.bin`,
      data: cifarRecords(per, 1, (b - 1) * per),
    });
  }
  members.push({ path: `${folder}/test_batch.bin`, data: cifarRecords(per, 1, 1000) });
  members.push({ path: `${folder}/batches.meta.txt`, data: Buffer.from("airplane\nautomobile\n") });
  members.push({ path: `${folder}/readme.html`, data: Buffer.from("<html></html>") });
  return members;
}

/** CIFAR-100 layout: train.bin with `nTrain` records and test.bin with `nTest`. */
export function cifar100Members(nTrain: number, nTest: number): TarMember[] {
  const folder = "cifar-100-binary";
  return [
    { path: `${folder}/`, type: "Directory" },
    { path: `${folder}/coarse_label_names.txt`, data: Buffer.from("aquatic_mammals\n") },
    { path: `${folder}/fine_label_names.txt`, data: Buffer.from("apple\n") },
    { path: `${folder}/train.bin`, data: cifarRecords(nTrain, 2, 0) },
    { path: `${folder}/test.bin`, data: cifarRecords(nTest, 2, 500) },
  ];
}
