import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  apiTokenSchema,
  auditQuerySchema,
  auditResponseSchema,
  changeRoleRequestSchema,
  createTokenRequestSchema,
  createTokenResponseSchema,
  inviteRequestSchema,
  inviteResponseSchema,
  memberSchema,
  membersResponseSchema,
  orgSchema,
  tokensResponseSchema,
  updateOrgRequestSchema,
} from '../../contracts/identity.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import {
  changeMemberRole,
  createToken,
  getOrg,
  inviteMember,
  listAudit,
  listMembers,
  listPendingInvitations,
  listTokens,
  removeMember,
  revokeInvitation,
  revokeToken,
  updateOrg,
} from '../../modules/tenancy/index.ts';
import type { AppDeps } from '../deps.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const uuid = (name: string) => z.uuid({ error: `${name} must be a UUID` });

/** Org settings, members and invitations, API tokens and the audit log: all scoped to the caller's org. */
export const identityAdminRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/org',
      { config: { access: 'org.read' }, schema: { tags: ['org'], summary: 'The current org and its settings', response: { 200: orgSchema, ...errors } } },
      async (request) => getOrg(request.ctx),
    );

    app.patch(
      '/api/org',
      {
        config: { access: 'org.update' },
        schema: { tags: ['org'], summary: 'Rename the org or change its settings', body: updateOrgRequestSchema, response: { 200: orgSchema, ...errors } },
      },
      async (request) => updateOrg(request.ctx, request.body),
    );

    app.get(
      '/api/members',
      {
        config: { access: 'members.read' },
        schema: { tags: ['members'], summary: 'Members of the org and pending invitations', response: { 200: membersResponseSchema, ...errors } },
      },
      async (request) => {
        const canManage = request.ctx.permissions.has('members.manage');
        return { members: await listMembers(request.ctx), invitations: canManage ? await listPendingInvitations(request.ctx) : [] };
      },
    );

    app.post(
      '/api/members/invitations',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: 'Invite someone by e-mail with a role (single-use link, valid 7 days)',
          body: inviteRequestSchema,
          response: { 201: inviteResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const baseUrl = deps.config.http.publicUrl ?? `${request.protocol}://${request.headers.host}`;
        return reply.status(201).send(await inviteMember(request.ctx, request.body, { baseUrl, mailer: deps.mailer }));
      },
    );

    app.delete(
      '/api/members/invitations/:invitationId',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: 'Revoke a pending invitation',
          params: z.object({ invitationId: uuid('invitationId') }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await revokeInvitation(request.ctx, request.params.invitationId);
        return reply.status(204).send(null);
      },
    );

    app.patch(
      '/api/members/:userId',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: "Change a member's role (admins cannot touch owners; the last owner stays)",
          params: z.object({ userId: uuid('userId') }),
          body: changeRoleRequestSchema,
          response: { 200: memberSchema.pick({ userId: true, role: true }), ...errors },
        },
      },
      async (request) => changeMemberRole(request.ctx, request.params.userId, request.body.role),
    );

    app.delete(
      '/api/members/:userId',
      {
        config: { access: 'members.manage' },
        schema: {
          tags: ['members'],
          summary: 'Remove a member (the last owner cannot be removed)',
          params: z.object({ userId: uuid('userId') }),
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await removeMember(request.ctx, request.params.userId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/tokens',
      {
        config: { access: 'tokens.read' },
        schema: { tags: ['tokens'], summary: 'API tokens of the org (never their secrets)', response: { 200: tokensResponseSchema, ...errors } },
      },
      async (request) => ({ tokens: await listTokens(request.ctx) }),
    );

    app.post(
      '/api/tokens',
      {
        config: { access: 'tokens.manage' },
        schema: {
          tags: ['tokens'],
          summary: 'Create an API token; the secret is in this response only',
          description: 'Format `nexo_<agt|int|pat>_<id>_<secret>`; send it as `Authorization: Bearer <token>`. Only its SHA-256 is stored.',
          body: createTokenRequestSchema,
          response: { 201: createTokenResponseSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await createToken(request.ctx, request.body)),
    );

    app.delete(
      '/api/tokens/:tokenId',
      {
        config: { access: 'tokens.manage' },
        schema: {
          tags: ['tokens'],
          summary: 'Revoke an API token (immediately refused everywhere)',
          params: z.object({ tokenId: z.string().regex(/^[a-z0-9]{16}$/, { error: 'tokenId is the 16-character id inside the token' }) }),
          response: { 200: apiTokenSchema, ...errors },
        },
      },
      async (request) => revokeToken(request.ctx, request.params.tokenId),
    );

    app.get(
      '/api/audit',
      {
        config: { access: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'The audit log, newest first, with filters and cursor pagination',
          querystring: auditQuerySchema,
          response: { 200: auditResponseSchema, ...errors },
        },
      },
      async (request) => listAudit(request.ctx, request.query),
    );
  };
