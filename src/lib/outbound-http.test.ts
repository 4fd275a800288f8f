import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, guardedFetch, isPrivateAddress, postJson } from './outbound-http.ts';

describe('outbound URL guard (SSRF)', () => {
  it.each([
    '127.0.0.1',
    '127.10.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
    'ff02::1',
  ])('refuses %s', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['1.1.1.1', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001:81b::200e'])('allows %s', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );

  it('allows only http(s) URLs without credentials, and refuses private IP literals', () => {
    const strict = { allowPrivate: false };
    expect(() => checkOutboundUrl('ftp://example.com/x', strict)).toThrow(/http/);
    expect(() => checkOutboundUrl('file:///etc/passwd', strict)).toThrow(/http/);
    expect(() => checkOutboundUrl('not a url', strict)).toThrow(/not valid/);
    expect(() => checkOutboundUrl('https://user:pw@example.com/', strict)).toThrow(/user name/);
    expect(() => checkOutboundUrl('http://127.0.0.1:8080/hook', strict)).toThrow(/private/);
    expect(() => checkOutboundUrl('http://[::1]/hook', strict)).toThrow(/private/);
    expect(() => checkOutboundUrl('http://[::ffff:127.0.0.1]/hook', strict)).toThrow(/private/);
    expect(() => checkOutboundUrl('http://2130706433/hook', strict)).toThrow(/private/);
    expect(checkOutboundUrl('https://hooks.slack.com/services/T/B/x', strict).hostname).toBe('hooks.slack.com');
    expect(checkOutboundUrl('http://127.0.0.1:8080/hook', { allowPrivate: true }).port).toBe('8080');
  });

  it('checks names after DNS resolution: localhost is refused before any connection', async () => {
    await expect(postJson('http://localhost:9/hook', '{}', {}, { allowPrivate: false })).rejects.toThrow(/private, loopback or link-local/);
  });
});

describe('guardedFetch (watched feed URLs)', () => {
  it('refuses names that resolve to loopback, and lets an allowed origin through', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/csv' }).end('sku,quantity\nA,1\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(guardedFetch({ allowPrivate: false })(`http://localhost:${port}/feed.csv`)).rejects.toThrow(/private, loopback or link-local/);
      await expect(guardedFetch({ allowPrivate: false })(`http://127.0.0.1:${port}/feed.csv`)).rejects.toThrow(/private/);
      const allowed = guardedFetch({ allowPrivate: false, allowOrigins: [`http://127.0.0.1:${port}`] });
      const response = await allowed(`http://127.0.0.1:${port}/feed.csv`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv');
      expect(await response.text()).toBe('sku,quantity\nA,1\n');
      await expect(allowed(`http://localhost:${port}/feed.csv`)).rejects.toThrow(/private/);
    } finally {
      server.close();
    }
  });
});
