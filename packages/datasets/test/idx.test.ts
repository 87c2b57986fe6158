import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { PlasticityError, UnknownNameError } from "@plasticity/core";
import { describe, expect, it } from "vitest";
import {
  ChecksumError,
  DataFileError,
  DatasetNotFoundError,
  encodeIdx,
  loadDataset,
  locateDataset,
  parseIdx,
} from "../src/index.js";
import { listFiles, tempDir } from "./fixtures.js";

/** Small IDX image/label files in a fresh dir: n images of h×w with pixel (i + r + c) % 256. */
function writeIdxPair(
  n: number,
  h: number,
  w: number,
  prefix: "train" | "t10k" = "train",
  gz = false,
): string {
  const dir = tempDir();
  const px = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < h; r++)
      for (let c = 0; c < w; c++) px[(i * h + r) * w + c] = (i + r + c) % 256;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  const enc = (b: Uint8Array) => (gz ? gzipSync(b) : b);
  const ext = gz ? ".gz" : "";
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${ext}`), enc(encodeIdx([n, h, w], px)));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${ext}`), enc(encodeIdx([n], labels)));
  return dir;
}

const offline = { systemCopies: false, download: false } as const;

describe("parseIdx", () => {
  const good = encodeIdx(
    [2, 3, 4],
    Uint8Array.from({ length: 24 }, (_, i) => i),
  );

  it("reads dims and a view of the data", () => {
    const { dims, data } = parseIdx(good, "f", 3);
    expect(dims).toEqual([2, 3, 4]);
    expect([...data.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
  });

  it("refuses a wrong magic, naming the file and the expected bytes", () => {
    const bad = good.slice();
    bad[1] = 7;
    expect(() => parseIdx(bad, "x.idx", 3)).toThrow(
      /x\.idx: not an IDX file: expected magic 0x0000 in bytes 0-1, got 0x0007/,
    );
    expect(() => parseIdx(gzipSync(good), "y.idx", 3)).toThrow(/this is gzip data/);
  });

  it("refuses a dtype other than unsigned byte", () => {
    const bad = good.slice();
    bad[2] = 0x0d;
    expect(() => parseIdx(bad, "f.idx", 3)).toThrow(
      /f\.idx: unsupported IDX dtype: expected 0x08 \(unsigned byte\), got 0x0d \(float32\)/,
    );
  });

  it("refuses the wrong rank, a truncated header, truncated data and trailing bytes", () => {
    expect(() => parseIdx(good, "f", 1)).toThrow(
      /wrong IDX rank: expected 1 dimension\(s\), got 3/,
    );
    expect(() => parseIdx(good.subarray(0, 9), "f", 3)).toThrow(
      /truncated IDX header: expected 16 bytes/,
    );
    expect(() => parseIdx(good.subarray(0, 30), "f", 3)).toThrow(
      /f: truncated: expected 40 bytes for a 2×3×4 unsigned-byte array, got 30/,
    );
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expect(() => parseIdx(longer, "f", 3)).toThrow(/3 trailing bytes/);
    expect(() => parseIdx(new Uint8Array(2), "f", 3)).toThrow(DataFileError);
  });
});

describe("loading IDX files from a directory", () => {
  it("loads raw and gzipped files, NHWC, scaled to [0, 1] or raw", async () => {
    for (const gz of [false, true]) {
      const dir = writeIdxPair(12, 5, 6, "train", gz);
      const ds = await loadDataset("mnist", {
        dir,
        verify: false,
        cacheDir: tempDir(),
        ...offline,
      });
      expect(ds.shape).toEqual([12, 5, 6, 1]);
      expect(ds.source).toBe(`dir ${dir}`);
      expect(ds.x[(3 * 5 + 2) * 6 + 4]).toBe(Math.fround(9 / 255));
      expect([...ds.y]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      const raw = await loadDataset("mnist", {
        dir,
        verify: false,
        scale: false,
        limit: 4,
        ...offline,
      });
      expect(raw.shape).toEqual([4, 5, 6, 1]);
      expect(raw.x[(3 * 5 + 2) * 6 + 4]).toBe(9);
    }
  });

  it("finds torchvision's <root>/MNIST/raw layout", async () => {
    const root = tempDir();
    const src = writeIdxPair(3, 2, 2, "t10k");
    const { mkdirSync, renameSync } = await import("node:fs");
    mkdirSync(join(root, "MNIST", "raw"), { recursive: true });
    for (const f of ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])
      renameSync(join(src, f), join(root, "MNIST", "raw", f));
    const ds = await loadDataset("mnist", {
      dir: root,
      split: "test",
      verify: false,
      cacheDir: tempDir(),
      ...offline,
    });
    expect(ds.shape).toEqual([3, 2, 2, 1]);
    expect(ds.source).toContain("torchvision layout");
  });

  it("checks the sha256 of the decompressed file against the official one", async () => {
    const dir = writeIdxPair(4, 28, 28);
    const err = await loadDataset("mnist", { dir, cacheDir: tempDir(), ...offline }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err.file).toBe(join(dir, "train-images-idx3-ubyte"));
    expect(err.message).toContain(
      "sha256 mismatch: expected ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    );
    expect(err.message).toContain("verify: false");
  });

  it("refuses a label/image count mismatch, naming both files", async () => {
    const dir = writeIdxPair(5, 2, 2);
    writeFileSync(join(dir, "train-labels-idx1-ubyte"), encodeIdx([4], new Uint8Array(4)));
    await expect(loadDataset("mnist", { dir, verify: false, ...offline })).rejects.toThrow(
      new RegExp(
        `train-images-idx3-ubyte: holds 5 images but ${dir}/train-labels-idx1-ubyte holds 4 labels`,
      ),
    );
  });

  it("refuses a label outside the classes, a truncated file and corrupt gzip", async () => {
    const dir = writeIdxPair(3, 2, 2);
    writeFileSync(
      join(dir, "train-labels-idx1-ubyte"),
      encodeIdx([3], Uint8Array.from([1, 12, 3])),
    );
    await expect(loadDataset("mnist", { dir, verify: false, ...offline })).rejects.toThrow(
      /train-labels-idx1-ubyte: label 1 is 12: expected 0\.\.9/,
    );
    const dir2 = writeIdxPair(3, 2, 2);
    const full = encodeIdx([3, 2, 2], new Uint8Array(12));
    writeFileSync(join(dir2, "train-images-idx3-ubyte"), full.subarray(0, full.length - 5));
    await expect(loadDataset("mnist", { dir: dir2, verify: false, ...offline })).rejects.toThrow(
      /train-images-idx3-ubyte: truncated: expected 28 bytes for a 3×2×2 unsigned-byte array, got 23/,
    );
    const dir3 = writeIdxPair(3, 2, 2, "train", true);
    const gz = gzipSync(full);
    writeFileSync(join(dir3, "train-images-idx3-ubyte.gz"), gz.subarray(0, gz.length - 8));
    await expect(loadDataset("mnist", { dir: dir3, verify: false, ...offline })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz: corrupt gzip data/,
    );
  });
});

describe("names, options and missing data", () => {
  it("suggests the closest name for an unknown dataset", async () => {
    const err = await loadDataset("mnsit").catch((e) => e);
    expect(err).toBeInstanceOf(UnknownNameError);
    expect(err.message).toMatch(/unknown dataset "mnsit"\. Did you mean "mnist"/);
    await expect(locateDataset("cifar-10")).rejects.toThrow(/Did you mean "cifar10"/);
  });

  it("names a bad option", async () => {
    await expect(loadDataset("mnist", { spilt: "test" } as never)).rejects.toThrow(PlasticityError);
    await expect(loadDataset("mnist", { split: "valid" } as never)).rejects.toThrow(
      /options\.split/,
    );
    await expect(loadDataset("mnist", { limit: 0 })).rejects.toThrow(/options\.limit/);
    await expect(loadDataset("mnist", { split: "val" })).rejects.toThrow(
      /"val" needs valSize or valFraction/,
    );
    await expect(loadDataset("mnist", { labels: "coarse" })).rejects.toThrow(/only cifar100/);
  });

  it("says which sources were tried and how to provide the files, leaving the cache empty", async () => {
    const cache = tempDir();
    const dir = tempDir();
    const err = await loadDataset("fashion-mnist", { dir, cacheDir: cache, ...offline }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    const msg: string = err.message;
    expect(msg).toContain(
      `dir ${dir}: missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]`,
    );
    expect(msg).toContain(`cache ${join(cache, "fashion-mnist")}: missing`);
    expect(msg).toContain("not searched (systemCopies: false)");
    expect(msg).toContain("download: disabled (download: false)");
    expect(msg).toContain("apt-get install -y dataset-fashion-mnist");
    expect(msg).toContain(
      `put train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte`,
    );
    expect(listFiles(cache)).toEqual([]);
  });
});
