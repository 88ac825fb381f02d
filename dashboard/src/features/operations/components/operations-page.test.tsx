import { screen, waitFor, within } from '@testing-library/react';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '@/testing/fake-api';
import { renderWithApp } from '@/testing/render';
import { operationsQueryOptions, type OperationsView } from '../api/get-operations';
import { OperationsPage } from './operations-page';

const READ_AT = '2026-11-30T12:00:00Z';
const VIEW: OperationsView = {
  readAt: READ_AT,
  flink: { available: true, error: null },
  rabbitmq: { available: true, error: null },
  jobs: [{
    id: 'a1', name: 'pulse-rollups', status: 'RUNNING', startedAt: '2026-11-30T09:55:00Z', uptimeMillis: 7_500_000, restarts: 2,
    lastCheckpoint: { id: 41, completedAt: '2026-11-30T11:59:57Z', ageMillis: 3_000, durationMillis: 120, sizeBytes: 1_536 },
    failedCheckpoints: 1,
    operators: [
      { id: 'v1', name: 'Source: events', parallelism: 4, status: 'RUNNING', backpressure: 0.02, busy: 0.1, recordsInPerSecond: 0, recordsOutPerSecond: 1234.56, watermarkLagMillis: null },
      { id: 'v2', name: 'Window rollups', parallelism: 4, status: 'RUNNING', backpressure: 0.3, busy: 0.55, recordsInPerSecond: 1234.5, recordsOutPerSecond: 40, watermarkLagMillis: 2_500 },
      { id: 'v3', name: 'Sink: postgres', parallelism: 2, status: 'RUNNING', backpressure: 0.75, busy: 0.9, recordsInPerSecond: 40, recordsOutPerSecond: 0, watermarkLagMillis: 4_200 },
    ],
  }, {
    id: 'b2', name: 'pulse-rollups (old)', status: 'CANCELED', startedAt: '2026-11-29T09:00:00Z', uptimeMillis: 0, restarts: 0,
    lastCheckpoint: null, failedCheckpoints: 0, operators: [],
  }],
  queues: [
    { name: 'events.0', messages: 1_200, ready: 200, unacknowledged: 1_000, publishRate: 310.25, deliverRate: 305, consumers: 1 },
    { name: 'events.1', messages: 50, ready: 50, unacknowledged: 0, publishRate: 12, deliverRate: 0, consumers: 0 },
  ],
};

const rows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

describe('OperationsPage', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse(READ_AT) + 2_000);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('shows each job with its state, uptime, restarts and checkpoints, its operators, and the queues', async () => {
    fakeApi({ 'GET /v2/operations': { body: VIEW } });
    renderWithApp(<OperationsPage />);
    const job = await screen.findByRole('region', { name: 'pulse-rollups' });
    expect(screen.getByRole('list', { name: 'Sources' })).toHaveTextContent(
      /Read at 12:00:00 UTC \(updated 2 s ago\).*Flink: available.*RabbitMQ: available/);
    expect(within(job).getByTitle('Job status')).toHaveTextContent('RUNNING');
    const facts = (term: string) => within(job).getByText(term).nextElementSibling;
    expect(facts('Uptime')).toHaveTextContent('2 h 5 min');
    expect(facts('Restarts')).toHaveTextContent('2');
    expect(facts('Last checkpoint')).toHaveTextContent('3 s ago, took 120 ms, 1.5 KiB');
    expect(facts('Failed checkpoints')).toHaveTextContent('1');

    const operators = within(job).getByRole('table', { name: 'Operators of pulse-rollups' });
    const headers = within(operators).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['Operator', 'Parallelism', 'Backpressure', 'Busy', 'Records in/s', 'Records out/s', 'Watermark lag']);
    expect(within(operators).getAllByRole('columnheader').every((h) => h.getAttribute('scope') === 'col')).toBe(true);
    const cells = rows(operators).map((row) => within(row).getAllByRole('cell').map((c) => c.textContent));
    expect(within(rows(operators)[0]!).getByRole('rowheader')).toHaveTextContent('Source: events');
    expect(cells[0]).toEqual(['4', '2 % OK', '10 %', '0', '1,234.6', 'none']);
    expect(cells[1]).toEqual(['4', '30 % Low', '55 %', '1,234.5', '40', '2.5 s']);
    expect(cells[2]).toEqual(['2', '75 % High', '90 %', '40', '0', '4.2 s']);
    expect(operators.closest('.table-scroll')).toHaveAttribute('tabindex', '0'); // scrolls sideways by keyboard too

    const stopped = screen.getByRole('region', { name: 'pulse-rollups (old)' });
    expect(within(stopped).getByTitle('Job status')).toHaveTextContent('CANCELED');
    expect(within(stopped).queryByRole('table')).not.toBeInTheDocument();
    expect(within(stopped).queryByText('Last checkpoint')).not.toBeInTheDocument(); // not read for a stopped job

    const queues = screen.getByRole('table', { name: 'Queue depth, rates and consumers' });
    expect(within(queues).getByRole('columnheader', { name: 'Depth' })).toHaveAttribute('scope', 'colgroup');
    const [busy, idle] = rows(queues).slice(1); // the second header row
    expect(within(busy!).getAllByRole('cell').map((c) => c.textContent)).toEqual(['1,200', '200', '1,000', '310.3', '305', '1']);
    expect(busy).not.toHaveClass('row-warn');
    expect(within(idle!).getByRole('rowheader')).toHaveTextContent('events.1');
    expect(within(idle!).getByText('0: no consumer')).toBeInTheDocument();
    expect(idle).toHaveClass('row-warn');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    // the tables' structure by axe-core's WCAG rules (colours are checked in the browser tests: jsdom has no layout)
    const audit = await axe.run(document.body, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] }, rules: { 'color-contrast': { enabled: false } },
    });
    expect(audit.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it('says why a source is unavailable and still shows what the other one answered', async () => {
    fakeApi({ 'GET /v2/operations': { body: { ...VIEW, rabbitmq: { available: false, error: 'not configured (pulse.operations.rabbitmq-url)' }, queues: [] } } });
    const first = renderWithApp(<OperationsPage />);
    const queues = await screen.findByRole('region', { name: 'Event queues' });
    expect(within(queues).getByRole('alert')).toHaveTextContent('RabbitMQ unavailable: not configured (pulse.operations.rabbitmq-url)');
    expect(within(queues).queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Sources' })).toHaveTextContent('RabbitMQ: unavailable');
    expect(screen.getByRole('table', { name: 'Operators of pulse-rollups' })).toBeInTheDocument();
    first.unmount();

    fakeApi({ 'GET /v2/operations': { body: { ...VIEW, flink: { available: false, error: "Flink's REST API did not answer: Connection refused" }, jobs: [] } } });
    renderWithApp(<OperationsPage />);
    const jobs = await screen.findByRole('region', { name: 'Flink jobs' });
    expect(within(jobs).getByRole('alert')).toHaveTextContent("Flink unavailable: Flink's REST API did not answer: Connection refused");
    expect(screen.getByRole('list', { name: 'Sources' })).toHaveTextContent('Flink: unavailable');
    expect(screen.getByText('0: no consumer')).toBeInTheDocument();
  });

  it('says so when a source answers with nothing, and a job has no checkpoint yet', async () => {
    const job = { ...VIEW.jobs[0]!, status: 'RESTARTING', lastCheckpoint: null, operators: [] };
    fakeApi({ 'GET /v2/operations': { body: { ...VIEW, jobs: [job], queues: [] } } });
    renderWithApp(<OperationsPage />);
    const card = await screen.findByRole('region', { name: 'pulse-rollups' });
    expect(within(card).getByText('Last checkpoint').nextElementSibling).toHaveTextContent('none yet');
    expect(within(card).getByText('Uptime').nextElementSibling).toHaveTextContent('not running');
    expect(screen.getByText('No event queues on the broker.')).toBeInTheDocument();
  });

  it('tells a role without jobs:read that it lacks the permission', async () => {
    fakeApi({ 'GET /v2/operations': { status: 403, body: { title: 'Forbidden', status: 403, detail: 'missing permission jobs:read' } } });
    renderWithApp(<OperationsPage />);
    expect(await screen.findByRole('alert')).toHaveTextContent('it lacks the jobs:read permission');
    expect(screen.queryByRole('list', { name: 'Sources' })).not.toBeInTheDocument();
  });

  it('reports a failure to read, and polls every 5 s only while the tab is visible', async () => {
    fakeApi({ 'GET /v2/operations': { status: 502, body: { title: 'Bad Gateway', status: 502, detail: 'upstream down' } } });
    renderWithApp(<OperationsPage />);
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Could not read the operations view: upstream down'), { timeout: 8_000 });
    expect(operationsQueryOptions()).toMatchObject({ refetchInterval: 5_000, refetchIntervalInBackground: false });
  }, 10_000);
});
