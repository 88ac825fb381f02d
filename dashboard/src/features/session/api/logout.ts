import { useMutation } from '@tanstack/react-query';
import { env } from '@/config/env';
import { csrfHeader, setCsrfToken } from '@/lib/api-client';
import { navigation } from '@/lib/navigation';
import { forgetSavedData } from '@/lib/saved-data';

/**
 * Ends the session here (POST /logout, asking for JSON: the answer names the provider's end-session
 * address instead of redirecting there), forgets the data cached for offline use, then goes to the
 * provider so its session ends too.
 */
export async function logout(): Promise<string> {
  const response = await fetch(env.logoutPath, {
    method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json', ...csrfHeader() },
  });
  setCsrfToken(null);
  if ('caches' in window) await caches.delete('pulse-api');
  forgetSavedData();
  const body = response.ok ? ((await response.json()) as { redirect?: unknown }) : {};
  return typeof body.redirect === 'string' ? body.redirect : '/';
}

export const useLogout = () => useMutation({ mutationFn: logout, onSuccess: (next) => navigation.assign(next) });
