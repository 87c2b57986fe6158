import { PlasticityError } from "@plasticity/core";

/** A data file is missing, truncated, malformed or fails its checksum. `file` names it. */
export class DataFileError extends PlasticityError {
  override readonly name: string = "DataFileError";
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`, "file");
  }
}

/** A file's checksum differs from the official one. */
export class ChecksumError extends DataFileError {
  override readonly name = "ChecksumError";
  constructor(
    file: string,
    readonly algorithm: "sha256" | "md5",
    readonly expected: string,
    readonly actual: string,
    hint: string,
  ) {
    super(file, `${algorithm} mismatch: expected ${expected}, got ${actual}. ${hint}`);
  }
}

/** No source (explicit dir, cache, offline copy, download) could provide a dataset. */
export class DatasetNotFoundError extends PlasticityError {
  override readonly name = "DatasetNotFoundError";
  constructor(
    readonly dataset: string,
    readonly tried: readonly string[],
    howTo: string,
  ) {
    super(
      `dataset "${dataset}" not found. Tried, in order:\n${tried.map((t) => `  - ${t}`).join("\n")}\n${howTo}`,
      "name",
    );
  }
}

/** Every mirror failed for one file. `attempts` lists each URL and why. */
export class DownloadError extends PlasticityError {
  override readonly name = "DownloadError";
  constructor(
    readonly file: string,
    readonly attempts: readonly { url: string; error: string }[],
  ) {
    super(
      `download of ${file} failed from every mirror:\n${attempts.map((a) => `  - ${a.url}: ${a.error}`).join("\n")}`,
      "url",
    );
  }
}

/** Message of an unknown thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}
