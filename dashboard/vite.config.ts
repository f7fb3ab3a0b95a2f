/**
 * Vite build of the dashboard. `hydra up` runs `vite build` on demand and
 * serves dist/ with a same-origin `/api/` proxy; `vite` (dev) proxies the
 * same prefix to HYDRA_API_URL (default http://127.0.0.1:8080).
 */
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where the dev server sends `/api/*` (the prefix is stripped, as in production). */
const DEV_API_URL = process.env.HYDRA_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Chunks per route come from React.lazy; this only splits the chart library out of the entry.
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': { target: DEV_API_URL, rewrite: (path) => path.replace(/^\/api/, '') } },
  },
});
