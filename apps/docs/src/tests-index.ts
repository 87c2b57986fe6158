import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A test case found in a test file: its title and where it is. */
export interface TestRef {
  readonly title: string;
  /** Path from the repository root. */
  readonly file: string;
  readonly line: number;
}

const IT = /^\s*it\(\s*(["'`])(.+?)\1\s*,/;

/** Every `it("…", …)` of the given test files (paths from `root`), with its line number. */
export function findTests(root: string, files: readonly string[]): TestRef[] {
  const out: TestRef[] = [];
  for (const file of files) {
    readFileSync(join(root, file), "utf8")
      .split("\n")
      .forEach((text, i) => {
        const m = IT.exec(text);
        if (m) out.push({ title: m[2]!, file, line: i + 1 });
      });
  }
  return out;
}

/**
 * The tests whose title starts with the rule's name as a whole word ("oja: …" but not
 * "oja-subspace: …" for oja).
 */
export function testsOfRule(tests: readonly TestRef[], rule: string): TestRef[] {
  const re = new RegExp(`^${rule.replace(/[-]/g, "\\-")}(?![\\w-])`);
  return tests.filter((t) => re.test(t.title));
}

/** The first line of `file` (from `root`) containing `needle`, as a TestRef titled `title`. */
export function lineOf(root: string, file: string, needle: string, title: string): TestRef {
  const i = readFileSync(join(root, file), "utf8")
    .split("\n")
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${file}: no line contains ${JSON.stringify(needle)}`);
  return { title, file, line: i + 1 };
}

/** https://github.com/<owner>/<repo>/blob/main/ from a package.json `repository.url`. */
export function blobBase(repositoryUrl: string): string {
  const m = /github\.com\/([^/]+\/[^/.]+)(\.git)?$/.exec(repositoryUrl);
  if (!m) throw new Error(`repository.url: expected a GitHub URL, got ${repositoryUrl}`);
  return `https://github.com/${m[1]}/blob/main/`;
}
