import type { Permission, Role } from '../contracts/permissions.ts';
import type { Logger } from '../lib/logger.ts';
import type { Db, DbOrTx } from './client.ts';

/** Who is acting. The org always comes from the credential, never from the URL or body. */
export type Actor =
  | { type: 'user'; userId: string; label: string; role: Role }
  | {
      type: 'token';
      tokenId: string;
      label: string;
      kind: 'agent' | 'integration' | 'personal';
      agentId: string | null;
      /** Personal tokens act as their user, within that user's role. */
      userId: string | null;
      role: Role | null;
    }
  | { type: 'system'; label: string };

/** The first argument of every service function. */
export interface Ctx {
  orgId: string;
  actor: Actor;
  permissions: ReadonlySet<Permission>;
  db: Db;
  log: Logger;
  now: Date;
  requestId: string | null;
  ip: string | null;
}

/** A context inside an open transaction. */
export type TxCtx = Omit<Ctx, 'db'> & { db: DbOrTx };

export const systemActor = (label = 'system'): Actor => ({ type: 'system', label });

export const actorUserId = (actor: Actor): string | null => (actor.type === 'user' ? actor.userId : actor.type === 'token' ? actor.userId : null);
