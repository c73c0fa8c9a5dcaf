import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo portal is built once and served by demo/server.ts, which also tells the page where
// the Signoff API and the simulator are (see /demo-config.json), so one build runs anywhere.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
