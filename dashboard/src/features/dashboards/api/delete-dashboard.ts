import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';

export async function deleteDashboard(id: string): Promise<void> {
  unwrap(await api.DELETE('/v2/dashboards/{id}', { params: { path: { id } } }));
}

export const useDeleteDashboard = () => {
  const client = useQueryClient();
  return useMutation({
    mutationFn: deleteDashboard,
    onSuccess: (_, id) => {
      client.removeQueries({ queryKey: ['dashboards', id] });
      return client.invalidateQueries({ queryKey: ['dashboards'], exact: true });
    },
  });
};
