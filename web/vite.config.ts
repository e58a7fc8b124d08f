import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web app, built into web/dist and served under /app/ (locally by `npm start`, in AWS
 * by CloudFront). `npm run dev:web` serves it with hot reload and proxies the API to a
 * running `npm start` (API_URL, default http://localhost:3000).
 */
const api = process.env.API_URL ?? 'http://localhost:3000';
// The built stylesheet under /app/assets is what the local sign-in page links.
const apiPaths = ['/me', '/authorities', '/users', '/audit', '/settings', '/courses', '/training', '/sops', '/frameworks', '/statement-deadlines', '/reports', '/openapi.json', '/health', '/local', '/app/config.json', '/app/assets'];

export default defineConfig({
  root: webRoot,
  // APP_BASE_PATH of infra/web-app.ts (not imported: it would load the domain into Vite's config);
  // the browser tests fail if the two differ, as the server would not find the assets.
  base: '/app/',
  plugins: [react()],
  css: { preprocessorOptions: { scss: { quietDeps: true, loadPaths: [fileURLToPath(new URL('..', import.meta.url))] } } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // web/scripts/check-bundle.ts reads it to measure what the first page load fetches.
    manifest: true,
    // No inline assets: the Content-Security-Policy allows fonts and images from 'self' only
    // (and data: images), and small SVGs inline as data: URLs would be fine, fonts are not needed.
    assetsInlineLimit: 0,
    // GOV.UK Frontend keeps an old-IE media query hack (`min-width: 0\\0`) that Lightning CSS refuses.
    cssMinify: 'esbuild',
    // Dart Sass takes most of the build; saying so on every build (and test run) is noise.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(apiPaths.map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
