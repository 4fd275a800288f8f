import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { AppError } from './errors.ts';

/**
 * Outbound requests to URLs that people type in (Slack, webhooks): http(s) only, and never to loopback,
 * private, link-local, CGNAT, multicast or reserved addresses unless `allowPrivate` (NEXO_ALLOW_PRIVATE_WEBHOOKS).
 * The check runs on every address DNS returns, inside the socket's own lookup, so the address checked is the
 * address connected to (no DNS-rebinding window). Redirects are not followed (`guardedFetch` callers follow them
 * hop by hop, each hop checked again).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address embedded in an IPv6 one (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16). */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = lower.match(/^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted?.[1]) return dotted[1];
  const words = expandIpv6(lower);
  if (!words) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && words[5] === 0xffff) return v4(words[6] ?? 0, words[7] ?? 0);
  if (zero(0, 6) && ((words[6] ?? 0) !== 0 || (words[7] ?? 0) > 1)) return v4(words[6] ?? 0, words[7] ?? 0);
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return v4(words[6] ?? 0, words[7] ?? 0);
  if (words[0] === 0x2002) return v4(words[1] ?? 0, words[2] ?? 0);
  return null;
}

function expandIpv6(address: string): number[] | null {
  let text = address.split('%')[0] ?? '';
  const tail = text.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const fill = rest === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...Array(Math.max(fill, 0)).fill('0'), ...right].map((w) => Number.parseInt(w, 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : null;
}

/** True when the address is loopback, private, link-local or otherwise not a public unicast address. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== null) return blocked.check(v4, 'ipv4');
    return blocked.check(address.split('%')[0] ?? address, 'ipv6');
  }
  return true;
}

export interface OutboundOptions {
  allowPrivate: boolean;
  /** Origins (`http://127.0.0.1:4010`) allowed even though private: the emulator of the demo and tests, an intranet feed host. */
  allowOrigins?: readonly string[];
  timeoutMs?: number;
}

const privateAllowed = (url: URL, { allowPrivate, allowOrigins }: OutboundOptions) => allowPrivate || (allowOrigins ?? []).includes(url.origin);

/** Parses and checks a URL's scheme and (for IP literals) its address; 400 with the reason otherwise. */
export function checkOutboundUrl(raw: string, options: OutboundOptions): URL {
  if (!URL.canParse(raw)) throw new AppError('VALIDATION', 'The URL is not valid');
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('VALIDATION', 'Only http:// and https:// URLs are allowed');
  if (url.username || url.password) throw new AppError('VALIDATION', 'URLs with a user name or password are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!privateAllowed(url, options) && isIP(host) && isPrivateAddress(host)) throw privateTarget(host);
  return url;
}

/**
 * `checkOutboundUrl` plus a DNS lookup, for checking a URL when it is saved: a name that resolves to a private
 * address is refused now. A name that does not resolve is let through (DNS may be down; the fetch checks again).
 */
export async function checkOutboundTarget(raw: string, options: OutboundOptions): Promise<URL> {
  const url = checkOutboundUrl(raw, options);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (privateAllowed(url, options) || isIP(host)) return url;
  const addresses = await new Promise<Array<{ address: string }>>((resolve) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, list) => resolve(error ? [] : list)),
  );
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  if (bad) throw privateTarget(bad.address);
  return url;
}

/** True for the refusal of a private target (from the URL check or from the guarded DNS lookup of a request). */
export const isPrivateTargetError = (error: unknown): error is AppError =>
  error instanceof AppError && (error.details as { reason?: string } | undefined)?.reason === 'private_address';

const privateTarget = (address: string) =>
  new AppError('VALIDATION', `The URL resolves to a private, loopback or link-local address (${address}); outbound requests go only to public addresses`, {
    reason: 'private_address',
  });

/** A DNS lookup that refuses private answers (every address is checked, not just the first). */
const guardedLookup =
  (allowPrivate: boolean): LookupFunction =>
  (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as Array<{ address: string; family: number }>;
      const bad = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(privateTarget(bad.address) as unknown as NodeJS.ErrnoException, '', 0);
      if (list.length === 0) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      const first = list[0] as { address: string; family: number };
      return callback(null, first.address, first.family);
    });
  };

const nullBodyStatuses = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for URLs people type in (Kaway feed URLs): every request, redirects included (the caller follows
 * them with `redirect: 'manual'`; each hop is a new checked request), goes through the URL check and the
 * guarded DNS lookup, so the address checked is the address connected to. Bodies are strings or bytes.
 */
export function guardedFetch(options: OutboundOptions): typeof fetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      let url: URL;
      try {
        url = checkOutboundUrl(input instanceof Request ? input.url : String(input), options);
      } catch (error) {
        return reject(error);
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const client = url.protocol === 'https:' ? https : http;
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const body = init.body as string | Uint8Array | null | undefined;
      const request = client.request(
        url,
        { method: init.method ?? 'GET', headers, lookup: guardedLookup(privateAllowed(url, options)), ...(signal ? { signal } : {}) },
        (response) => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, one);
          }
          const status = response.statusCode ?? 0;
          const stream = nullBodyStatuses.has(status) ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
          if (!stream) response.resume();
          resolve(new Response(stream, { status, statusText: response.statusMessage ?? '', headers: responseHeaders }));
        },
      );
      request.on('error', (error) => reject(signal?.aborted ? signal.reason : error));
      request.end(body ?? undefined);
    });
}

export interface OutboundResponse {
  status: number;
  /** The first 2 KB of the body, for the delivery log. */
  body: string;
}

/** POSTs `body` (JSON) to a checked URL; resolves with any HTTP status, rejects on network errors, timeouts and SSRF refusals. */
export function postJson(raw: string, body: string, headers: Record<string, string>, options: OutboundOptions): Promise<OutboundResponse> {
  const url = checkOutboundUrl(raw, options);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Nexo-Webhooks/1', 'content-length': Buffer.byteLength(body), ...headers },
        lookup: guardedLookup(privateAllowed(url, options)),
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < 2048) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 2048) }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new AppError('UPSTREAM', `No answer within ${options.timeoutMs ?? 10_000} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
