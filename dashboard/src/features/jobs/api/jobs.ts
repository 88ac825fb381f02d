import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '@/lib/api-client';

export type SpecVersion = Schemas['SpecVersions.SpecVersion'];
export type Deployment = Schemas['Deployments.Deployment'];
export type DeploymentsPage = Schemas['JobsController.DeploymentsPage'];
export type Plan = Schemas['JobsController.Plan'];
export type Comparison = Schemas['JobsController.Comparison'];
export type DeployPlan = Schemas['JobsController.DeployPlan'];
export type SpecCheck = Schemas['SpecCheck'];

/** Every rollup's newest stored version (`jobs:read`). */
export const specsQueryOptions = () => queryOptions({
  queryKey: ['jobs', 'specs'],
  queryFn: async () => unwrap(await api.GET('/v2/jobs/specs')).items,
});

/** Which version of each rollup runs as which Flink job, with the job's state now: polled like Operations. */
export const deploymentsQueryOptions = () => queryOptions({
  queryKey: ['jobs', 'deployments'],
  queryFn: async () => unwrap(await api.GET('/v2/jobs/deployments')),
  refetchInterval: 5_000,
  refetchIntervalInBackground: false,
});

export const historyQueryOptions = (name: string) => queryOptions({
  queryKey: ['jobs', 'history', name],
  queryFn: async () => unwrap(await api.GET('/v2/jobs/specs/{name}/versions', { params: { path: { name } } })).items,
});

export const diffQueryOptions = (name: string, from: number, to: number) => queryOptions({
  queryKey: ['jobs', 'diff', name, from, to],
  queryFn: async () => unwrap(await api.GET('/v2/jobs/specs/{name}/diff', { params: { path: { name }, query: { from, to } } })),
});

export const useSpecs = () => useQuery(specsQueryOptions());
export const useDeployments = () => useQuery(deploymentsQueryOptions());
export const useHistory = (name: string) => useQuery(historyQueryOptions(name));
export const useDiff = (name: string, from: number, to: number) =>
  useQuery({ ...diffQueryOptions(name, from, to), enabled: from !== to });

/** What deploying `version` would do to the running (or last stopped) job's state; read just before confirming. */
export async function getDeployPlan(name: string, version: number): Promise<DeployPlan> {
  return unwrap(await api.GET('/v2/jobs/deployments/{name}/plan', { params: { path: { name }, query: { version } } }));
}

/** Checks a spec (YAML or JSON) without storing it: every schema and semantic error with its path. */
export async function validateSpec(spec: string): Promise<SpecCheck> {
  return unwrap(await api.POST('/v2/jobs/validate', { body: { spec, sample: [] } }));
}

export function useSubmitSpec() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (spec: string) => unwrap(await api.POST('/v2/jobs/specs', { body: { spec, sample: [] } })),
    // not awaited: the answer is shown at once, the lists catch up
    onSuccess: () => { void client.invalidateQueries({ queryKey: ['jobs'] }); },
  });
}

/**
 * Deploys `version`: `confirm` only when the plan the user saw said state starts empty or is dropped, so
 * that a plan that changed since is refused (409) rather than run unseen.
 */
export function useDeploy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ name, version, confirm }: { name: string; version: number; confirm: boolean }) =>
      unwrap(await api.POST('/v2/jobs/deployments/{name}', { params: { path: { name } }, body: { version, confirm } })),
    onSettled: () => { void client.invalidateQueries({ queryKey: ['jobs', 'deployments'] }); },
  });
}

export function useStop() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) =>
      unwrap(await api.POST('/v2/jobs/deployments/{name}/stop', { params: { path: { name } } })),
    onSettled: () => { void client.invalidateQueries({ queryKey: ['jobs', 'deployments'] }); },
  });
}
