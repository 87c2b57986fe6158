import { defineConfig } from "vitepress";
import { apiPackages } from "../../scripts/api-packages.mjs";

export default defineConfig({
  title: "plasticity",
  description:
    "Biologically plausible deep learning in TypeScript: Hebbian plasticity, similarity matching, feedback alignment.",
  head: [["link", { rel: "icon", type: "image/svg+xml", href: "/favicon.svg" }]],
  // no external requests: no Google fonts, no Algolia; search runs on a local index
  markdown: { math: true },
  lastUpdated: false,
  themeConfig: {
    search: { provider: "local" },
    nav: [
      { text: "Guide", link: "/getting-started" },
      { text: "Rules", link: "/rules" },
      { text: "Models", link: "/models/hebbian-conv" },
      { text: "Live demo", link: "/demo" },
      { text: "Results", link: "/results" },
      { text: "API", link: "/api/" },
    ],
    sidebar: [
      {
        text: "Guide",
        items: [
          { text: "Getting started", link: "/getting-started" },
          { text: "The CLI", link: "/cli" },
          { text: "Writing a rule plugin", link: "/plugins" },
        ],
      },
      {
        text: "Learning rules and models",
        items: [
          { text: "Hebbian rules", link: "/rules" },
          { text: "Hebbian CNNs (Miconi)", link: "/models/hebbian-conv" },
          { text: "Similarity matching (Obeid et al.)", link: "/models/similarity-matching" },
          { text: "Feedback alignment and URFB (Amit)", link: "/models/feedback-alignment" },
        ],
      },
      {
        text: "Try and measure",
        items: [
          { text: "Live demo", link: "/demo" },
          { text: "Results", link: "/results" },
        ],
      },
      {
        text: "API reference",
        items: [
          { text: "Overview", link: "/api/" },
          ...apiPackages().map((p) => ({ text: p.name, link: `/api/${p.slug}/index/` })),
        ],
      },
    ],
    outline: { level: [2, 3] },
  },
  vite: {
    worker: { format: "es" },
    // the demo's worker bundles tfjs-core with its webgl, wasm and cpu backends (~1.4 MB)
    build: { chunkSizeWarningLimit: 2000 },
  },
});
