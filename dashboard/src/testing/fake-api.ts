import { vi } from 'vitest';

export interface Call {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: unknown;
}

type Answer = { status?: number; body?: unknown; text?: string; headers?: Record<string, string> };
type Handler = (call: Call) => Answer | Promise<Answer>;

/**
 * The serving API played by the test: `routes` maps "METHOD /path" to an answer. Every request is
 * recorded; one no route answers fails the test with its method and path.
 */
export function fakeApi(routes: Record<string, Handler | Answer>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://pulse.test'), init);
    const url = new URL(request.url, 'http://pulse.test');
    const text = request.method === 'GET' ? '' : await request.text();
    const call: Call = { method: request.method, path: url.pathname, search: url.search, headers: request.headers, body: text ? JSON.parse(text) : undefined };
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`];
    if (!route) throw new Error(`no fake route for ${call.method} ${call.path}`);
    const answer = typeof route === 'function' ? await route(call) : route;
    const body = answer.text ?? (answer.body === undefined ? null : JSON.stringify(answer.body));
    return new Response(body, {
      status: answer.status ?? 200,
      headers: { 'Content-Type': answer.text !== undefined ? 'text/csv' : 'application/json', ...answer.headers },
    });
  });
  vi.stubGlobal('fetch', fetch);
  return { calls, fetch };
}

export const SESSIONS = {
  editor: { subject: 'editor@acme', tenant: 'acme', roles: ['editor'], permissions: ['dashboards:read', 'dashboards:write', 'exports:create', 'metrics:read'], csrfToken: 'csrf-1' },
  viewer: { subject: 'viewer@acme', tenant: 'acme', roles: ['viewer'], permissions: ['dashboards:read', 'metrics:read'], csrfToken: 'csrf-2' },
  ops: { subject: 'ops@acme', tenant: 'acme', roles: ['ops'], permissions: ['jobs:manage', 'jobs:read', 'metrics:read'], csrfToken: 'csrf-3' },
};
