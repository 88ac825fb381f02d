import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { Dashboard } from './get-dashboards';

/**
 * Saves a dashboard based on the version it was loaded at; another tab's save in between makes the
 * server answer 409, which surfaces as an ApiError with status 409 (never a silent overwrite).
 */
export async function updateDashboard(dashboard: Dashboard): Promise<Dashboard> {
  return unwrap(await api.PUT('/v2/dashboards/{id}', { params: { path: { id: dashboard.id! } }, body: dashboard }));
}

export const useUpdateDashboard = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: updateDashboard,
    onSuccess: (saved) => {
      client.setQueryData(['dashboards', saved.id], saved);
      return client.invalidateQueries({ queryKey: ['dashboards'], exact: true });
    },
  });
};
