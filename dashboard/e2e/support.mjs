// What the end-to-end tests share: the devstack's addresses, tokens from its OIDC provider, ingest
// through its API, and a Chromium driven by playwright-core (Debian's build, headless).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const BASE = required('PULSE_URL').replace(/\/$/, '');
const TOKEN_ENDPOINT = required('PULSE_TOKEN_ENDPOINT');
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? 'e2e-artifacts';
mkdirSync(ARTIFACTS, { recursive: true });

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through the devstack (DashboardEndToEndIT)`);
  return value;
}

/** A bearer token of the client-credentials client `<tenant>-<role>` of the local provider. */
export async function token(client) {
  const response = await fetch(TOKEN_ENDPOINT, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client, client_secret: 'local' }),
  });
  if (!response.ok) throw new Error(`token for ${client}: ${response.status}`);
  return (await response.json()).access_token;
}

export async function api(method, path, bearer, body) {
  const response = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Publishes events through the pipeline: HTTP ingest → RabbitMQ → the rollup job → rows and the stream. */
export async function ingest(events) {
  const result = await api('POST', '/v1/events', await token('acme-ingest'), events);
  if (result.accepted !== events.length) throw new Error(`ingest accepted ${result.accepted} of ${events.length}`);
}

const CHROMIUM = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export async function launch() {
  return chromium.launch(CHROMIUM);
}

/** A browser with a profile on disk, as a user's (installation is not offered in incognito). */
export async function launchProfile() {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'pulse-e2e-profile-')), CHROMIUM);
}

/**
 * A signed-in page: the app sends the visitor to the provider's login page, where a demo user is picked.
 * Console errors and page errors after the login are collected (`page.problems`).
 */
export async function signIn(context, user) {
  const page = await context.newPage();
  page.problems = [];
  let signedIn = false;
  page.on('console', (message) => {
    if (signedIn && message.type() === 'error') page.problems.push(message.text());
  });
  page.on('pageerror', (error) => page.problems.push(error.message));
  page.on('dialog', (dialog) => {
    if (dialog.type() !== 'confirm') page.problems.push(`unexpected ${dialog.type()}: ${dialog.message()}`);
    return dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss();
  });
  await page.goto(`${BASE}/`);
  await page.getByRole('button', { name: user }).click();
  await page.getByRole('banner').waitFor();
  signedIn = true;
  return page;
}

const require = createRequire(import.meta.url);
const axeSource = require('axe-core').source;

/** axe-core's WCAG 2 A/AA rules on the page as it is (evaluated over CDP, so the page's CSP allows it). */
export async function accessibilityViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
  });
}

export async function until(check, { timeoutMs = 60_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

export const unique = (prefix) => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
