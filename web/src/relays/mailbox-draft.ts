/**
 * The bounce mailbox as the admin edits it (the port as typed, the password empty unless a new one
 * is typed) and its translation to the API's input, which replaces the whole setting: an empty
 * password is left out, so the API keeps the stored one.
 */
import type { BounceMailbox, BounceMailboxInput } from '../api/types';

export interface MailboxDraft {
  host: string;
  port: string;
  security: BounceMailbox['security'];
  verifyCertificate: boolean;
  authType: BounceMailbox['authentication']['type'];
  username: string;
  password: string;
  mailbox: string;
  afterAction: BounceMailbox['afterProcessing']['action'];
  folder: string;
  keyword: string;
  enabled: boolean;
}

/** A first mailbox: IMAP over implicit TLS, signing in as the bounce address itself. */
export function newMailboxDraft(address: string): MailboxDraft {
  return {
    host: '',
    port: '993',
    security: 'ssl',
    verifyCertificate: true,
    authType: 'password',
    username: address,
    password: '',
    mailbox: 'INBOX',
    afterAction: 'flag',
    folder: '',
    keyword: '$MailrouteProcessed',
    enabled: true,
  };
}

export function draftFromMailbox(m: BounceMailbox): MailboxDraft {
  const a = m.authentication;
  const after = m.afterProcessing;
  return {
    host: m.host,
    port: String(m.port),
    security: m.security,
    verifyCertificate: m.verifyCertificate,
    authType: a.type,
    username: a.type === 'password' ? a.username : '',
    password: '',
    mailbox: m.mailbox,
    afterAction: after.action,
    folder: after.action === 'move' ? after.folder : '',
    keyword: after.keyword,
    enabled: m.enabled,
  };
}

export function mailboxDraftToInput(d: MailboxDraft): BounceMailboxInput {
  return {
    host: d.host,
    port: d.port.trim() === '' ? Number.NaN : Number(d.port),
    security: d.security,
    verifyCertificate: d.verifyCertificate,
    authentication:
      d.authType === 'relay-oauth'
        ? { type: 'relay-oauth' }
        : { type: 'password', username: d.username, ...(d.password ? { password: d.password } : {}) },
    mailbox: d.mailbox,
    afterProcessing:
      d.afterAction === 'move'
        ? { action: 'move', folder: d.folder, keyword: d.keyword }
        : { action: 'flag', keyword: d.keyword },
    enabled: d.enabled,
  };
}
