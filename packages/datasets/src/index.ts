export { defaultCacheDir } from "./cache.js";
export { type DownloadOptions, type DownloadResult, downloadVerified } from "./download.js";
export {
  DATASET_NAMES,
  type DataSource,
  type DatasetInfo,
  type DatasetName,
  datasetInfo,
  type LoadOptions,
  type LocateOptions,
  type Location,
  listDatasets,
  loadDataset,
  locateDataset,
} from "./load.js";
export { readTarMembers, type TarLimits, unsafeTarPath } from "./tarball.js";
export * from "./web.js";
