import { randomBytes, randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * Random bytes for ids, drawn from the CSPRNG 4 KiB at a time (as Node's randomUUID does): one call per id cost a busy
 * server about 5 % of its CPU. Callers get their own copy.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
function randomChunk(size: number): Buffer {
  if (poolOffset + size > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const chunk = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  poolOffset += size;
  return chunk;
}

/**
 * UUID v7 (RFC 9562): time-ordered, so primary keys sort by creation. Within one millisecond the
 * 12-bit rand_a field is a counter (RFC 9562 method 1), so ids made in order also sort in order.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = randomChunk(16);
  let ms = now;
  if (now > lastMs) {
    lastMs = now;
    sequence = (bytes[6] ?? 0) & 0x07;
  } else if (now === lastMs || now > lastMs - 1000) {
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
    ms = lastMs;
  }
  bytes.writeUIntBE(ms, 0, 6);
  const seq = ms === lastMs ? sequence : ((bytes[6] ?? 0) << 8) | (bytes[7] ?? 0);
  bytes[6] = 0x70 | ((seq >> 8) & 0x0f);
  bytes[7] = seq & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** When a UUID v7 was made (its first 48 bits), or null for other ids. */
export function uuidv7Time(id: string): Date | null {
  const hex = id.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex) || hex[12] !== '7') return null;
  return new Date(Number.parseInt(hex.slice(0, 12), 16));
}

/** A random id safe to show to people (request ids). */
export const shortId = (bytes = 8): string => (bytes <= 64 ? randomChunk(bytes) : randomBytes(bytes)).toString('base64url');
