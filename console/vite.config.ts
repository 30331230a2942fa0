import path from "node:path";
import { defineConfig } from "vite";

/** The console's own build, kept apart from the test runner's config: `npm run build:console`. */
export default defineConfig({
  root: __dirname,
  base: "/console/",
  publicDir: false,
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: path.resolve(__dirname, "../dist/console"),
    emptyOutDir: true,
    target: "es2022",
    // One stylesheet and one script: no inline code, so the gateway's strict CSP needs no exception.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  logLevel: "warn",
});
