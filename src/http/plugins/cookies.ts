import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'nexo_session';
export const CSRF_COOKIE = 'nexo_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

interface CookieOptions {
  httpOnly: boolean;
  maxAgeSeconds: number;
  secure: boolean;
}

const serialize = (name: string, value: string, o: CookieOptions) =>
  [`${name}=${encodeURIComponent(value)}`, 'Path=/', `Max-Age=${o.maxAgeSeconds}`, 'SameSite=Lax', o.httpOnly ? 'HttpOnly' : '', o.secure ? 'Secure' : '']
    .filter(Boolean)
    .join('; ');

/** The session cookie is HttpOnly; the CSRF cookie is readable so the dashboard can echo it in a header. */
export function setSessionCookies(reply: FastifyReply, tokens: { token: string; csrfToken: string }, maxAgeSeconds: number, secure: boolean): void {
  reply.header('Set-Cookie', [
    serialize(SESSION_COOKIE, tokens.token, { httpOnly: true, maxAgeSeconds, secure }),
    serialize(CSRF_COOKIE, tokens.csrfToken, { httpOnly: false, maxAgeSeconds, secure }),
  ]);
}

export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  reply.header('Set-Cookie', [
    serialize(SESSION_COOKIE, '', { httpOnly: true, maxAgeSeconds: 0, secure }),
    serialize(CSRF_COOKIE, '', { httpOnly: false, maxAgeSeconds: 0, secure }),
  ]);
}
