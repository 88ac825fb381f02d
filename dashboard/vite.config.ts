/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The API the dev server forwards to: the devstack's serving-api by default (./pulse).
const api = process.env.PULSE_API_URL ?? 'http://127.0.0.1:8080';
const apiPaths = ['/v1', '/v2', '/oauth', '/logout', '/graphql', '/openapi', '/health'];

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false, // registered from src/features/offline (no inline script: the CSP allows none)
      manifest: {
        name: 'Pulse',
        short_name: 'Pulse',
        description: 'Live analytics dashboards',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#0f172a',
        theme_color: '#2563eb',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // a new build takes over open tabs at once, and the first visit's tab is served offline too
        clientsClaim: true,
        skipWaiting: true,
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        navigateFallback: '/index.html',
        // the login flow and the API are never answered with the app shell
        navigateFallbackDenylist: [/^\/(oauth|logout|v1|v2|graphql|openapi|health)/],
        runtimeCaching: [{
          // the last data each screen showed, so the app opens offline with it (cleared at logout)
          // not the freshness poll: a stale answer would misstate how current the data is
          urlPattern: ({ url, request }) => request.method === 'GET' && /^\/v[12]\//.test(url.pathname)
            && !url.pathname.startsWith('/v1/stream') && url.pathname !== '/v2/freshness',
          handler: 'NetworkFirst',
          options: { cacheName: 'pulse-api', networkTimeoutSeconds: 5, expiration: { maxEntries: 200 } },
        }],
      },
    }),
  ],
  build: { sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: api, changeOrigin: false, ws: true }])),
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./vitest.setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/**/*.test.{ts,tsx}', 'src/main.tsx', 'src/lib/api-schema.d.ts', 'src/testing/**'],
      thresholds: { lines: 80 },
      reporter: ['text-summary', 'html', 'lcov'],
    },
  },
});
