import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptInvitationRequestSchema,
  changePasswordRequestSchema,
  invitationPreviewSchema,
  loginRequestSchema,
  loginResponseSchema,
  meSchema,
  recoveryCodesResponseSchema,
  switchOrgRequestSchema,
  twoFactorDisableRequestSchema,
  twoFactorEnableRequestSchema,
  twoFactorSetupResponseSchema,
} from '../../contracts/identity.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import { AppError } from '../../lib/errors.ts';
import {
  acceptInvitation,
  buildMe,
  changePassword,
  createSession,
  disableTwoFactor,
  enableTwoFactor,
  findUserById,
  login,
  previewInvitation,
  regenerateRecoveryCodes,
  revokeAllSessions,
  revokeSession,
  startTwoFactorSetup,
  switchSessionOrg,
} from '../../modules/tenancy/index.ts';
import type { AppDeps } from '../deps.ts';
import { clearSessionCookies, setSessionCookies } from '../plugins/cookies.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };

export const authRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const secure = (request: FastifyRequest) => request.protocol === 'https' || (deps.config.http.publicUrl?.startsWith('https://') ?? false);
    const cookieMaxAge = Math.floor(deps.config.auth.sessionMaxMs / 1000);
    const meta = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id, now: new Date() });
    const session = (request: FastifyRequest) => {
      if (!request.session) throw new AppError('UNAUTHORIZED', 'Authentication required');
      return request.session;
    };
    const setRetryAfter = (reply: FastifyReply, error: unknown) => {
      if (error instanceof AppError && error.code === 'RATE_LIMITED') {
        const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (seconds) reply.header('Retry-After', String(seconds));
      }
    };

    app.post(
      '/api/auth/login',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with e-mail and password (+ two-factor code when enabled)',
          description:
            'Sets the HttpOnly session cookie `nexo_session` and the CSRF cookie `nexo_csrf` (echo it in `X-CSRF-Token` on writes). Answers `two_factor_required` without a session when a code is needed. Repeated failures answer 429 with Retry-After.',
          body: loginRequestSchema,
          response: { 200: loginResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        try {
          const result = await login(deps.database.db, deps.auth, request.body, meta(request));
          if (result.status === 'two_factor_required') return { status: 'two_factor_required' as const };
          setSessionCookies(reply, result, cookieMaxAge, secure(request));
          return { status: 'ok' as const, me: await buildMe(deps.database.db, result.user, result.orgId) };
        } catch (error) {
          setRetryAfter(reply, error);
          throw error;
        }
      },
    );

    app.post(
      '/api/auth/logout',
      { config: { access: 'authenticated' }, schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await revokeSession(deps.database.db, session(request).sessionId, new Date());
        clearSessionCookies(reply, secure(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/logout-all',
      {
        config: { access: 'authenticated' },
        schema: { tags: ['auth'], summary: 'Log out everywhere: end every session of this user', response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await revokeAllSessions(deps.database.db, session(request).user.id, new Date());
        clearSessionCookies(reply, secure(request));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/auth/me',
      {
        config: { access: 'authenticated' },
        schema: { tags: ['auth'], summary: 'The signed-in user, current org, role and permissions', response: { 200: meSchema, ...errors } },
      },
      async (request) => buildMe(deps.database.db, session(request).user, request.ctx.orgId),
    );

    app.post(
      '/api/auth/switch-org',
      {
        config: { access: 'authenticated' },
        schema: { tags: ['auth'], summary: 'Act in another org you belong to', body: switchOrgRequestSchema, response: { 200: meSchema, ...errors } },
      },
      async (request) => {
        const s = session(request);
        await switchSessionOrg(deps.database.db, s.sessionId, s.user.id, request.body.orgId);
        return buildMe(deps.database.db, s.user, request.body.orgId);
      },
    );

    app.post(
      '/api/auth/password',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Change your password (at least 12 characters); other sessions are signed out',
          body: changePasswordRequestSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await changePassword(request.ctx, session(request).user.id, session(request).sessionId, request.body, deps.auth.throttle);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/2fa/setup',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Start two-factor enrolment: a TOTP secret and its QR code',
          response: { 200: twoFactorSetupResponseSchema, ...errors },
        },
      },
      async (request) => startTwoFactorSetup(request.ctx, deps.auth.secretKey, session(request).user.id),
    );

    app.post(
      '/api/auth/2fa/enable',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Confirm enrolment with a code; returns single-use recovery codes (shown once)',
          body: twoFactorEnableRequestSchema,
          response: { 200: recoveryCodesResponseSchema, ...errors },
        },
      },
      async (request) => ({ recoveryCodes: await enableTwoFactor(request.ctx, deps.auth.secretKey, session(request).user.id, request.body.code) }),
    );

    app.post(
      '/api/auth/2fa/disable',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Turn two-factor off (password and a current code)',
          body: twoFactorDisableRequestSchema,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await disableTwoFactor(request.ctx, deps.auth.secretKey, session(request).user.id, request.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/2fa/recovery-codes',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Replace the recovery codes (a current code required)',
          body: twoFactorEnableRequestSchema,
          response: { 200: recoveryCodesResponseSchema, ...errors },
        },
      },
      async (request) => ({ recoveryCodes: await regenerateRecoveryCodes(request.ctx, deps.auth.secretKey, session(request).user.id, request.body.code) }),
    );

    app.get(
      '/api/invitations/:token',
      {
        config: { access: 'public' },
        schema: {
          tags: ['members'],
          summary: 'What an invitation link is for (404 when expired, used or revoked)',
          params: z.object({ token: z.string().min(20).max(200) }),
          response: { 200: invitationPreviewSchema, ...errors },
        },
      },
      async (request) => previewInvitation(deps.database.db, request.params.token, new Date()),
    );

    app.post(
      '/api/invitations/accept',
      {
        config: { access: 'public' },
        schema: {
          tags: ['members'],
          summary: 'Accept an invitation: set a password (new people) or prove yours (existing users), and sign in',
          body: acceptInvitationRequestSchema,
          response: { 200: loginResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const m = meta(request);
        const accepted = await acceptInvitation(deps.database.db, request.body, m, deps.auth.throttle);
        const user = await findUserById(deps.database.db, accepted.userId);
        if (!user) throw new AppError('NOT_FOUND', 'User not found');
        // Someone with two-factor must still pass it: they sign in normally.
        if (user.totpEnabledAt) return { status: 'two_factor_required' as const };
        const me = await buildMe(deps.database.db, user, accepted.orgId);
        const created = await createSession(deps.database.db, deps.auth, user, accepted.orgId, me.role, m, { action: 'auth.login' });
        setSessionCookies(reply, created, cookieMaxAge, secure(request));
        return { status: 'ok' as const, me };
      },
    );
  };
