/** A published workspace package and the entry points of its package.json "exports". */
export interface ApiPackageInfo {
  readonly name: string;
  readonly slug: string;
  readonly dir: string;
  readonly entries: string[];
  readonly description: string;
}
export const ROOT: string;
export function apiPackages(root?: string): ApiPackageInfo[];
