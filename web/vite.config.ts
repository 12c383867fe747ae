import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * One single-page app for two audiences: the staff console (/console) and the customers' H5 pages
 * (/h5). Each is its own lazy chunk, so a customer's phone never downloads the console's tables.
 * Built with `vite build web` into web/dist, which the API process serves.
 */
export default defineConfig({
  plugins: [react()],
  publicDir: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Ant Design is one large module graph; its chunk is cached for a year, so its size is paid once.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npx vite web` during development, with the API running on 3000.
    proxy: { "/api": { target: "http://localhost:3000", changeOrigin: false } },
  },
});
