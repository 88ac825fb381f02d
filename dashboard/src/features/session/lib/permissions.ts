import type { Session } from '../api/get-session';

/** The permission codes the server grants (docs/security.md); the server checks them again on every call. */
export type PermissionCode = 'metrics:read' | 'dashboards:read' | 'dashboards:write' | 'exports:create' | 'jobs:read' | 'jobs:manage';

export function can(session: Session | undefined, permission: PermissionCode): boolean {
  return session?.permissions.includes(permission) ?? false;
}

/** The role to show: the highest of the caller's roles. */
export function roleLabel(session: Session): string {
  const order = ['admin', 'ops', 'editor', 'analyst', 'viewer'];
  const role = order.find((r) => session.roles.includes(r)) ?? session.roles[0];
  return role ?? 'API key';
}
