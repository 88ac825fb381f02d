/**
 * Everything the app reads from its environment, checked once at start. The dashboard is served by the
 * API's own origin, so the only settings are paths, overridable at build time for another layout.
 */
function path(name: string, value: string | undefined, fallback: string): string {
  const chosen = value ?? fallback;
  if (!chosen.startsWith('/')) {
    throw new Error(`${name} must be an absolute path, got "${chosen}"`);
  }
  return chosen;
}

export const env = {
  loginPath: path('VITE_PULSE_LOGIN_PATH', import.meta.env.VITE_PULSE_LOGIN_PATH, '/oauth/login/pulse'),
  logoutPath: path('VITE_PULSE_LOGOUT_PATH', import.meta.env.VITE_PULSE_LOGOUT_PATH, '/logout'),
  streamPath: path('VITE_PULSE_STREAM_PATH', import.meta.env.VITE_PULSE_STREAM_PATH, '/v1/stream'),
} as const;
