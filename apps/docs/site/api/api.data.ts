import { apiPackages } from "../../scripts/api-packages.mjs";

export interface ApiPackage {
  readonly name: string;
  readonly slug: string;
  readonly description: string;
  readonly entries: readonly string[];
}

declare const data: ApiPackage[];

export { data };

export default {
  load(): ApiPackage[] {
    return apiPackages().map(({ name, slug, description, entries }) => ({
      name,
      slug,
      description,
      entries,
    }));
  },
};
