import { PlasticityError, type Rng } from "@plasticity/core";
import type { Batch, LabeledSet } from "./types.js";
import { checkImageSet, checkInt, resolveRng } from "./util.js";

export interface BatchOptions {
  batchSize: number;
  /** Draw a new permutation for each epoch (each pass over the iterable). Needs `seed` or `rng`. */
  shuffle?: boolean;
  rng?: Rng;
  seed?: number;
  /** Drop the last, smaller batch. */
  dropLast?: boolean;
}

/**
 * Mini-batches of a dataset, iterable any number of times (one pass = one epoch), synchronously
 * (`for … of`) or asynchronously (`for await … of`, which yields to the event loop between
 * batches). Without shuffling, a batch's `x` and `y` are views into the dataset (no copy: do
 * not write into them); with shuffling, each batch gathers its rows into fresh arrays, so an
 * epoch never copies the whole set at once.
 */
export interface BatchIterable extends Iterable<Batch>, AsyncIterable<Batch> {
  /** Batches per epoch. */
  readonly length: number;
  readonly batchSize: number;
}

/** Splits `ds` into mini-batches; see `BatchIterable`. Same seed → same batches, epoch by epoch. */
export function batches(ds: LabeledSet, opts: BatchOptions): BatchIterable {
  const [n, h, w, c] = checkImageSet(ds, "ds");
  const batchSize = checkInt("batchSize", opts?.batchSize, 1);
  const shuffle = opts.shuffle ?? false;
  const dropLast = opts.dropLast ?? false;
  if (!shuffle && (opts.rng !== undefined || opts.seed !== undefined)) {
    throw new PlasticityError(
      "batches: seed/rng given but shuffle is false; set shuffle: true",
      "shuffle",
    );
  }
  const rng = shuffle ? resolveRng(opts, "batches") : null;
  const d = h * w * c;
  const length = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);

  function* epoch(): Generator<Batch> {
    const order = rng ? rng.permutation(n) : null;
    for (let b = 0; b < length; b++) {
      const start = b * batchSize;
      const m = Math.min(batchSize, n - start);
      if (order === null) {
        const indices = new Int32Array(m);
        for (let i = 0; i < m; i++) indices[i] = start + i;
        yield {
          x: ds.x.subarray(start * d, (start + m) * d),
          y: ds.y.subarray(start, start + m),
          shape: [m, h, w, c],
          indices,
        };
      } else {
        const indices = order.slice(start, start + m);
        const x = new Float32Array(m * d);
        const y = new Int32Array(m);
        for (let i = 0; i < m; i++) {
          const k = indices[i];
          x.set(ds.x.subarray(k * d, (k + 1) * d), i * d);
          y[i] = ds.y[k];
        }
        yield { x, y, shape: [m, h, w, c], indices };
      }
    }
  }

  return {
    length,
    batchSize,
    [Symbol.iterator]: epoch,
    async *[Symbol.asyncIterator]() {
      for (const batch of epoch()) {
        yield batch;
        await yieldToEventLoop();
      }
    },
  };
}

/** Lets timers, I/O and rendering run between batches (setImmediate in Node, a timeout elsewhere). */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  return new Promise((resolve) =>
    g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0),
  );
}
