import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server serves the build at /app (web/webapp.py); the build is committed, so it must
// come out byte for byte the same from the same sources (.ci/run rebuilds and compares).
export default defineConfig({
  base: "/app/",
  plugins: [react()],
  build: {
    outDir: "../web/static/app",
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `npm run dev`: the API of a local `kundenstamm serve`.
    proxy: { "/graphql": "http://127.0.0.1:8000", "/exports": "http://127.0.0.1:8000" },
  },
});
