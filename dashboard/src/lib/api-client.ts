import createClient, { type Middleware } from 'openapi-fetch';
import { env } from '@/config/env';
import type { components, paths } from './api-schema';
import { navigation } from './navigation';

export type Schemas = components['schemas'];

/** Where the app was when a login became necessary, so the login's return lands there again. */
const RETURN_KEY = 'pulse.returnTo';

let csrfToken: string | null = null;

/** The session's CSRF token (from GET /v2/session), sent with every change the session makes. */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-TOKEN': csrfToken } : {};
}

export function redirectToLogin(): void {
  sessionStorage.setItem(RETURN_KEY, window.location.pathname + window.location.search);
  navigation.assign(env.loginPath);
}

/** After a login the provider returns to `/`; go back to the view that needed it. */
export function takeReturnPath(): string | null {
  const stored = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return stored && stored.startsWith('/') && !stored.startsWith('//') ? stored : null;
}

/** An answer the API refused, with its status and the server's own message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The message of an error body: RFC 7807 (`detail`, /v2) or `{error: {message}}` (/v1). */
export function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const problem = body as { detail?: unknown; title?: unknown; error?: { message?: unknown } };
    for (const candidate of [problem.detail, problem.error?.message, problem.title]) {
      if (typeof candidate === 'string' && candidate) return candidate;
    }
  }
  return `request failed (${status})`;
}

const session: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('X-CSRF-TOKEN', csrfToken);
    return request;
  },
};

// absolute on this page's origin (the API serves the app), so requests also build outside a browser;
// fetch looked up per call, so a test's stand-in is used
export const api = createClient<paths>({
  baseUrl: window.location.origin, credentials: 'same-origin', fetch: (request) => globalThis.fetch(request),
});
api.use(session);

/** Unwraps an openapi-fetch answer: its data, or an {@link ApiError} (a 401 also starts a login). */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  if (result.response.ok) return undefined as T; // 204
  if (result.response.status === 401) redirectToLogin();
  throw new ApiError(result.response.status, errorMessage(result.response.status, result.error));
}
