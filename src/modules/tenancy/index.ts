/** The tenancy module's public surface: orgs, people, sessions, tokens, permissions and the audit log. */
export { type AuditInput, type AuditScope, listAudit, recordAudit, recordAuditMany, recordAuditManySql } from './audit.service.ts';
export { type BootstrapResult, ensureBootstrap } from './bootstrap.service.ts';
export { acceptInvitation, inviteMember, listPendingInvitations, previewInvitation, revokeInvitation } from './invitations.service.ts';
export { changeMemberRole, listMembers, memberIdsWithRoles, removeMember } from './members.service.ts';
export { createOrg, findOrgBySlug, getOrg, listOrgIds, listOrgTimeZones, orgSettings, roleIn, updateOrg } from './orgs.service.ts';
export {
  type AuthDeps,
  createSession,
  csrfMatches,
  login,
  pruneExpiredSessions,
  type RequestMeta,
  type ResolvedSession,
  resolveSession,
  revokeAllSessions,
  revokeSession,
  switchSessionOrg,
} from './sessions.service.ts';
export { authenticationRequired, forbidden, invalidCredentials } from './tenancy.errors.ts';
export {
  type AuthenticatedToken,
  authenticateToken,
  createToken,
  type EnvAgentToken,
  findTokenOrg,
  listTokens,
  prepareEnvAgentTokens,
  revokeToken,
  tokenCreator,
} from './tokens.service.ts';
export { disableTwoFactor, enableTwoFactor, regenerateRecoveryCodes, startTwoFactorSetup } from './two-factor.service.ts';
export {
  addMembership,
  buildMe,
  changePassword,
  createUserWithMembership,
  effectivePermissions,
  findUserByEmail,
  findUserById,
  type UserRow,
} from './users.service.ts';
