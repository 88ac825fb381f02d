import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import type { Dashboard } from './get-dashboards';

export async function createDashboard(name: string): Promise<Dashboard> {
  return unwrap(await api.POST('/v2/dashboards', {
    body: { name, defaultRange: 'PT1H', refreshSeconds: 30, widgets: [] },
  }));
}

export const useCreateDashboard = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: createDashboard,
    onSuccess: (created) => {
      client.setQueryData(['dashboards', created.id], created);
      return client.invalidateQueries({ queryKey: ['dashboards'], exact: true });
    },
  });
};
