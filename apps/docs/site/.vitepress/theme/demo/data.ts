import { bytesToFloat32, parseIdx } from "@plasticity/datasets/web";

/** The demo's MNIST subset as pixels in [0, 1], [n × 784] row-major, and labels. */
export interface Digits {
  readonly x: Float32Array;
  readonly y: Uint8Array;
  readonly n: number;
  readonly h: number;
  readonly w: number;
}

/** gzip's magic number: the file as written by scripts/assets.mjs. */
const isGzip = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

async function fetchIdx(url: string, ndims: number) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  let bytes = new Uint8Array(await res.arrayBuffer());
  // The files are gzipped IDX. Servers that send them with Content-Encoding: gzip (sirv,
  // vitepress preview) let the browser inflate them already; others send the gzip bytes.
  if (isGzip(bytes)) {
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(inflated).arrayBuffer());
  }
  return parseIdx(bytes, url, ndims);
}

/** Load one split ("train" or "test") of the subset served under `base` (ending in "/"). */
export async function loadDigits(base: string, split: "train" | "test"): Promise<Digits> {
  const [images, labels] = await Promise.all([
    fetchIdx(`${base}${split}-images-idx3-ubyte.gz`, 3),
    fetchIdx(`${base}${split}-labels-idx1-ubyte.gz`, 1),
  ]);
  const [n, h, w] = images.dims as [number, number, number];
  if (labels.dims[0] !== n) {
    throw new Error(`${split}: ${n} images but ${labels.dims[0]} labels`);
  }
  return { x: bytesToFloat32(images.data), y: labels.data, n, h, w };
}
