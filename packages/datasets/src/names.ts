/**
 * The dataset names `loadDataset` knows, in a module of its own so that tools validating configs
 * (`@plasticity/datasets/names`) load nothing else.
 */
export const DATASET_NAMES = [
  "mnist",
  "fashion-mnist",
  "cifar10",
  "cifar100",
  "bars",
  "gaussian-mixture",
  "gaussian-pcs",
] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];
