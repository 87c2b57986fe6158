/**
 * The parts of @plasticity/datasets that need no Node built-ins (no file system, no network):
 * parsers of in-memory files, batches, splits, preprocessing, ZCA and synthetic datasets. For
 * browsers and workers: `import { … } from "@plasticity/datasets/web"`.
 */
export * from "./batches.js";
export {
  CIFAR10,
  CIFAR100,
  type CifarDatasetSpec,
  FASHION_MNIST,
  type FileDatasetSpec,
  type IdxDatasetSpec,
  MNIST,
} from "./catalog.js";
export {
  CIFAR_IMAGE_BYTES,
  CIFAR10_LAYOUT,
  CIFAR100_COARSE_LAYOUT,
  CIFAR100_FINE_LAYOUT,
  type CifarLayout,
  cifarRecordBytes,
  cifarRecordCount,
  decodeCifar,
} from "./cifar.js";
export { bytesToFloat32 } from "./convert.js";
export { ChecksumError, DataFileError, DatasetNotFoundError, DownloadError } from "./errors.js";
export { encodeIdx, type IdxArray, parseIdx } from "./idx.js";
export * from "./preprocess.js";
export * from "./split.js";
export * from "./synthetic.js";
export * from "./types.js";
export type { RandomOptions } from "./util.js";
export { type ZcaModel, type ZcaOptions, zca } from "./zca.js";
