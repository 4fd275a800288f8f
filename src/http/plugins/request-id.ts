import type { IncomingMessage } from 'node:http';
import { shortId } from '../../lib/ids.ts';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accept the caller's X-Request-Id when it is sane, else make one; it appears in every log line and error. */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value && acceptable.test(value) ? value : shortId(9);
}
