/**
 * SMTP AUTH exchanges for the probe: PLAIN (preferred) or LOGIN for a password, XOAUTH2 with a given
 * access token. Credentials go out only base64-encoded inside the exchange and never into a result;
 * a failed XOAUTH2 attempt returns the server's decoded error (RFC 7628 style JSON) for the detail.
 */
import type { SmtpChannel, SmtpReply } from './smtp-channel.js';
import type { ProbeAuth } from './types.js';

export type Credentials = Exclude<ProbeAuth, { type: 'none' }>;
export type Mechanism = 'PLAIN' | 'LOGIN' | 'XOAUTH2';

export interface AuthAnswer {
  reply: SmtpReply;
  /** XOAUTH2 only: the server's error challenge, decoded. */
  serverError?: string;
}

export function chooseMechanism(credentials: Credentials, offered: string[]): Mechanism | undefined {
  const upper = new Set(offered.map((m) => m.toUpperCase()));
  if (credentials.type === 'oauth2') return upper.has('XOAUTH2') ? 'XOAUTH2' : undefined;
  if (upper.has('PLAIN')) return 'PLAIN';
  return upper.has('LOGIN') ? 'LOGIN' : undefined;
}

export function authenticate(
  channel: SmtpChannel,
  credentials: Credentials,
  mechanism: Mechanism,
): Promise<AuthAnswer> {
  if (credentials.type === 'oauth2') return xoauth2(channel, credentials.user, credentials.accessToken);
  if (mechanism === 'LOGIN') return login(channel, credentials.username, credentials.password);
  return plain(channel, credentials.username, credentials.password);
}

async function plain(channel: SmtpChannel, username: string, password: string): Promise<AuthAnswer> {
  return { reply: await channel.command(`AUTH PLAIN ${b64(`\0${username}\0${password}`)}`) };
}

async function login(channel: SmtpChannel, username: string, password: string): Promise<AuthAnswer> {
  const start = await channel.command('AUTH LOGIN');
  if (start.code !== 334) return { reply: start };
  const user = await channel.command(b64(username));
  if (user.code !== 334) return { reply: user };
  return { reply: await channel.command(b64(password)) };
}

async function xoauth2(channel: SmtpChannel, user: string, accessToken: string): Promise<AuthAnswer> {
  const reply = await channel.command(
    `AUTH XOAUTH2 ${b64(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`)}`,
  );
  if (reply.code !== 334) return { reply };
  const serverError = Buffer.from(reply.lines[0] ?? '', 'base64').toString('utf8');
  return { reply: await channel.command(''), serverError };
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
