import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

/**
 * Builds the web UI into dist/web, which the server serves under a strict CSP
 * (script-src 'self'; style-src 'self'): no inline scripts or styles, no data: assets.
 */
export default defineConfig({
  root: webRoot,
  base: "/",
  // Vite 8 transpiles TSX with Oxc; the automatic runtime imports react/jsx-runtime itself.
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    // Every asset becomes a file, so nothing needs a data: or inline CSP exception.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // React and the other libraries change far less often than the screens: a separate chunk stays cached
        // across releases, and neither chunk crosses the 500 kB size warning.
        codeSplitting: { groups: [{ name: "vendor", test: /node_modules/ }] },
      },
    },
  },
});
