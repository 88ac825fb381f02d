// End-to-end: the built dashboard, served by the devstack (embedded PostgreSQL, Redis and broker, the
// rollup job on a MiniCluster, serving-api, the local OIDC provider), driven in headless Chromium.
// Run by devstack's DashboardEndToEndIT, which starts the devstack and passes its addresses.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { accessibilityViolations, api, ARTIFACTS, BASE, ingest, launch, launchProfile, signIn, token, unique, until } from './support.mjs';

const DEMO = 'Demo: shop overview';
let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function openDemo(page) {
  await page.getByRole('link', { name: DEMO }).click();
  await demoShown(page);
}

async function offlineBanner(page) {
  try {
    await page.getByText(/You are offline/).waitFor();
  } catch (error) {
    throw new Error(`no offline banner; the page says: ${(await page.locator('body').textContent()).slice(0, 400)}`, { cause: error });
  }
}

async function demoShown(page) {
  await page.getByRole('heading', { name: DEMO }).waitFor();
  const line = page.getByRole('img', { name: /^Line chart of checkout\.latency_ms p95/ });
  await until(async () => Number(await line.getAttribute('data-point-count')) > 0, { what: 'points on the live line chart' });
}

describe('a viewer', () => {
  it('logs in, sees tenant and role, watches a live dashboard, and may not edit it', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await signIn(context, 'viewer@acme');
    const header = page.getByRole('banner');
    assert.equal(await header.getByTitle('Tenant').textContent(), 'acme');
    assert.equal(await header.getByText('viewer', { exact: true }).count(), 1);
    await openDemo(page);
    await page.getByRole('img', { name: /^Bar chart of page\.views/ }).waitFor();
    // on a devstack just started: a correlation needs two shared 10 s windows, and the hour's cell its first
    // closed minute; the widgets refresh every 10 s
    await page.getByRole('img', { name: /^Correlation heatmap/ }).waitFor({ timeout: 120_000 });
    await page.getByRole('img', { name: /^Hour of day by weekday heatmap/ }).waitFor({ timeout: 120_000 });
    assert.match(await page.locator('.status-bar').textContent(), /Live.*Last update: .* ago.*Data freshness \(acme\): .* behind/);

    assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0, 'no edit control for a viewer');
    assert.equal(await page.getByRole('button', { name: /as CSV$/ }).count(), 0, 'a viewer may not export');
    // the server stays the authority: the same edit sent directly, with the session's cookie and CSRF token
    const session = await (await context.request.get(`${BASE}/v2/session`)).json();
    const demo = (await (await context.request.get(`${BASE}/v2/dashboards?limit=200`)).json()).items.find((d) => d.name === DEMO);
    const edit = await context.request.put(`${BASE}/v2/dashboards/${demo.id}`, {
      headers: { 'X-CSRF-TOKEN': session.csrfToken }, data: { ...demo, name: 'taken over' },
    });
    const status = edit.status();
    assert.equal(status, 403);

    // a shared link reproduces the view: range and filter from the address survive a reload
    await page.getByLabel('Time range').selectOption('1h');
    await page.getByRole('textbox', { name: 'Filter' }).fill('region:eq:eu-west');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.reload();
    await page.getByRole('heading', { name: DEMO }).waitFor();
    assert.equal(await page.getByLabel('Time range').inputValue(), '1h');
    await page.getByRole('button', { name: 'Remove filter region:eq:eu-west' }).waitFor();
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('gets readable themes, accessible controls, and a layout without sideways scrolling on a phone', async () => {
    for (const [theme, width] of [['light', 1440], ['dark', 1440], ['light', 390], ['dark', 390]]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: theme });
      const page = await signIn(context, 'editor@acme');
      await openDemo(page);
      await page.getByRole('img', { name: /^Correlation heatmap/ }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme, 'follows the system setting');
      assert.deepEqual(await accessibilityViolations(page), [], `${theme} at ${width} px`);
      await page.screenshot({ path: `${ARTIFACTS}/dashboard-${theme}-${width}.png`, fullPage: true });
      assert.deepEqual(page.problems, []);
      await context.close();
    }
    const phone = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await signIn(phone, 'editor@acme');
    await openDemo(page);
    await page.getByRole('img', { name: /^Correlation heatmap/ }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360, 'no horizontal scrolling at 360 px');
    await phone.close();
  });

  it('switches to dark mode and keeps the choice', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await signIn(context, 'viewer@acme');
    await page.getByRole('button', { name: 'Dark mode' }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.reload();
    await page.getByRole('banner').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await page.getByRole('button', { name: 'Dark mode' }).getAttribute('aria-pressed'), 'true');
    await context.close();
  });
});

describe('an editor', () => {
  it('creates a dashboard and a widget, saves, finds both after a reload, and exports CSV and PDF', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    const page = await signIn(context, 'editor@acme');
    const name = unique('E2E ');
    await page.getByLabel('New dashboard').fill(name);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name }).waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'Add widget' }).click();
    const form = page.getByRole('form', { name: 'Widget' });
    await form.getByLabel('Title').fill('Checkout median');
    await form.getByLabel('Metric').fill('checkout.latency_ms');
    await form.getByLabel('Aggregate').selectOption('p50');
    await form.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();

    await page.reload();
    await page.getByRole('heading', { name }).waitFor();
    const chart = page.getByRole('img', { name: 'Line chart of checkout.latency_ms p50' });
    await until(async () => Number(await chart.getAttribute('data-point-count')) > 0, { what: 'the new widget’s points' });

    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Checkout median as CSV' }).click();
    const csv = await readFile(await (await csvDownload).path(), 'utf8');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines[0], 'time,p50');
    assert.ok(lines.length > 1, 'rows under the header');
    assert.match(lines[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,\d+(\.\d+)?$/);

    const pdfDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export PDF' }).click();
    const pdf = await readFile(await (await pdfDownload).path());
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.includes(name), 'the title is in the PDF');
    assert.ok(pdf.includes('Checkout median'), 'the widget title is in the PDF');
    assert.match(pdf.subarray(pdf.length - 64).toString('latin1'), /%%EOF\s*$/);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  it('shows a dashboard named like markup as text and runs nothing', async () => {
    const markup = '<img src=x onerror=alert(1)>';
    const created = await api('POST', '/v2/dashboards', await token('acme-editor'),
      { name: markup, defaultRange: 'PT15M', refreshSeconds: 10, widgets: [] });
    const context = await browser.newContext();
    const page = await signIn(context, 'viewer@acme');
    await page.getByRole('link', { name: markup }).first().waitFor();
    await page.goto(`${BASE}/?dashboard=${created.id}`);
    await page.getByRole('heading', { name: markup }).waitFor();
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.deepEqual(page.problems, []); // an alert would be listed here
    await context.close();
  });
});

/** Signs in as ops in a new browser context and opens `title` (Operations, Jobs) from the main menu. */
async function openAsOps(title, theme, width) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: theme });
  const page = await signIn(context, 'ops@acme');
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: title });
  await link.click();
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  assert.equal(await link.getAttribute('aria-current'), 'page');
  assert.equal(new URL(page.url()).searchParams.get('page'), title.toLowerCase(), 'the page is in the address');
  return { context, page };
}

describe('an SRE', () => {
  it('opens Operations from the menu: the rollup job running with operators and a checkpoint, and why queues are missing', async () => {
    const JOB = 'pulse-rollups (devstack)';
    for (const [theme, width] of [['light', 1440], ['dark', 390]]) {
      const { context, page } = await openAsOps('Operations', theme, width);

      // polled every 5 s: on a devstack just started, the job may still be starting or before its first checkpoint
      const job = page.getByRole('region', { name: JOB, exact: true });
      await job.waitFor({ timeout: 60_000 });
      await until(async () => (await job.getByTitle('Job status').textContent()) === 'RUNNING', { what: `${JOB} running` });
      const checkpoint = job.locator('xpath=.//dt[normalize-space(.)="Last checkpoint"]/following-sibling::dd[1]');
      await until(async () => / ago, took .+, [\d.,]+ (B|KiB|MiB|GiB|TiB)$/.test(await checkpoint.textContent()),
        { what: `a last checkpoint of ${JOB}` });
      const operators = job.getByRole('table', { name: `Operators of ${JOB}` }).locator('tbody tr');
      assert.ok(await operators.count() >= 1, 'at least one operator row');
      assert.match(await operators.first().textContent(), /\d+(\.\d)? % (OK|Low|High)/, 'backpressure with its level');

      // the devstack's embedded broker has no RabbitMQ management API: the queues say so, the jobs still show
      const queues = page.getByRole('region', { name: 'Event queues', exact: true });
      await queues.getByText(/not configured/).waitFor();
      assert.match(await page.getByRole('list', { name: 'Sources' }).textContent(), /Flink: available.*RabbitMQ: unavailable/);

      assert.deepEqual(await accessibilityViolations(page), [], `Operations, ${theme} at ${width} px`);
      if (width < 400) {
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, 'tables scroll in their box, not the page');
      }
      await page.screenshot({ path: `${ARTIFACTS}/operations-${theme}-${width}.png`, fullPage: true });
      assert.deepEqual(page.problems, []);
      await context.close();
    }
  });
});

describe('a data engineer', () => {
  it('stores a rollup spec on the Jobs page, deploys it after reading its plan, sees it run on Flink and stops it', async () => {
    const name = unique('e2e-');
    const spec = (windows) => `name: ${name}\nversion: 1\nsource: { metrics: ["e2e*"] }\nwindows: { tumbling: [${windows}] }\n`
      + 'aggregates: [count, sum, min, max, mean]\n';
    for (const [theme, width] of [['light', 1440], ['dark', 390]]) {
      const { context, page } = await openAsOps('Jobs', theme, width);
      const card = page.getByRole('region', { name, exact: true });

      if (theme === 'light') {
        // validated against the server's schema and rules: the error names its path
        const editor = page.getByLabel(/^Spec \(YAML or JSON/);
        await editor.fill(spec('10s, 2m'));
        await page.getByRole('button', { name: 'Validate' }).click();
        await page.getByRole('list', { name: 'Spec errors' }).getByText(/\/windows\/tumbling\/1: no rollup table stores 2m windows/).waitFor();
        await editor.fill(spec('10s, 1m'));
        await page.getByRole('button', { name: 'Validate' }).click();
        await page.getByText(`Valid: ${name} version 1.`).waitFor();
        await page.getByRole('button', { name: 'Store as the next version' }).click();
        await page.getByText(`Stored: ${name} version 1.`).waitFor();

        // deployed to the devstack's MiniCluster through Flink's REST API, after the plan is shown
        await card.getByRole('button', { name: 'Deploy…' }).click();
        const confirmation = card.getByRole('region', { name: `Deploy ${name} version 1?` });
        await confirmation.getByText('It starts empty and reads events from now on.').waitFor();
        await confirmation.getByRole('button', { name: 'Deploy version 1' }).click();
        await card.getByText(new RegExp(`^Running: ${name} version 1 as job \\w+`)).waitFor({ timeout: 180_000 });
      }
      await until(async () => (await card.getByTitle('Job status').textContent()) === 'RUNNING', { what: `${name} running` });
      await card.getByText('Versions and changes').click();
      await card.getByRole('list', { name: `Versions of ${name}` }).getByText(/version 1 by ops@acme/).waitFor();

      assert.deepEqual(await accessibilityViolations(page), [], `Jobs, ${theme} at ${width} px`);
      if (width < 400) {
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, 'nothing wider than the screen');
      }
      await page.screenshot({ path: `${ARTIFACTS}/jobs-${theme}-${width}.png`, fullPage: true });

      if (theme === 'dark') {
        // and stopped with a savepoint, which frees its slots for the other tests
        await card.getByRole('button', { name: 'Stop…' }).click();
        await card.getByRole('button', { name: 'Stop', exact: true }).click();
        await card.getByText(/^Stopped with savepoint file:/).waitFor({ timeout: 120_000 });
        await until(async () => (await card.getByTitle('Job status').textContent()) === 'STOPPED', { what: `${name} stopped` });
      }
      assert.deepEqual(page.problems, []);
      await context.close();
    }
  });
});

describe('live data', () => {
  it('shows an event published through the pipeline as a new point, and a late correction as a revised one', async () => {
    const metric = unique('e2e.latency_');
    const created = await api('POST', '/v2/dashboards', await token('acme-editor'), {
      name: unique('Live '), defaultRange: 'PT5M', refreshSeconds: 0,
      widgets: [{ type: 'line', title: 'Latency sum', query: { metric, aggregate: 'sum', step: '10s' }, x: 0, y: 0, w: 12, h: 4 }],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await signIn(context, 'editor@acme');
    await page.goto(`${BASE}/?dashboard=${created.id}`);
    await page.getByText('No data in this time range').waitFor();

    const now = Date.now();
    await ingest([{ metric, timestamp: now, value: 5 }]);
    const chart = page.getByRole('img', { name: `Line chart of ${metric} sum` });
    await chart.waitFor({ timeout: 60_000 });
    await until(async () => Number(await chart.getAttribute('data-point-count')) === 1, { what: 'the published point' });
    assert.equal(await chart.getAttribute('data-revised-count'), '0');

    // the same window, after the job has written it: merged as a correction of the stored row
    await ingest([{ metric, timestamp: now, value: 7 }]);
    await until(async () => Number(await chart.getAttribute('data-revised-count')) === 1, { timeoutMs: 90_000, what: 'the revised point' });
    await page.locator('.revised-point').first().hover();
    await page.getByText('revised by a late correction').waitFor();
    assert.match(await page.locator('.chart-tooltip').textContent(), /12/);
    assert.deepEqual(page.problems, []);
    await context.close();
  });
});

describe('the installed app', () => {
  it('has an installable manifest and opens offline after a first visit, saying it is offline', async () => {
    // a profile on disk: Chromium does not offer installation in an incognito-like context
    const context = await launchProfile();
    const page = await signIn(context, 'viewer@acme');
    await openDemo(page);
    const manifest = await (await fetch(`${BASE}/manifest.webmanifest`)).json();
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.icons.some((i) => i.sizes === '512x512') && manifest.icons.some((i) => i.sizes === '192x192'));
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);

    await page.evaluate(() => navigator.serviceWorker.ready);
    await until(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { what: 'the service worker controlling the page' });
    await context.setOffline(true);
    await page.reload();
    await offlineBanner(page); // the app shell came from the service worker's cache

    // a visit under the service worker keeps each answer: offline, the app opens with the last data
    await context.setOffline(false);
    await page.reload();
    await demoShown(page);
    await context.setOffline(true);
    await page.reload();
    await offlineBanner(page);
    await page.getByRole('banner').getByTitle('Tenant').waitFor();
    await page.getByRole('heading', { name: DEMO }).waitFor();
    await page.getByRole('img', { name: /^Correlation heatmap/ }).waitFor();
    const line = page.getByRole('img', { name: /^Line chart of checkout\.latency_ms p95/ });
    assert.ok(Number(await line.getAttribute('data-point-count')) > 0, 'the live chart shows its last points');
    await context.close();
  });
});
