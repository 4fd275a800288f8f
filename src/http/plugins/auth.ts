import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Permission, RouteAccess } from '../../contracts/permissions.ts';
import type { Ctx } from '../../db/context.ts';
import { AppError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import {
  authenticateToken,
  authenticationRequired,
  csrfMatches,
  effectivePermissions,
  forbidden,
  type ResolvedSession,
  resolveSession,
} from '../../modules/tenancy/index.ts';
import type { AppDeps } from '../deps.ts';
import { CSRF_HEADER, readCookie, SESSION_COOKIE } from './cookies.ts';
import { createRateLimiter } from './rate-limit.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. Every route must declare it (checked when routes are registered). */
    access?: RouteAccess;
    /** The seed's wording for this route's 401 (e.g. "Unauthorized - marketplace agent token required"). */
    unauthorizedMessage?: string;
    /** The seed's wording for this route's 403 (e.g. "Only admins can approve tasks"). */
    forbiddenMessage?: string;
    /**
     * With `access: 'public'`: callers that present credentials are authenticated (bad ones get 401)
     * and `request.ctx` is set, so the handler can answer them more; anonymous callers pass as public.
     */
    optionalAuth?: boolean;
    /**
     * With `access: 'public'`: not counted against the per-IP limit for anonymous callers. For channel webhooks only:
     * channels send bursts from a few addresses; the route keeps its own protection (body size limit, signature
     * checked before anything is stored, deduplication, per-store limits on the work it queues).
     */
    exemptFromIpRateLimit?: boolean;
  }
  interface FastifyRequest {
    /** The caller's context: org, actor, permissions. Set on every non-public route. */
    ctx: Ctx;
    /** The cookie session, when the caller is a signed-in person. */
    session: (ResolvedSession & { token: string }) | null;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Probes and scrapers are never rate limited. */
const unlimited = new Set(['/healthz', '/readyz', '/metrics']);

/** Routes collected at registration, with their declared access (the permission test reads this). */
export const routeAccessOf = new WeakMap<FastifyInstance, Array<{ method: string; url: string; access: RouteAccess }>>();

function allowedOrigins(request: FastifyRequest, deps: AppDeps): string[] {
  const origins = [`${request.protocol}://${request.headers.host}`, ...deps.config.http.corsOrigins];
  if (deps.config.http.publicUrl) origins.push(new URL(deps.config.http.publicUrl).origin);
  return origins;
}

function assertCsrf(request: FastifyRequest, deps: AppDeps, sessionToken: string): void {
  const origin = request.headers.origin;
  if (origin && !allowedOrigins(request, deps).includes(origin)) throw forbidden('Cross-site request refused (Origin not allowed)');
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string' || !csrfMatches(deps.auth.secretKey, sessionToken, presented)) {
    throw forbidden(`Missing or invalid CSRF token: send the ${CSRF_HEADER} header with the value of the nexo_csrf cookie`);
  }
}

/**
 * Deny by default: every route declares `access`; this authenticates the caller (bearer token or
 * session cookie), applies CSRF to cookie-authenticated writes, rate limits, and checks the permission.
 */
export function registerAuth(app: FastifyInstance, deps: AppDeps): void {
  const routes: Array<{ method: string; url: string; access: RouteAccess }> = [];
  routeAccessOf.set(app, routes);
  const limiter = createRateLimiter();

  app.decorateRequest('ctx', null as unknown as Ctx);
  app.decorateRequest('session', null);

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access)
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access: add config.access (a permission, 'authenticated' or 'public')`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, access });
  });

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const access = config?.access;
    if (!access) return;
    try {
      await authorize(request, reply, access);
    } catch (error) {
      if (error instanceof AppError && error.code === 'UNAUTHORIZED' && config.unauthorizedMessage)
        throw new AppError('UNAUTHORIZED', config.unauthorizedMessage);
      if (error instanceof AppError && error.code === 'FORBIDDEN' && config.forbiddenMessage && error.details === undefined)
        throw new AppError('FORBIDDEN', config.forbiddenMessage);
      throw error;
    }
  });

  async function authorize(request: FastifyRequest, reply: FastifyReply, access: RouteAccess): Promise<void> {
    const now = new Date();
    const presented = request.headers.authorization !== undefined || readCookie(request, SESSION_COOKIE) !== undefined;
    if (access === 'public' && !(request.routeOptions.config?.optionalAuth === true && presented)) {
      if (!unlimited.has(request.routeOptions.url ?? '') && request.routeOptions.config?.exemptFromIpRateLimit !== true)
        limiter.hit(`ip:${request.ip}`, deps.config.auth.anonymousRateLimitPerMinute, reply);
      return;
    }

    const base = { db: deps.database.db, log: request.log as Logger, now, requestId: request.id, ip: request.ip };
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(authorization);
      const token = match?.[1] ? await authenticateToken(deps.database.db, match[1], deps.envTokens, now) : null;
      if (!token) throw authenticationRequired();
      limiter.hit(`token:${token.actor.tokenId}`, deps.config.auth.rateLimitPerMinute, reply);
      request.ctx = { ...base, orgId: token.orgId, actor: token.actor, permissions: new Set(token.permissions) };
    } else {
      const cookie = readCookie(request, SESSION_COOKIE);
      const session = cookie ? await resolveSession(deps.database.db, deps.auth, cookie, now) : null;
      if (!cookie || !session) throw authenticationRequired();
      limiter.hit(`session:${session.sessionId}`, deps.config.auth.rateLimitPerMinute, reply);
      if (unsafeMethods.has(request.method)) assertCsrf(request, deps, cookie);
      request.session = { ...session, token: cookie };
      request.ctx = {
        ...base,
        orgId: session.orgId,
        actor: { type: 'user', userId: session.user.id, label: session.user.email, role: session.role },
        permissions: new Set(effectivePermissions(session.user, session.role, session.orgSettings)),
      };
    }

    if (access === 'public') return;
    if (access === 'authenticated') {
      if (!request.session) throw forbidden('This endpoint is for signed-in people, not API tokens');
      return;
    }
    if (!request.ctx.permissions.has(access as Permission)) {
      if (request.session?.user.mustChangePassword)
        throw new AppError('FORBIDDEN', 'Change your one-time password first', { reason: 'password_change_required' });
      if (request.session && request.ctx.permissions.size === 0) {
        throw new AppError('FORBIDDEN', 'Your org requires two-factor authentication for your role: enable it first', { reason: 'two_factor_setup_required' });
      }
      throw forbidden();
    }
  }
}
