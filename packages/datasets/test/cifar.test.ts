import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ChecksumError,
  CIFAR10_LAYOUT,
  cifarRecordCount,
  DataFileError,
  decodeCifar,
  loadDataset,
  locateDataset,
  readTarMembers,
  unsafeTarPath,
} from "../src/index.js";
import {
  cifar10Members,
  cifar100Members,
  cifarRecords,
  listFiles,
  makeTar,
  pixel,
  type TarMember,
  tempDir,
} from "./fixtures.js";

const PER = 6; // records per CIFAR-10 file in the fixtures

function writeArchive(dir: string, name: string, members: readonly TarMember[]): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, makeTar(members));
  return p;
}

/** Checks image k of a loaded set against the generator (pixel values ÷ 255, NHWC). */
function expectImage(x: Float32Array, k: number, i: number): void {
  for (const [r, c] of [
    [0, 0],
    [5, 17],
    [31, 31],
  ]) {
    for (let ch = 0; ch < 3; ch++) {
      expect(x[k * 3072 + (r * 32 + c) * 3 + ch]).toBe(Math.fround(pixel(i, r, c, ch) / 255));
    }
  }
}

describe("CIFAR binary records", () => {
  it("decodes the label byte and the R, G, B planes into NHWC", () => {
    const bytes = cifarRecords(3, 1, 40);
    const x = new Float32Array(3 * 3072);
    const y = new Int32Array(3);
    decodeCifar(bytes, "f.bin", CIFAR10_LAYOUT, x, y, 0, 3, true);
    expect([...y]).toEqual([0, 1, 2]);
    for (let k = 0; k < 3; k++) expectImage(x, k, 40 + k);
  });

  it("refuses a file whose size is not a multiple of the record size, naming it", () => {
    expect(() => cifarRecordCount(3073 * 2 + 5, "data_batch_1.bin", CIFAR10_LAYOUT)).toThrow(
      /data_batch_1\.bin: size 6151 bytes is not a positive multiple of the 3073-byte CIFAR record/,
    );
    expect(() => cifarRecordCount(0, "empty.bin", CIFAR10_LAYOUT)).toThrow(DataFileError);
  });

  it("refuses a label out of range", () => {
    const bytes = cifarRecords(1, 1);
    bytes[0] = 10;
    const x = new Float32Array(3072);
    expect(() =>
      decodeCifar(bytes, "bad.bin", CIFAR10_LAYOUT, x, new Int32Array(1), 0, 1, true),
    ).toThrow(/bad\.bin: record 0: label 10 out of range: expected 0\.\.9/);
  });
});

describe("CIFAR tarballs", () => {
  it("extracts a generated cifar-10-binary.tar.gz into the cache and loads both splits", async () => {
    const src = tempDir();
    const cache = tempDir();
    writeArchive(src, "cifar-10-binary.tar.gz", cifar10Members(PER));
    const loc = await locateDataset("cifar10", { dir: src, cacheDir: cache, download: false });
    expect(loc.found).toBe(true);
    expect(loc.source?.archive).toBe(join(src, "cifar-10-binary.tar.gz"));

    const train = await loadDataset("cifar10", {
      dir: src,
      cacheDir: cache,
      verify: false,
      download: false,
    });
    expect(train.shape).toEqual([5 * PER, 32, 32, 3]);
    expect(train.classes[0]).toBe("airplane");
    expect([...train.y.slice(0, 12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    for (const k of [0, 7, 5 * PER - 1]) expectImage(train.x, k, k);
    // only the binary batches were written, each into the cache folder
    expect(listFiles(cache)).toEqual(
      [1, 2, 3, 4, 5]
        .map((b) => `cifar10/cifar-10-batches-bin/data_batch_${b}.bin`)
        .concat("cifar10/cifar-10-batches-bin/test_batch.bin")
        .sort(),
    );

    // with the archive still in dir, the next load uses the files extracted earlier
    const reload = await loadDataset("cifar10", {
      dir: src,
      cacheDir: cache,
      verify: false,
      download: false,
    });
    expect(reload.source).toBe(
      `cache ${join(cache, "cifar10")} (extracted from ${join(src, "cifar-10-binary.tar.gz")})`,
    );
    expect(reload.x).toEqual(train.x);

    // the second load reads the extracted files from the cache, even without the archive
    const test = await loadDataset("cifar10", {
      split: "test",
      cacheDir: cache,
      verify: false,
      download: false,
    });
    expect(test.shape).toEqual([PER, 32, 32, 3]);
    expect(test.source).toContain(`cache ${join(cache, "cifar10")}`);
    expectImage(test.x, 2, 1002);
  });

  it("verifies the archive's md5 against the official one and writes nothing on mismatch", async () => {
    const src = tempDir();
    const cache = tempDir();
    const p = writeArchive(src, "cifar-10-binary.tar.gz", cifar10Members(2));
    const err = await loadDataset("cifar10", { dir: src, cacheDir: cache, download: false }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err.message).toContain(p);
    expect(err.message).toContain("expected c32a1d4ab5d03f1284b67883e8d87530");
    expect(listFiles(cache)).toEqual([]);
  });

  it("loads CIFAR-100 with fine or coarse labels from an extracted folder", async () => {
    const src = tempDir();
    const cache = tempDir();
    const folder = join(src, "cifar-100-binary");
    mkdirSync(folder);
    for (const m of cifar100Members(25, 4)) if (m.data) writeFileSync(join(src, m.path), m.data);
    const fine = await loadDataset("cifar100", {
      dir: src,
      cacheDir: cache,
      verify: false,
      download: false,
    });
    expect(fine.shape).toEqual([25, 32, 32, 3]);
    expect(fine.classes).toHaveLength(100);
    expect(fine.classes[4]).toBe("beaver");
    expect([...fine.y.slice(20, 25)]).toEqual([20, 21, 22, 23, 24]);
    const coarse = await loadDataset("cifar100", {
      dir: src,
      cacheDir: cache,
      verify: false,
      download: false,
      labels: "coarse",
      split: "test",
    });
    expect(coarse.classes).toHaveLength(20);
    expect(coarse.classes[19]).toBe("vehicles_2");
    expect([...coarse.y]).toEqual([0, 1, 2, 3]); // (500 + i) % 20
    expectImage(coarse.x, 3, 503);
    expect(listFiles(cache)).toEqual([]); // read in place, nothing copied
  });

  it("refuses with verify a member whose record count is not the official one", async () => {
    const cache = tempDir();
    // an extracted folder has no archive md5 to check; verify still checks the record counts
    const dir2 = tempDir();
    mkdirSync(join(dir2, "cifar-100-binary"));
    for (const m of cifar100Members(3, 3)) if (m.data) writeFileSync(join(dir2, m.path), m.data);
    await expect(
      loadDataset("cifar100", { dir: dir2, cacheDir: cache, download: false }),
    ).rejects.toThrow(/train\.bin: expected 50000 records of 3074 bytes, got 3/);
  });

  it("refuses a batch file whose size is not a multiple of the record size", async () => {
    const src = tempDir();
    const members = cifar10Members(2).map((m) =>
      m.path.endsWith("data_batch_3.bin") ? { ...m, data: m.data!.subarray(0, 3073 + 100) } : m,
    );
    writeArchive(src, "cifar-10-binary.tar.gz", members);
    const cache = tempDir();
    await expect(
      loadDataset("cifar10", { dir: src, cacheDir: cache, verify: false, download: false }),
    ).rejects.toThrow(
      /data_batch_3\.bin: size 3173 bytes is not a positive multiple of the 3073-byte/,
    );
    expect(listFiles(cache)).toEqual([]);
  });

  it("refuses a tarball with a path-traversal entry and writes nothing anywhere", async () => {
    const src = tempDir();
    const cache = tempDir();
    const members = [
      ...cifar10Members(1),
      { path: "cifar-10-batches-bin/../../evil.txt", data: Buffer.from("pwned") },
    ];
    writeArchive(src, "cifar-10-binary.tar.gz", members);
    const err = await loadDataset("cifar10", {
      dir: src,
      cacheDir: cache,
      verify: false,
      download: false,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toMatch(
      /cifar-10-binary\.tar\.gz: entry "cifar-10-batches-bin\/\.\.\/\.\.\/evil\.txt" refused: '\.\.' segment/,
    );
    expect(listFiles(cache)).toEqual([]);
    expect(listFiles(src)).toEqual(["cifar-10-binary.tar.gz"]);
  });

  it("refuses absolute paths, symbolic links and hard links", async () => {
    const dir = tempDir();
    const cases: [TarMember, RegExp][] = [
      [{ path: "/etc/evil", data: Buffer.from("x") }, /refused: absolute path/],
      [
        {
          path: "cifar-10-batches-bin/data_batch_1.bin",
          type: "SymbolicLink",
          linkpath: "/etc/passwd",
        },
        /refused: links are not allowed \(SymbolicLink → \/etc\/passwd\)/,
      ],
      [
        { path: "cifar-10-batches-bin/x", type: "Link", linkpath: "../y" },
        /refused: links are not allowed/,
      ],
    ];
    for (const [i, [member, re]] of cases.entries()) {
      const p = join(dir, `case${i}.tar.gz`);
      writeFileSync(p, makeTar([member, ...cifar10Members(1)]));
      await expect(
        readTarMembers(p, new Set(["cifar-10-batches-bin/test_batch.bin"])),
      ).rejects.toThrow(re);
    }
  });

  it("bounds member sizes and reads plain (uncompressed) tar too", async () => {
    const dir = tempDir();
    const p = join(dir, "plain.tar");
    writeFileSync(p, makeTar(cifar10Members(2), false));
    const got = await readTarMembers(p, new Set(["cifar-10-batches-bin/test_batch.bin"]));
    expect(got.get("cifar-10-batches-bin/test_batch.bin")?.length).toBe(2 * 3073);
    await expect(
      readTarMembers(p, new Set(["cifar-10-batches-bin/test_batch.bin"]), { maxEntryBytes: 3073 }),
    ).rejects.toThrow(/6146 bytes is over the 3073-byte limit/);
  });

  it("refuses a corrupt (truncated) archive with the file's name", async () => {
    const dir = tempDir();
    const p = join(dir, "cifar-10-binary.tar.gz");
    const gz = makeTar(cifar10Members(2));
    writeFileSync(p, gz.subarray(0, Math.floor(gz.length / 2)));
    const cache = tempDir();
    const err = await loadDataset("cifar10", {
      dir,
      cacheDir: cache,
      verify: false,
      download: false,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DataFileError);
    expect(err.message).toContain(p);
    expect(listFiles(cache)).toEqual([]);
  });

  it("names unsafe tar paths", () => {
    expect(unsafeTarPath("a/b.bin")).toBeNull();
    expect(unsafeTarPath("./a/b.bin")).toBeNull();
    expect(unsafeTarPath("a/../../b")).toMatch(/\.\./);
    expect(unsafeTarPath("..")).toMatch(/\.\./);
    expect(unsafeTarPath("/abs")).toMatch(/absolute/);
    expect(unsafeTarPath("C:\\x")).toMatch(/absolute/);
    expect(unsafeTarPath("a\\..\\b")).toMatch(/\.\./);
  });
});
