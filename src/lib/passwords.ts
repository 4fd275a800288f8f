import { type Algorithm, hash, type Options, parseOptions, verify } from '@node-rs/argon2';

// OWASP Password Storage Cheat Sheet, argon2id minimum: m=19 MiB, t=2, p=1.
// `2` is Algorithm.Argon2id: the package declares a const enum, which isolated modules cannot read.
export const passwordHashOptions = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } satisfies Options;

export const passwordMinLength = 12;
export const passwordMaxLength = 256;

// NIST SP 800-63B: normalize so the same password typed on different keyboards/OSes verifies.
const normalize = (password: string): string => password.normalize('NFKC');

export function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), passwordHashOptions);
}

/** False (never throws) on a wrong password or a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (typeof passwordHash !== 'string' || typeof password !== 'string' || !passwordHash.startsWith('$argon2')) return false;
  try {
    return await verify(passwordHash, normalize(password));
  } catch {
    return false;
  }
}

/** True when a stored hash was made with weaker or different parameters: rehash after a successful login. */
export function passwordNeedsRehash(passwordHash: string): boolean {
  try {
    const o = parseOptions(passwordHash);
    return (
      o.algorithm !== passwordHashOptions.algorithm ||
      o.memoryCost !== passwordHashOptions.memoryCost ||
      o.timeCost !== passwordHashOptions.timeCost ||
      o.parallelism !== passwordHashOptions.parallelism ||
      o.outputLen !== passwordHashOptions.outputLen
    );
  } catch {
    return true;
  }
}

/** A valid argon2id hash (same parameters as hashPassword) of a random password nobody knows. */
export const dummyPasswordHash = '$argon2id$v=19$m=19456,t=2,p=1$uXifhoogGhUzyaYY7hi52Q$OaSmW/K+wVlkwTDlhkmhha5em7abhTZBl4QDcc3SxLE';

/** Spend the time of a real verification when the user does not exist, so login timing does not reveal which accounts exist. Always false. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(dummyPasswordHash, typeof password === 'string' ? password : '');
  return false;
}

// Most common passwords that pass the length rule (from public breach-frequency lists), lower-case.
const commonPasswords = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '111111111111',
  '000000000000',
  '123123123123',
  '098765432109',
  '121212121212',
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'password!123',
  'password@123',
  'mypassword123',
  'changeme1234',
  'qwertyuiopas',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwerty123456',
  'qwertyqwerty',
  '1qaz2wsx3edc',
  '1q2w3e4r5t6y',
  'q1w2e3r4t5y6',
  'asdfghjkl123',
  'asdfasdfasdf',
  'zxcvbnm12345',
  'abcdefghijkl',
  'abc123abc123',
  'abcd1234abcd',
  'iloveyou1234',
  'letmein12345',
  'welcome12345',
  'welcome@1234',
  'administrator',
  'admin1234567',
  'adminadmin12',
  'football1234',
  'baseball1234',
  'superman1234',
  'sunshine1234',
  'princess1234',
  'trustno1trustno1',
  'monkey123456',
  'dragon123456',
  'starwars1234',
  'nexo12345678',
  'nexopassword',
]);

const normalizeForPolicy = (s: string) => normalize(s).toLowerCase();

/** Human-readable reasons a new password is refused; empty when acceptable. */
export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length; // code points, not UTF-16 units
  if (length < passwordMinLength) problems.push(`Use at least ${passwordMinLength} characters.`);
  if (length > passwordMaxLength) problems.push(`Use at most ${passwordMaxLength} characters.`);
  if (length > 0 && new Set(password).size === 1) problems.push('Do not repeat a single character.');
  const lower = normalizeForPolicy(password);
  if (commonPasswords.has(lower)) problems.push('This password is too common.');
  const email = context.email ? normalizeForPolicy(context.email.trim()) : '';
  const localPart = email.includes('@') ? email.slice(0, email.lastIndexOf('@')) : email;
  // Containment only for local parts long enough to matter ("al@…" must not forbid every password with "al").
  if (localPart && (lower === email || lower === localPart || (localPart.length >= 4 && lower.includes(localPart)))) {
    problems.push('Do not use your e-mail address in your password.');
  }
  return problems;
}
