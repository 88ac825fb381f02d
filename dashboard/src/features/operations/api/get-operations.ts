import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/lib/api-client';

export type OperationsView = Schemas['OperationsView'];
export type Source = Schemas['OperationsView.Source'];
export type Job = Schemas['OperationsView.Job'];
export type Checkpoint = Schemas['OperationsView.Checkpoint'];
export type Operator = Schemas['OperationsView.Operator'];
export type Queue = Schemas['OperationsView.Queue'];

/** The platform's Flink jobs and event queues (needs `jobs:read`); the server reads them at most every 2 s. */
export async function getOperations(): Promise<OperationsView> {
  return unwrap(await api.GET('/v2/operations'));
}

// polled while the page is open and the tab visible (TanStack pauses the interval in a hidden tab)
export const operationsQueryOptions = () => queryOptions({
  queryKey: ['operations'], queryFn: getOperations, refetchInterval: 5_000, refetchIntervalInBackground: false,
});

export const useOperations = () => useQuery(operationsQueryOptions());
