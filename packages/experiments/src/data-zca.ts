import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PlasticityError } from "@plasticity/core";
import { type Dataset, defaultCacheDir, zca } from "@plasticity/datasets";
import { tf } from "@plasticity/tfjs";
import type { DataConfig } from "./config/schema.js";
import { writeFileAtomic } from "./io/atomic.js";

/** A whole-image whitening matrix W [d×d] (symmetric) and where it came from. */
export interface ZcaMatrix {
  readonly d: number;
  readonly W: Float32Array;
  /** "cache <path>" or "fitted on N images in S s (cached at <path>)". */
  readonly origin: string;
}

/** The cache key: the settings and a hash of the exact images the matrix is fitted on. */
function cacheKey(dataset: string, x: Float32Array, n: number, d: number, eps: number): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ format: "plasticity.zca", version: 1, dataset, n, d, eps }));
  h.update(new Uint8Array(x.buffer, x.byteOffset, n * d * 4));
  return h.digest("hex").slice(0, 24);
}

function readCached(path: string, d: number): Float32Array | null {
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  if (buf.byteLength !== d * d * 4) return null; // truncated or foreign: refit and overwrite
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/**
 * Miconi (2021)'s whole-image ZCA: on n per-image-standardised images X [n×d],
 * C = XᵀX/d + ε I (sic: divided by the number of pixels d, not of images, and not centred),
 * W = E diag(λ^-1/2) Eᵀ for C = E diag(λ) Eᵀ. Since XᵀX/d = (n/d)·XᵀX/n, this is the standard
 * uncentred ZCA of covariance XᵀX/n with ε' = ε·d/n, scaled by √(d/n).
 */
export function fitMiconiZca(x: Float32Array, n: number, d: number, eps: number): Float32Array {
  const model = zca.fit(x, n, d, { epsilon: (eps * d) / n, center: false });
  const s = Math.sqrt(d / n);
  const W = new Float32Array(d * d);
  for (let i = 0; i < W.length; i++) W[i] = model.W[i]! * s;
  return W;
}

/**
 * The ZCA matrix for the first `cfg.zca.images` (per-image-standardised) training images, from
 * the cache when it holds one fitted on exactly these images with these settings, else fitted
 * and cached (temp file + rename). The cache lives in the datasets cache directory.
 */
export function zcaMatrix(dataset: string, train: Dataset, cfg: DataConfig["zca"]): ZcaMatrix {
  const [nAll, h, w, c] = train.shape;
  const d = h * w * c;
  const n = Math.min(cfg.images, nAll);
  if (n < 2) {
    throw new PlasticityError(
      `data.zca.images: need at least 2 training images to fit ZCA, got ${n}`,
      "data.zca.images",
    );
  }
  const key = cacheKey(dataset, train.x, n, d, cfg.epsilon);
  const path = join(defaultCacheDir(), "zca", `${dataset}-${d}-${key}.f32`);
  const cached = readCached(path, d);
  if (cached) return { d, W: cached, origin: `cache ${path}` };
  const t0 = performance.now();
  const W = fitMiconiZca(train.x, n, d, cfg.epsilon);
  writeFileAtomic(path, new Uint8Array(W.buffer));
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  return { d, W, origin: `fitted on ${n} images in ${s} s (cached at ${path})` };
}

/** x W for every image (W symmetric), by blocks of rows with the tfjs backend's matmul. */
export function applyZca(set: Dataset, m: ZcaMatrix): Dataset {
  const [n] = set.shape;
  const d = m.d;
  const out = new Float32Array(n * d);
  const Wt = tf.tensor2d(m.W, [d, d]);
  try {
    const block = Math.max(1, Math.floor(4_000_000 / d));
    for (let s = 0; s < n; s += block) {
      const rows = Math.min(block, n - s);
      const y = tf.tidy(() =>
        tf.matMul(tf.tensor2d(set.x.subarray(s * d, (s + rows) * d), [rows, d]), Wt),
      );
      out.set(y.dataSync(), s * d);
      y.dispose();
    }
  } finally {
    Wt.dispose();
  }
  return { ...set, x: out };
}
