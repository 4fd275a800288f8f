/** Where to go after signing in: only a path on this site (never `//evil.example` or `https://…`), never back to /login. */
export function safeRedirect(target: unknown): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/';
  if (target === '/login' || target.startsWith('/login?') || target.startsWith('/login/')) return '/';
  return target;
}
