import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { systemActor } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { randomToken } from '../../lib/crypto.ts';
import { createOrg, oldestOrg, slugify } from './orgs.service.ts';
import { createUserWithMembership } from './users.service.ts';

export interface BootstrapOptions {
  ownerEmail: string;
  /** When absent a one-time password is generated and must be changed at first login. */
  ownerPassword?: string;
  orgName: string;
}

export type BootstrapResult = { created: false } | { created: true; orgSlug: string; email: string; oneTimePassword: string | null };

const BOOTSTRAP_LOCK_KEY = 7_470_661_002;

/** On a database with no org: the first org and its owner. Safe with several processes starting at once. */
export async function ensureBootstrap(db: Db, options: BootstrapOptions, now: Date): Promise<BootstrapResult> {
  if (await oldestOrg(db)) return { created: false };
  return withTransaction(db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`);
    if (await oldestOrg(tx)) return { created: false } as const;
    const audit = { actor: systemActor('bootstrap'), requestId: null, ip: null, now };
    const org = await createOrg(tx, audit, { slug: slugify(options.orgName), name: options.orgName });
    const oneTimePassword = options.ownerPassword ? null : `${randomToken(12)}`;
    await createUserWithMembership(
      tx,
      { ...audit, orgId: org.id },
      {
        email: options.ownerEmail,
        name: 'Owner',
        password: options.ownerPassword ?? (oneTimePassword as string),
        role: 'owner',
        orgId: org.id,
        mustChangePassword: oneTimePassword !== null,
      },
    );
    return { created: true, orgSlug: org.slug, email: options.ownerEmail, oneTimePassword };
  });
}
