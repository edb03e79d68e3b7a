/**
 * The page's build: `npm run build:client` writes apps/client/dist, which the Nest server serves at `/`;
 * `npm run dev` serves it with hot reload and proxies the socket and the HTTP routes to the Nest server:
 * on `PORT` (the variable the server itself reads, 3000 by default), or at `LIVE_DIGITS_SERVER` (a full URL).
 */
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

const nestServer = process.env.LIVE_DIGITS_SERVER ?? `http://localhost:${process.env.PORT || 3000}`;

export default defineConfig({
  root: here('.'),
  plugins: [vue()],
  resolve: {
    // The socket contract, shared with the server. The lib's index re-exports only the protocol,
    // so nothing of tfjs, sharp or node reaches the bundle.
    alias: { '@live-digits/shared': here('../../libs/shared/src/index.ts') },
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  server: {
    port: 5173,
    proxy: {
      '/socket.io': { target: nestServer, ws: true },
      '/predict': nestServer,
      '/feedback': nestServer,
      '/health': nestServer,
      '/metrics': nestServer,
    },
  },
});
