import type { Session } from '../api/get-session';
import { useLogout } from '../api/logout';
import { roleLabel } from '../lib/permissions';

export function UserBadge({ session }: { session: Session }) {
  const logout = useLogout();
  return (
    <div className="user-badge">
      <span className="tenant" title="Tenant">{session.tenant}</span>
      <span className="role" title={`Signed in as ${session.subject}`}>{roleLabel(session)}</span>
      <button type="button" className="button subtle" onClick={() => logout.mutate()} disabled={logout.isPending}>
        Sign out
      </button>
    </div>
  );
}
