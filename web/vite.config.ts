import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the dashboard with hot reload and sends API calls to a
// `steward serve` on its default address. `npm test` runs the component and
// logic tests (Vitest, in jsdom); the browser tests are in tests/.
export default defineConfig({
  plugins: [react()],
  // ELK (1.5 MB) is its own chunk, fetched only when a small lineage graph is laid out.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1600 },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8080",
      "/metrics": "http://127.0.0.1:8080",
    },
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "jsdom",
  },
});
