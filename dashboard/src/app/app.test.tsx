import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, SESSIONS } from '@/testing/fake-api';
import { renderWithApp } from '@/testing/render';
import { navigation } from '@/lib/navigation';
import { App } from './app';

const ID = '7d3c8f1e-0000-4000-8000-000000000002';
const DASHBOARD = {
  id: ID, name: '<img src=x onerror=alert(1)>', defaultRange: 'PT15M', refreshSeconds: 10, version: 1,
  widgets: [{ type: 'line', title: 'Latency', query: { metric: 'checkout.latency_ms', aggregate: 'p95' }, x: 0, y: 0, w: 12, h: 4 }],
};
const FRESHNESS = { tenant: 'acme', eventTime: '2026-11-30T11:59:58Z', lagMillis: 2000, lateEvents: 12, correctedRows: 3, asOf: '2026-11-30T12:00:00Z' };

describe('App', () => {
  let assign: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    window.history.replaceState(null, '', '/');
    assign = vi.spyOn(navigation, 'assign').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    sessionStorage.clear();
  });

  it('sends a visitor without a session to the login, remembering where they were', async () => {
    window.history.replaceState(null, '', `/?dashboard=${ID}&last=1h`);
    fakeApi({ 'GET /v2/session': { status: 401, body: { title: 'Unauthorized', status: 401 } }, 'GET /v2/freshness': { status: 401 } });
    renderWithApp(<App />);
    expect(await screen.findByText('Signing in…')).toBeInTheDocument();
    expect(assign).toHaveBeenCalledWith('/oauth/login/pulse');
    expect(sessionStorage.getItem('pulse.returnTo')).toBe(`/?dashboard=${ID}&last=1h`);
  });

  it('returns to the remembered view after the login', async () => {
    sessionStorage.setItem('pulse.returnTo', `/?dashboard=${ID}&last=1h`);
    fakeApi({ 'GET /v2/session': { body: SESSIONS.viewer }, 'GET /v2/freshness': { body: FRESHNESS }, [`GET /v2/dashboards/${ID}`]: { body: DASHBOARD } });
    renderWithApp(<App />);
    await waitFor(() => expect(window.location.search).toBe(`?dashboard=${ID}&last=1h`));
  });

  it('shows the tenant and role, lists dashboards, and opens one with its name as text', async () => {
    fakeApi({
      'GET /v2/session': { body: SESSIONS.viewer }, 'GET /v2/freshness': { body: FRESHNESS },
      'GET /v2/dashboards': { body: { items: [DASHBOARD] } }, [`GET /v2/dashboards/${ID}`]: { body: DASHBOARD },
    });
    const { harness } = renderWithApp(<App />);
    const header = await screen.findByRole('banner');
    expect(within(header).getByTitle('Tenant')).toHaveTextContent('acme');
    expect(within(header).getByText('viewer')).toBeInTheDocument();
    expect(await screen.findByText(/Data freshness \(acme\)/)).toHaveTextContent(/ behind/);
    expect(screen.queryByLabelText('New dashboard')).not.toBeInTheDocument(); // a viewer cannot create

    await userEvent.click(await screen.findByRole('link', { name: DASHBOARD.name }));
    expect(window.location.search).toBe(`?dashboard=${ID}`);
    expect(await screen.findByRole('heading', { name: DASHBOARD.name })).toBeInTheDocument();
    expect(document.querySelector('img[src="x"]')).toBeNull(); // the name is text, never markup
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /as CSV/ })).not.toBeInTheDocument(); // no exports:create
    act(() => harness.last().open());
    expect(harness.last().framesOfType('subscribe')[0]).toMatchObject({ metric: 'checkout.latency_ms', points: 90 });

    await userEvent.selectOptions(screen.getByLabelText('Time range'), '1h');
    expect(window.location.search).toBe(`?dashboard=${ID}&last=1h&refresh=10`);
    await userEvent.type(screen.getByLabelText('Filter'), 'region:eq:eu');
    await userEvent.click(screen.getByRole('button', { name: 'Add filter' }));
    expect(new URLSearchParams(window.location.search).getAll('filter')).toEqual(['region:eq:eu']);
    await userEvent.click(screen.getByRole('button', { name: 'Remove filter region:eq:eu' }));
    expect(new URLSearchParams(window.location.search).getAll('filter')).toEqual([]);
  });

  it('lets an editor create a dashboard and opens it', async () => {
    const created = { ...DASHBOARD, id: ID, name: 'Fresh', widgets: [] };
    const api = fakeApi({
      'GET /v2/session': { body: SESSIONS.editor }, 'GET /v2/freshness': { body: FRESHNESS },
      'GET /v2/dashboards': { body: { items: [] } }, 'POST /v2/dashboards': { status: 201, body: created },
      [`GET /v2/dashboards/${ID}`]: { body: created },
    });
    renderWithApp(<App />);
    expect(await screen.findByText(/No dashboards yet/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('New dashboard'), 'Fresh');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('heading', { name: 'Fresh' })).toBeInTheDocument();
    const post = api.calls.find((c) => c.method === 'POST')!;
    expect(post.headers.get('X-CSRF-TOKEN')).toBe('csrf-1');
    expect(post.body).toMatchObject({ name: 'Fresh', widgets: [] });
  });

  it('offers Operations only to a role with jobs:read, and keeps the page in the address', async () => {
    fakeApi({ 'GET /v2/session': { body: SESSIONS.viewer }, 'GET /v2/freshness': { body: FRESHNESS }, 'GET /v2/dashboards': { body: { items: [] } } });
    const viewer = renderWithApp(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Dashboards' })).toHaveAttribute('aria-current', 'page');
    expect(within(nav).queryByRole('link', { name: 'Operations' })).not.toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Jobs' })).not.toBeInTheDocument();
    viewer.unmount();

    fakeApi({
      'GET /v2/session': { body: SESSIONS.ops }, 'GET /v2/freshness': { body: FRESHNESS },
      'GET /v2/operations': { body: { readAt: '2026-11-30T12:00:00Z', flink: { available: true, error: null }, rabbitmq: { available: true, error: null }, jobs: [], queues: [] } },
      'GET /v2/jobs/specs': { body: { items: [] } },
      'GET /v2/jobs/deployments': { body: { cluster: 'http://flink.test:8081', items: [] } },
    });
    renderWithApp(<App />);
    const opsNav = await screen.findByRole('navigation', { name: 'Main' });
    // ops may not read dashboards: the start page says so instead of asking the server in vain
    expect((await screen.findByText('dashboards:read')).closest('p')).toHaveTextContent('Your role may not read dashboards');
    const link = within(opsNav).getByRole('link', { name: 'Operations' });
    expect(link).toHaveAttribute('href', '?page=operations');
    expect(link).not.toHaveAttribute('aria-current');
    await userEvent.click(link);
    expect(window.location.search).toBe('?page=operations');
    expect(link).toHaveAttribute('aria-current', 'page');
    expect(within(opsNav).getByRole('link', { name: 'Dashboards' })).not.toHaveAttribute('aria-current');
    expect(await screen.findByRole('heading', { name: 'Operations', level: 1 })).toBeInTheDocument();
    expect(await screen.findByText('No jobs on the Flink cluster.')).toBeInTheDocument();
    const jobs = within(opsNav).getByRole('link', { name: 'Jobs' });
    expect(jobs).toHaveAttribute('href', '?page=jobs');
    await userEvent.click(jobs);
    expect(window.location.search).toBe('?page=jobs');
    expect(await screen.findByRole('heading', { name: 'Jobs', level: 1 })).toBeInTheDocument();
    // ops has jobs:manage: it may store a version
    expect(await screen.findByRole('heading', { name: 'New rollup version' })).toBeInTheDocument();
    await userEvent.click(within(opsNav).getByRole('link', { name: 'Dashboards' }));
    expect(window.location.search).toBe('');
    expect(screen.getByRole('heading', { name: 'Dashboards', level: 1 })).toBeInTheDocument();
  });

  it('keeps the dark mode choice across visits', async () => {
    fakeApi({ 'GET /v2/session': { body: SESSIONS.viewer }, 'GET /v2/freshness': { body: FRESHNESS }, 'GET /v2/dashboards': { body: { items: [] } } });
    renderWithApp(<App />);
    const toggle = await screen.findByRole('button', { name: 'Dark mode' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await userEvent.click(toggle);
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('pulse.theme')).toBe('dark');
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
  });

  it('signs out here, forgets the offline data, then goes to the provider', async () => {
    const api = fakeApi({
      'GET /v2/session': { body: SESSIONS.editor }, 'GET /v2/freshness': { body: FRESHNESS }, 'GET /v2/dashboards': { body: { items: [] } },
      'POST /logout': { body: { redirect: 'http://idp.test/endsession?id_token_hint=x' } },
    });
    const deleted: string[] = [];
    vi.stubGlobal('caches', { delete: async (name: string) => { deleted.push(name); return true; } });
    renderWithApp(<App />);
    await userEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('http://idp.test/endsession?id_token_hint=x'));
    const logout = api.calls.find((c) => c.path === '/logout')!;
    expect(logout.headers.get('Accept')).toBe('application/json');
    expect(logout.headers.get('X-CSRF-TOKEN')).toBe('csrf-1');
    expect(deleted).toEqual(['pulse-api']);
  });

  it('says when the server cannot be reached, with the offline banner', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    renderWithApp(<App />);
    expect(await screen.findByText(/Pulse cannot reach its server/, {}, { timeout: 8000 })).toBeInTheDocument();
    expect(screen.getByText(/You are offline/)).toBeInTheDocument();
  }, 10_000);
});
