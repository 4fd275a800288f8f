import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../../test/helpers/smtp-server.ts';
import { isAppError } from './errors.ts';
import { createMailer } from './mailer.ts';

function capturingLogger() {
  const lines: string[] = [];
  const log = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { log, lines };
}

describe('mailer over a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let rejecting: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    rejecting = await startSmtpServer({ failWith: 550 });
  });
  afterAll(async () => {
    await smtp?.close();
    await rejecting?.close();
  });

  it('delivers a plain-text message to the recipient', async () => {
    const { log, lines } = capturingLogger();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'Nexo <nexo@example.test>', log });
    expect(mailer.configured).toBe(true);
    await mailer.verify();

    const { messageId } = await mailer.send({ to: 'ana+ops@example.com', subject: 'Your sign-in code', text: 'Code: 123456\nIt expires in 10 minutes.' });
    expect(messageId).toMatch(/^<.+@.+>$/);

    const received = await smtp.waitForMessage((m) => m.to.includes('ana+ops@example.com'), 5_000);
    expect(received.from).toBe('nexo@example.test');
    expect(received.to).toEqual(['ana+ops@example.com']);
    expect(received.subject).toBe('Your sign-in code');
    expect(received.headers['message-id']).toBe(messageId);
    expect(received.body).toContain('Code: 123456');
    expect(received.body).toContain('It expires in 10 minutes.');

    const logged = lines.join('\n');
    expect(logged).toContain(messageId);
    expect(logged).toContain('Your sign-in code');
    expect(logged).not.toContain('123456'); // never the body
  });

  it('sends html alternatives and non-ASCII subjects', async () => {
    const { log } = capturingLogger();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'nexo@example.test', log });
    await mailer.send({ to: 'joao@example.com', subject: 'Relatório diário ✓', text: 'Olá, João', html: '<p>Olá, <b>João</b></p>' });
    const received = await smtp.waitForMessage((m) => m.to.includes('joao@example.com'));
    expect(received.subject).toBe('Relatório diário ✓');
    expect(received.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(received.raw).toContain('text/html');
  });

  it('authenticates with the credentials in the URL and never logs them', async () => {
    const { log, lines } = capturingLogger();
    const url = smtp.url.replace('smtp://', 'smtp://mailer-user:s3cr3t-pa55@');
    const mailer = createMailer({ smtpUrl: url, from: 'nexo@example.test', log });
    await mailer.send({ to: 'auth@example.com', subject: 'Auth check', text: 'hello' });
    const received = await smtp.waitForMessage((m) => m.to.includes('auth@example.com'));
    expect(received.user).toBe('mailer-user');
    expect(lines.join('\n')).not.toContain('s3cr3t-pa55');
  });

  it('surfaces a rejected message as an UPSTREAM error with the SMTP code', async () => {
    const { log, lines } = capturingLogger();
    const mailer = createMailer({ smtpUrl: rejecting.url, from: 'nexo@example.test', log });
    const error = await mailer.send({ to: 'bob@example.com', subject: 'Will bounce', text: 'secret body' }).catch((e: unknown) => e);
    expect(isAppError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'UPSTREAM', details: { responseCode: 550, permanent: true } });
    expect(rejecting.messages).toHaveLength(0);
    expect(lines.join('\n')).not.toContain('secret body');
  });

  it('surfaces an unreachable server as an error within the timeout', async () => {
    const { log } = capturingLogger();
    const closed = await startSmtpServer();
    await closed.close();
    const mailer = createMailer({ smtpUrl: closed.url, from: 'nexo@example.test', log });
    await expect(mailer.send({ to: 'x@example.com', subject: 's', text: 't' })).rejects.toMatchObject({ code: 'UPSTREAM' });
    await expect(mailer.verify()).rejects.toMatchObject({ code: 'UPSTREAM' });
  });

  it('refuses header injection in recipient or subject', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'nexo@example.test', log: capturingLogger().log });
    await expect(mailer.send({ to: 'a@example.com\r\nBcc: evil@example.com', subject: 's', text: 't' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(mailer.send({ to: 'a@example.com', subject: 'hi\r\nBcc: evil@example.com', text: 't' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('is unconfigured without SMTP_URL and throws UNAVAILABLE', async () => {
    const mailer = createMailer({ from: 'nexo@example.test', log: capturingLogger().log });
    expect(mailer.configured).toBe(false);
    await expect(mailer.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'E-mail is not configured (set SMTP_URL)',
    });
    await expect(mailer.verify()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(createMailer({ smtpUrl: '', from: 'x@example.test', log: capturingLogger().log }).configured).toBe(false);
  });
});
