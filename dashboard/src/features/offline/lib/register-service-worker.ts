import { registerSW } from 'virtual:pwa-register';

/** Installs the service worker (Workbox) that keeps the app shell and the last data for offline use. */
export function registerServiceWorker(): void {
  if ('serviceWorker' in navigator) registerSW({ immediate: true });
}
