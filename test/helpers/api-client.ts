/** A signed-in HTTP client for tests: keeps the session cookie and sends the CSRF header on writes. */
export interface ApiClient {
  baseUrl: string;
  cookie: string;
  csrf: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
}

export const testOwner = { email: 'owner@nexo.test', password: 'correct horse battery staple' };

function cookiesFrom(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0) out[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1));
  }
  return out;
}

export function clientFor(baseUrl: string, cookie: string, csrf: string): ApiClient {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        cookie,
        ...(method === 'GET' || method === 'HEAD' ? {} : { 'x-csrf-token': csrf, origin: baseUrl }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    baseUrl,
    cookie,
    csrf,
    request,
    async json(method, path, body) {
      const res = await request(method, path, body);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
  };
}

/** Signs in through POST /api/auth/login; throws with the answer when it fails. */
export async function signIn(baseUrl: string, email = testOwner.email, password = testOwner.password): Promise<ApiClient> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookies = cookiesFrom(res);
  const session = cookies.nexo_session;
  const csrf = cookies.nexo_csrf;
  if (!session || !csrf) throw new Error('sign-in set no session cookies');
  return clientFor(baseUrl, `nexo_session=${session}; nexo_csrf=${csrf}`, csrf);
}

/** A bearer-token client. */
export function tokenClient(baseUrl: string, token: string) {
  return {
    request: (method: string, path: string, body?: unknown) =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}
