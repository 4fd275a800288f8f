import { validation } from './errors.ts';

/** An opaque keyset cursor over (timestamp, id), newest first: base64url of `<iso>|<uuid>`. */
export interface TimeCursor {
  at: Date;
  id: string;
}

export const encodeTimeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

/** A cursor that was not handed out by a previous page is a VALIDATION error, never a 500. */
export function decodeTimeCursor(cursor: string): TimeCursor {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime())) throw validation('Invalid cursor: pass back the nextCursor of a previous page');
  return { at: date, id };
}
