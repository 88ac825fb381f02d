import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi } from '@/testing/fake-api';
import { renderWithApp } from '@/testing/render';
import type { Dashboard } from '../api/get-dashboards';
import { DashboardView } from './dashboard-view';

const ID = '7d3c8f1e-0000-4000-8000-000000000001';
const STORED: Dashboard = {
  id: ID, name: 'Shop', defaultRange: 'PT1H', refreshSeconds: 30, version: 3,
  widgets: [{ type: 'line', title: 'Latency', query: { metric: 'checkout.latency_ms' }, x: 0, y: 0, w: 6, h: 4 }],
};
const METRICS = { items: [{ name: 'checkout.latency_ms', events: 10, dimensions: {} }, { name: 'page.views', events: 5, dimensions: {} }] };

function view(canEdit: boolean, onDeleted = vi.fn()) {
  return renderWithApp(<DashboardView id={ID} canEdit={canEdit} onDeleted={onDeleted} toolbar={() => <div>toolbar</div>}
    actions={() => <button type="button">Export PDF</button>}
    renderWidget={(w) => <section aria-label={w.title}>{w.type} {w.query.metric}</section>} />);
}

describe('DashboardView', () => {
  it('shows the dashboard to a viewer with no edit controls', async () => {
    fakeApi({ [`GET /v2/dashboards/${ID}`]: { body: STORED } });
    view(false);
    expect(await screen.findByRole('heading', { name: 'Shop' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Latency' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });

  it('lets an editor rename, add, move, resize and remove widgets, then saves against the version it loaded', async () => {
    const api = fakeApi({
      [`GET /v2/dashboards/${ID}`]: { body: STORED },
      'GET /v2/metrics': { body: METRICS },
      [`PUT /v2/dashboards/${ID}`]: (call) => ({ body: { ...(call.body as Dashboard), version: 4 } }),
      'GET /v2/dashboards': { body: { items: [] } },
    });
    view(true);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    const name = screen.getByRole('textbox', { name: 'Dashboard name' });
    await userEvent.clear(name);
    await userEvent.type(name, 'Shop floor');

    await userEvent.click(screen.getByRole('button', { name: 'Add widget' }));
    const form = screen.getByRole('form', { name: 'Widget' });
    await userEvent.clear(within(form).getByLabelText('Title'));
    await userEvent.type(within(form).getByLabelText('Title'), 'Views by device');
    await userEvent.selectOptions(within(form).getByLabelText('Chart type'), 'bar');
    await userEvent.type(within(form).getByLabelText('Metric'), 'page.views');
    await userEvent.type(within(form).getByLabelText(/Group by/), 'device');
    await userEvent.clear(within(form).getByLabelText('Top N groups'));
    await userEvent.type(within(form).getByLabelText('Top N groups'), '3');
    await userEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    await userEvent.click(screen.getByRole('button', { name: 'Move right: Latency' }));
    await userEvent.click(screen.getByRole('button', { name: 'Taller: Latency' }));
    await userEvent.click(screen.getByRole('button', { name: 'Narrower: Latency' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.getByRole('heading', { name: 'Shop floor' })).toBeInTheDocument());
    const put = api.calls.find((c) => c.method === 'PUT')!;
    expect(put.headers.get('X-CSRF-TOKEN')).toBeNull(); // no session read in this test: no token to send
    expect(put.body).toMatchObject({
      name: 'Shop floor', version: 3,
      widgets: [
        { title: 'Latency', x: 1, y: 0, w: 5, h: 5 },
        { type: 'bar', title: 'Views by device', query: { metric: 'page.views', groupBy: 'device', limit: '3', aggregate: 'count' }, x: 0, y: 4, w: 6, h: 4 },
      ],
    });
  });

  it('refuses a widget without a metric, and a correlation of fewer than two metrics', async () => {
    fakeApi({ [`GET /v2/dashboards/${ID}`]: { body: STORED }, 'GET /v2/metrics': { body: METRICS } });
    view(true);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    await userEvent.click(screen.getByRole('button', { name: 'Add widget' }));
    const form = screen.getByRole('form', { name: 'Widget' });
    expect(within(form).getByRole('alert')).toHaveTextContent('Choose a metric');
    await userEvent.selectOptions(within(form).getByLabelText('Chart type'), 'heatmap');
    await userEvent.selectOptions(within(form).getByLabelText('Heatmap'), 'correlation');
    await userEvent.type(within(form).getByLabelText(/Metrics/), 'page.views');
    expect(within(form).getByRole('alert')).toHaveTextContent('A correlation needs 2 to 20 metrics');
    expect(within(form).getByRole('button', { name: 'Apply' })).toBeDisabled();
    await userEvent.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form', { name: 'Widget' })).not.toBeInTheDocument();
  });

  it('reports a save another tab made first instead of overwriting it, and can load theirs', async () => {
    let theirs = false;
    fakeApi({
      [`GET /v2/dashboards/${ID}`]: () => ({ body: theirs ? { ...STORED, name: 'Their name', version: 4 } : STORED }),
      [`PUT /v2/dashboards/${ID}`]: { status: 409, body: { title: 'Conflict', status: 409, detail: 'the dashboard was changed since version 3' } },
    });
    view(true);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove Latency' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('saved elsewhere');
    theirs = true;
    await userEvent.click(screen.getByRole('button', { name: 'Discard mine and load theirs' }));
    expect(await screen.findByRole('heading', { name: 'Their name' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Latency' })).toBeInTheDocument();
  });

  it('deletes after confirmation, and says when a dashboard does not exist', async () => {
    const onDeleted = vi.fn();
    fakeApi({
      [`GET /v2/dashboards/${ID}`]: { body: STORED },
      [`DELETE /v2/dashboards/${ID}`]: { status: 204 },
      'GET /v2/dashboards': { body: { items: [] } },
    });
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    view(true, onDeleted);
    await userEvent.click(await screen.findByRole('button', { name: 'Edit' }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete dashboard' }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalled());

    fakeApi({ [`GET /v2/dashboards/${ID}`]: { status: 404, body: { title: 'Not Found', status: 404 } } });
    renderWithApp(<DashboardView id={ID} canEdit onDeleted={vi.fn()} toolbar={() => null} actions={() => null} renderWidget={() => null} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('does not exist');
  });
});
