import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage();
const t0 = Date.now();
const log = (...a) => console.log(((Date.now() - t0) / 1000).toFixed(1), ...a);
page.on('pageerror', (e) => log('pageerror', e.message));
page.on('websocket', (ws) => {
  log('ws', ws.url());
  ws.on('framesent', (f) => log('sent', String(f.payload).slice(0, 120)));
  ws.on('framereceived', (f) => log('recv', String(f.payload).slice(0, 120)));
  ws.on('close', () => log('ws closed'));
});
await page.goto('http://127.0.0.1:8080/');
await page.getByRole('button', { name: 'viewer@acme' }).click();
await page.getByRole('link', { name: 'Demo: shop overview' }).click();
await page.waitForTimeout(20000);
log(await page.locator('.status-bar').textContent());
for (const card of await page.locator('.widget-card').all()) log((await card.textContent()).slice(0, 80));
await browser.close();
