import { createContext, type ReactNode, use } from 'react';
import type { Me } from '../../../src/contracts/identity.ts';
import type { Permission } from '../../../src/contracts/permissions.ts';

const MeContext = createContext<Me | null>(null);

/** Provided by the signed-in part of the app: everything inside may call `useMe()`. */
export function MeProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <MeContext value={me}>{children}</MeContext>;
}

/** The signed-in user, org, role and permissions. */
export function useMe(): Me {
  const me = use(MeContext);
  if (!me) throw new Error('useMe must be used inside the signed-in app (<MeProvider>)');
  return me;
}

export function hasPermission(me: Pick<Me, 'permissions'>, permission: Permission): boolean {
  return me.permissions.includes(permission);
}

/** Whether the signed-in role may do this (the server checks again: this only hides what would be refused). */
export function useCan(permission: Permission): boolean {
  return hasPermission(useMe(), permission);
}
