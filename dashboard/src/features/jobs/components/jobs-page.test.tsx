import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, type Call } from '@/testing/fake-api';
import { renderWithApp } from '@/testing/render';
import { deploymentsQueryOptions, type DeploymentsPage, type Plan, type SpecVersion } from '../api/jobs';
import { JobsPage } from './jobs-page';

const CLUSTER = 'http://flink.test:8081';
const SPECS: SpecVersion[] = [
  { name: 'checkout', version: 2, document: '{}', createdBy: 'ops@acme', createdAt: '2026-12-01T10:00:00Z' },
  { name: 'orders', version: 1, document: '{}', createdBy: 'ops@acme', createdAt: '2026-11-30T09:00:00Z' },
];
const DEPLOYMENTS: DeploymentsPage = {
  cluster: CLUSTER,
  items: [{
    name: 'checkout', version: 1, cluster: CLUSTER, jobId: 'a1b2', state: 'RUNNING', restoredFrom: null as unknown as string,
    stoppedWith: null as unknown as string, deployedBy: 'ops@acme', deployedAt: '2026-12-01T10:05:00Z', stoppedAt: null as unknown as string,
  }],
};
const STARTS_EMPTY: Plan = {
  fullyRestored: false, dropsState: false, steps: [
    { operator: 'rollup-10s', fromUid: 'checkout/rollup-10s', toUid: 'checkout/rollup-10s', fate: 'restored' },
    { operator: 'rollup-1h', fromUid: null as unknown as string, toUid: 'checkout/rollup-1h', fate: 'starts-empty' },
  ],
};
const RESTORES: Plan = { fullyRestored: true, dropsState: false, steps: [STARTS_EMPTY.steps[0]!] };

function routes(extra: Record<string, Parameters<typeof fakeApi>[0][string]> = {}) {
  return fakeApi({
    'GET /v2/jobs/specs': { body: { items: SPECS } },
    'GET /v2/jobs/deployments': { body: DEPLOYMENTS },
    ...extra,
  });
}

const card = (name: string) => screen.findByRole('region', { name });

describe('JobsPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists every rollup with its newest version and what runs, and its versions with the changes between them', async () => {
    routes({
      'GET /v2/jobs/specs/checkout/versions': { body: { items: [SPECS[0], { ...SPECS[0], version: 1, createdAt: '2026-11-30T08:00:00Z' }] } },
      'GET /v2/jobs/specs/checkout/diff': (call: Call) => ({
        body: { name: 'checkout', from: Number(new URLSearchParams(call.search).get('from')), to: 2, plan: STARTS_EMPTY,
          changes: [{ path: '/windows/tumbling', before: '["10s","1m"]', after: '["10s","1m","1h"]' }] },
      }),
    });
    renderWithApp(<JobsPage canManage={false} />);
    const checkout = await card('checkout');
    expect(screen.getByText(/Flink cluster:/)).toHaveTextContent(`Flink cluster: ${CLUSTER}`);
    expect(within(checkout).getByTitle('Job status')).toHaveTextContent('RUNNING');
    expect(within(checkout).getByText('newest version 2')).toBeInTheDocument();
    expect(within(checkout).getByText('Deployed version').nextElementSibling).toHaveTextContent('1');
    expect(within(checkout).getByText('Flink job').nextElementSibling).toHaveTextContent('a1b2');
    const orders = await card('orders');
    expect(within(orders).getByText('Deployed version').nextElementSibling).toHaveTextContent('not deployed');
    expect(within(orders).queryByTitle('Job status')).not.toBeInTheDocument();
    // reading only: nothing to deploy, stop or store
    expect(screen.queryByRole('button', { name: /Deploy|Stop/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'New rollup version' })).not.toBeInTheDocument();

    await userEvent.click(within(checkout).getByText('Versions and changes'));
    const versions = await within(checkout).findByRole('list', { name: 'Versions of checkout' });
    expect(within(versions).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'version 2 by ops@acme, 2026-12-01 10:00 UTC', 'version 1 by ops@acme, 2026-11-30 08:00 UTC']);
    const changes = await within(checkout).findByRole('table', { name: 'Changes from version 1 to 2' });
    expect(within(changes).getAllByRole('row')[1]).toHaveTextContent('/windows/tumbling["10s","1m"]["10s","1m","1h"]');
    const plan = within(checkout).getByRole('table', { name: 'Upgrade plan from version 1 to 2' });
    const fates = within(plan).getAllByRole('row').slice(1).map((row) => row.textContent);
    expect(fates).toEqual(['rollup-10srestored from the savepointcheckout/rollup-10s', 'rollup-1hstarts emptycheckout/rollup-1h']);
    expect(within(plan).getAllByRole('row')[2]).toHaveClass('row-warn');

    const audit = await axe.run(document.body, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] }, rules: { 'color-contrast': { enabled: false } },
    });
    expect(audit.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it('deploys a version only after showing its plan, and confirms a plan that starts state empty', async () => {
    const api = routes({
      'GET /v2/jobs/deployments/checkout/plan': (call: Call) => ({
        body: { name: 'checkout', version: Number(new URLSearchParams(call.search).get('version')), cluster: CLUSTER, plan: STARTS_EMPTY },
      }),
      'POST /v2/jobs/deployments/checkout': {
        status: 201, body: { deployment: { ...DEPLOYMENTS.items[0], version: 2, jobId: 'c3d4' }, plan: STARTS_EMPTY, savepoint: 'file:/sp/savepoint-1' },
      },
    });
    renderWithApp(<JobsPage canManage />);
    const checkout = await card('checkout');
    expect(within(checkout).getByLabelText('Version')).toHaveValue('2');
    await userEvent.click(within(checkout).getByRole('button', { name: 'Deploy…' }));
    const confirmation = await within(checkout).findByRole('region', { name: 'Deploy checkout version 2?' });
    expect(confirmation).toHaveTextContent(`On the Flink cluster ${CLUSTER}. The running job stops with a savepoint`);
    expect(within(confirmation).getByRole('table', { name: 'Upgrade plan of checkout to version 2' })).toHaveTextContent('rollup-1hstarts empty');
    expect(confirmation).toHaveTextContent('Some state starts empty');
    expect(within(confirmation).getByRole('heading')).toHaveFocus();
    expect(api.calls.some((call) => call.method === 'POST')).toBe(false); // nothing runs before the confirmation

    await userEvent.click(within(confirmation).getByRole('button', { name: 'Deploy version 2' }));
    expect(await within(checkout).findByText(/Running: checkout version 2 as job/)).toHaveTextContent(
      'Running: checkout version 2 as job c3d4, restored from file:/sp/savepoint-1.');
    const deploy = api.calls.find((call) => call.method === 'POST')!;
    expect(deploy.body).toEqual({ version: 2, confirm: true });
    expect(deploy.headers.get('X-CSRF-TOKEN')).toBeNull(); // no session token in this test: set by the session query
    expect(within(checkout).queryByRole('region', { name: /Deploy checkout/ })).not.toBeInTheDocument();
  });

  it('does not consent in advance when the plan restores everything, so a plan changed since is refused', async () => {
    const api = routes({
      'GET /v2/jobs/deployments/checkout/plan': { body: { name: 'checkout', version: 1, cluster: CLUSTER, plan: RESTORES } },
      'POST /v2/jobs/deployments/checkout': {
        status: 409, body: { detail: 'the upgrade starts state empty or drops some: deploy again with confirm', plan: STARTS_EMPTY },
      },
    });
    renderWithApp(<JobsPage canManage />);
    const checkout = await card('checkout');
    await userEvent.selectOptions(within(checkout).getByLabelText('Version'), '1');
    await userEvent.click(within(checkout).getByRole('button', { name: 'Deploy…' }));
    const confirmation = await within(checkout).findByRole('region', { name: 'Deploy checkout version 1?' });
    expect(confirmation).not.toHaveTextContent('Some state starts empty');
    await userEvent.click(within(confirmation).getByRole('button', { name: 'Deploy version 1' }));
    expect(await within(checkout).findByRole('alert')).toHaveTextContent('Not deployed: the upgrade starts state empty or drops some');
    expect(api.calls.find((call) => call.method === 'POST')!.body).toEqual({ version: 1, confirm: false });
  });

  it('says a first deployment starts empty, and a cancelled confirmation deploys nothing', async () => {
    const api = routes({ 'GET /v2/jobs/deployments/orders/plan': { body: { name: 'orders', version: 1, cluster: CLUSTER, plan: null } } });
    renderWithApp(<JobsPage canManage />);
    const orders = await card('orders');
    await userEvent.click(within(orders).getByRole('button', { name: 'Deploy…' }));
    const confirmation = await within(orders).findByRole('region', { name: 'Deploy orders version 1?' });
    expect(confirmation).toHaveTextContent('It starts empty and reads events from now on.');
    expect(confirmation).toHaveTextContent('every operator starts empty');
    await userEvent.click(within(confirmation).getByRole('button', { name: 'Cancel' }));
    expect(within(orders).queryByRole('region', { name: /Deploy orders/ })).not.toBeInTheDocument();
    expect(api.calls.some((call) => call.method === 'POST')).toBe(false);
  });

  it('stops a running rollup with a savepoint after asking', async () => {
    const api = routes({ 'POST /v2/jobs/deployments/checkout/stop': { body: { savepoint: 'file:/sp/savepoint-2' } } });
    renderWithApp(<JobsPage canManage />);
    const checkout = await card('checkout');
    expect(within(await card('orders')).queryByRole('button', { name: 'Stop…' })).not.toBeInTheDocument();
    await userEvent.click(within(checkout).getByRole('button', { name: 'Stop…' }));
    expect(within(checkout).getByText('Stop checkout with a savepoint?')).toBeInTheDocument();
    await userEvent.click(within(checkout).getByRole('button', { name: 'Stop' }));
    expect(await within(checkout).findByText(/Stopped with savepoint/)).toHaveTextContent('Stopped with savepoint file:/sp/savepoint-2.');
    expect(api.calls.filter((call) => call.path.endsWith('/stop'))).toHaveLength(1);
  });

  it('validates a spec, lists its errors with their paths, and stores a valid one as the next version', async () => {
    const api = routes({
      'POST /v2/jobs/validate': (call: Call) => ((call.body as { spec: string }).spec.includes('2m')
        ? { body: { valid: false, name: 'checkout', version: 3, estimate: null, errors: [
          { kind: 'unsupported-window', path: '/windows/tumbling/1', message: 'no rollup table stores 2m windows' }] } }
        : { body: { valid: true, name: 'checkout', version: 3, estimate: null, errors: [] } }),
      'POST /v2/jobs/specs': { status: 201, body: { ...SPECS[0], version: 3 } },
    });
    renderWithApp(<JobsPage canManage />);
    const editor = await screen.findByLabelText(/^Spec \(YAML or JSON/);
    const store = screen.getByRole('button', { name: 'Store as the next version' });
    expect(store).toBeDisabled(); // validated first

    const write = async (text: string) => {
      await userEvent.clear(editor);
      await userEvent.paste(text); // typed text would read [ and { as key names
    };
    await write('name: checkout\nversion: 3\nwindows: { tumbling: [10s, 2m] }');
    await userEvent.click(screen.getByRole('button', { name: 'Validate' }));
    expect(await screen.findByRole('list', { name: 'Spec errors' })).toHaveTextContent(
      '/windows/tumbling/1: no rollup table stores 2m windows (unsupported-window)');
    expect(editor).toHaveAttribute('aria-invalid', 'true');
    expect(store).toBeDisabled();

    await write('name: checkout\nversion: 3\nwindows: { tumbling: [10s, 1m] }');
    await userEvent.click(screen.getByRole('button', { name: 'Validate' }));
    expect(await screen.findByText('Valid: checkout version 3.')).toBeInTheDocument();
    await userEvent.click(store);
    expect(await screen.findByText('Stored: checkout version 3.')).toBeInTheDocument();
    expect(store).toBeDisabled(); // stored once; an edit validates anew
    const stored = api.calls.find((call) => call.method === 'POST' && call.path === '/v2/jobs/specs')!;
    expect((stored.body as { spec: string }).spec).toBe('name: checkout\nversion: 3\nwindows: { tumbling: [10s, 1m] }');
    await waitFor(() => expect(api.calls.filter((call) => call.method === 'GET' && call.path === '/v2/jobs/specs')).toHaveLength(2)); // list read again
  });

  it('tells a role without jobs:read that it lacks the permission, and polls what runs every 5 s', async () => {
    fakeApi({
      'GET /v2/jobs/specs': { status: 403, body: { title: 'Forbidden', status: 403, detail: 'missing permission jobs:read' } },
      'GET /v2/jobs/deployments': { status: 403, body: { title: 'Forbidden', status: 403, detail: 'missing permission jobs:read' } },
    });
    renderWithApp(<JobsPage canManage={false} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('it lacks the jobs:read permission');
    expect(screen.queryByRole('heading', { name: 'Rollups' })).not.toBeInTheDocument();
    expect(deploymentsQueryOptions()).toMatchObject({ refetchInterval: 5_000, refetchIntervalInBackground: false });
  });
});
