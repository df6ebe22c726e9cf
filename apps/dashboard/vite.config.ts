import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard builds to dist/dashboard, which apps/api serves on the API's own origin (no CORS, one port).
 * `npm run dev:dashboard` serves it with hot reload and forwards /graphql (HTTP and WebSocket) to an API on :3000.
 */
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)), emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:3000', ws: true }, '/reports': 'http://127.0.0.1:3000', '/vigia-status': 'http://127.0.0.1:3000' } },
});
