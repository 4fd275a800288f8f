import { z } from 'zod';
import { agentIdSchema } from './agents.ts';
import { permissions, roles } from './permissions.ts';

export const roleSchema = z.enum(roles);
export const permissionSchema = z.enum(permissions as [string, ...string[]]);
const email = z
  .email({ error: 'expected an e-mail address' })
  .max(254)
  .transform((e) => e.trim().toLowerCase());
const password = z.string().min(1, { error: 'password is required' }).max(256);
const isoDate = z.iso.datetime({ offset: true });

// ---- auth ---------------------------------------------------------------------------------------

export const loginRequestSchema = z.strictObject({
  email,
  password,
  /** Six digits from the authenticator app, when two-factor is on. */
  totpCode: z
    .string()
    .regex(/^\d{6}$/, { error: 'expected the 6-digit code from your authenticator app' })
    .optional(),
  /** A single-use recovery code instead of the TOTP code. */
  recoveryCode: z.string().min(8).max(32).optional(),
});

export const orgSummarySchema = z.object({ id: z.string(), slug: z.string(), name: z.string(), role: roleSchema });
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  mustChangePassword: z.boolean(),
  twoFactorEnabled: z.boolean(),
});

/** GET /api/auth/me: who is calling, in which org, with which role and permissions. */
export const meSchema = z.object({
  user: userSchema,
  org: orgSummarySchema,
  role: roleSchema,
  permissions: z.array(z.string()),
  orgs: z.array(orgSummarySchema),
  /** Two-factor is required by the org for this role but not yet enabled: only enrolment is allowed. */
  twoFactorSetupRequired: z.boolean(),
});
export type Me = z.infer<typeof meSchema>;

export const loginResponseSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), me: meSchema }),
  z.object({ status: z.literal('two_factor_required') }),
]);

export const switchOrgRequestSchema = z.strictObject({ orgId: z.string().uuid() });
export const changePasswordRequestSchema = z.strictObject({ currentPassword: password, newPassword: password });

export const twoFactorSetupResponseSchema = z.object({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() });
export const twoFactorEnableRequestSchema = z.strictObject({ code: z.string().regex(/^\d{6}$/) });
export const twoFactorDisableRequestSchema = z.strictObject({ password, code: z.string().regex(/^\d{6}$/) });
export const recoveryCodesResponseSchema = z.object({ recoveryCodes: z.array(z.string()) });

// ---- org ----------------------------------------------------------------------------------------

export const orgSettingsSchema = z.strictObject({
  /** IANA time zone for "today" in stats and for schedules. */
  timeZone: z.string().min(1).max(64).default('UTC'),
  /** Owners and admins must enable two-factor before they can do anything else. */
  requireTwoFactorForAdmins: z.boolean().default(false),
  /** Whether someone may approve what they requested themselves (audited when allowed). */
  allowSelfApproval: z.boolean().default(false),
});
export type OrgSettings = z.infer<typeof orgSettingsSchema>;
export const orgSchema = z.object({ id: z.string(), slug: z.string(), name: z.string(), settings: orgSettingsSchema, createdAt: isoDate });
export const updateOrgRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  settings: orgSettingsSchema.partial().optional(),
});

// ---- members and invitations --------------------------------------------------------------------

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  twoFactorEnabled: z.boolean(),
  joinedAt: isoDate,
});
export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  invitedBy: z.string().nullable(),
  createdAt: isoDate,
  expiresAt: isoDate,
});
export const membersResponseSchema = z.object({ members: z.array(memberSchema), invitations: z.array(invitationSchema) });
export const inviteRequestSchema = z.strictObject({ email, role: roleSchema });
export const inviteResponseSchema = z.object({
  invitation: invitationSchema,
  /** The single-use link; shown to the inviter always, e-mailed when SMTP is configured. */
  inviteUrl: z.string(),
  emailed: z.boolean(),
});
export const changeRoleRequestSchema = z.strictObject({ role: roleSchema });
export const invitationPreviewSchema = z.object({ orgName: z.string(), email: z.string(), role: roleSchema, expiresAt: isoDate, existingUser: z.boolean() });
export const acceptInvitationRequestSchema = z.strictObject({
  token: z.string().min(20).max(200),
  name: z.string().trim().min(1).max(120).optional(),
  password,
});

// ---- API tokens ---------------------------------------------------------------------------------

export const tokenKinds = ['agent', 'integration', 'personal'] as const;
export const tokenKindSchema = z.enum(tokenKinds);
/** The kind as it appears inside a token string: nexo_<agt|int|pat>_<id>_<secret>. */
export const tokenKindCodes = { agent: 'agt', integration: 'int', personal: 'pat' } as const;

export const apiTokenSchema = z.object({
  id: z.string(),
  kind: tokenKindSchema,
  name: z.string(),
  agentId: z.string().nullable(),
  scopes: z.array(z.string()),
  /** The non-secret start of the token, to recognise it: `nexo_agt_<id>_…`. */
  prefix: z.string(),
  createdBy: z.string().nullable(),
  createdAt: isoDate,
  expiresAt: isoDate.nullable(),
  lastUsedAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
export const createTokenRequestSchema = z
  .strictObject({
    kind: tokenKindSchema,
    name: z.string().trim().min(1).max(100),
    agentId: agentIdSchema.optional(),
    scopes: z.array(permissionSchema).max(50).default([]),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .refine((t) => (t.kind === 'agent') === (t.agentId !== undefined), { error: 'agentId is required for agent tokens and only for them', path: ['agentId'] });
export const createTokenResponseSchema = z.object({ token: apiTokenSchema, secret: z.string() });
export const tokensResponseSchema = z.object({ tokens: z.array(apiTokenSchema) });

// ---- audit --------------------------------------------------------------------------------------

export const auditEntrySchema = z.object({
  id: z.string(),
  at: isoDate,
  actorType: z.enum(['user', 'token', 'system']),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()).nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditQuerySchema = z.strictObject({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  resourceType: z.string().max(100).optional(),
  resourceId: z.string().max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
