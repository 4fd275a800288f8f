import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  dummyPasswordHash,
  hashPassword,
  passwordHashOptions,
  passwordNeedsRehash,
  passwordProblems,
  verifyAgainstDummy,
  verifyPassword,
} from './passwords.ts';

describe('hashPassword / verifyPassword', () => {
  it('hashes with argon2id at the OWASP parameters and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('verifies equivalent Unicode forms of the same password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait 2024');
    expect(await verifyPassword(hash, 'cafe\u0301 au lait 2024')).toBe(true);
  });

  it('answers false, never throws, on malformed hashes', async () => {
    for (const bad of [
      '',
      'not a hash',
      '$argon2id$',
      '$argon2id$v=19$m=19456,t=2,p=1$bad$bad',
      dummyPasswordHash.slice(0, -5),
      '$2b$10$abcdefghijklmnopqrstuv',
    ]) {
      expect(await verifyPassword(bad, 'whatever password')).toBe(false);
    }
    expect(await verifyPassword(undefined as unknown as string, 'x')).toBe(false);
  });

  it('flags hashes made with other parameters for rehashing', async () => {
    expect(passwordNeedsRehash(await hashPassword('a password 123'))).toBe(false);
    expect(passwordNeedsRehash('$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG')).toBe(true);
    expect(passwordNeedsRehash('garbage')).toBe(true);
  });
});

describe('dummy hash', () => {
  it('is a valid argon2id hash with the current parameters, so it costs the same as a real one', async () => {
    const options = parseOptions(dummyPasswordHash);
    expect(options).toMatchObject({ memoryCost: passwordHashOptions.memoryCost, timeCost: passwordHashOptions.timeCost, parallelism: 1 });
    expect(dummyPasswordHash.startsWith('$argon2id$')).toBe(true);
    expect(passwordNeedsRehash(dummyPasswordHash)).toBe(false);
    expect(await verifyAgainstDummy('any password at all')).toBe(false);
    expect(await verifyAgainstDummy('')).toBe(false);
  });
});

describe('passwordProblems', () => {
  it('accepts a good password', () => {
    expect(passwordProblems('violet-tractor-91-lemon')).toEqual([]);
    expect(passwordProblems('violet-tractor-91-lemon', { email: 'ana.souza@example.com' })).toEqual([]);
  });

  it('enforces length in characters (code points)', () => {
    expect(passwordProblems('short-pw-1')).toEqual(['Use at least 12 characters.']);
    expect(passwordProblems('🔑🔑🐙🐙🦊🦊🐝🐝🌵🌵🍋')).toContain('Use at least 12 characters.'); // 11 code points, 22 UTF-16 units
    expect(passwordProblems('🔑🔑🐙🐙🦊🦊🐝🐝🌵🌵🍋🍋')).toEqual([]);
    expect(passwordProblems('a1'.repeat(128))).toEqual([]);
    expect(passwordProblems(`${'a1'.repeat(128)}x`)).toEqual(['Use at most 256 characters.']);
    expect(passwordProblems('')).toEqual(['Use at least 12 characters.']);
  });

  it('refuses a single repeated character', () => {
    expect(passwordProblems('aaaaaaaaaaaaaaaa')).toEqual(['Do not repeat a single character.']);
    expect(passwordProblems('111111111111')).toContain('Do not repeat a single character.');
  });

  it('refuses common passwords, case-insensitively', () => {
    for (const common of ['password1234', 'Password1234', '123456789012', 'qwertyuiopas', 'QWERTY123456']) {
      expect(passwordProblems(common)).toContain('This password is too common.');
    }
  });

  it('refuses the e-mail address or its local part', () => {
    const email = 'Mariana.Lopes@example.com';
    const message = 'Do not use your e-mail address in your password.';
    expect(passwordProblems('mariana.lopes@example.com', { email })).toContain(message);
    expect(passwordProblems('mariana.lopes', { email: 'mariana.lopes@example.com' })).toContain(message);
    expect(passwordProblems('xx-MARIANA.LOPES-2024', { email })).toContain(message);
    // a very short local part only forbids the exact value, not every password containing it
    expect(passwordProblems('albatross-kite-77', { email: 'al@example.com' })).toEqual([]);
  });
});
