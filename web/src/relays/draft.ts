/**
 * The relay form's state as the admin edits it (strings for number inputs, the port as a choice)
 * and its translation to the API's relay input, checked by the server's own zod schema first.
 */
import { emailTypes } from '../../../src/domain/email-types.js';
import { relayCreateSchema } from '../../../src/schemas/relays.js';
import type { EmailType, RelayInput, RelayView } from '../api/types';
import { zodIssueText } from '../i18n/words';

export const standardPorts = ['25', '465', '587'] as const;
export type Service = 'gmail' | 'microsoft365' | 'other';

export interface RelayDraft {
  name: string;
  host: string;
  portChoice: string;
  portCustom: string;
  dailyLimit: string;
  security: 'ssl' | 'tls' | 'none';
  verifyCertificate: boolean;
  caCertificate: string;
  domainId: string;
  emailTypes: EmailType[];
  dkimSigning: boolean;
  bounceMode: 'platform' | 'from' | 'address';
  fixedReturnPath: boolean;
  bounceAddress: string;
  authRequired: boolean;
  service: Service;
  username: string;
  password: string;
  oauthUser: string;
  priority: string;
  maxConnections: string;
  rateLimit: string;
  enabled: boolean;
}

export const emptyDraft: RelayDraft = {
  name: '',
  host: '',
  portChoice: '587',
  portCustom: '',
  dailyLimit: '1000',
  security: 'tls',
  verifyCertificate: true,
  caCertificate: '',
  domainId: '',
  emailTypes: [...emailTypes],
  dkimSigning: true,
  bounceMode: 'platform',
  fixedReturnPath: false,
  bounceAddress: '',
  authRequired: true,
  service: 'other',
  username: '',
  password: '',
  oauthUser: '',
  priority: '1',
  maxConnections: '5',
  rateLimit: '',
  enabled: true,
};

export function draftFromRelay(r: RelayView): RelayDraft {
  const port = String(r.port);
  const standard = (standardPorts as readonly string[]).includes(port);
  const a = r.authentication;
  const b = r.bounceHandling;
  return {
    ...emptyDraft,
    name: r.name,
    host: r.host,
    portChoice: standard ? port : 'other',
    portCustom: standard ? '' : port,
    dailyLimit: String(r.dailyLimit),
    security: r.security,
    verifyCertificate: r.verifyCertificate,
    caCertificate: r.caCertificate ?? '',
    domainId: r.domainId,
    emailTypes: [...r.emailTypes],
    dkimSigning: r.dkimSigning,
    bounceMode: b.mode,
    fixedReturnPath: b.mode === 'platform' ? b.fixedReturnPath : false,
    bounceAddress: b.mode === 'address' ? b.address : '',
    authRequired: a.type !== 'none',
    service: a.type === 'oauth2' ? a.service : 'other',
    username: a.type === 'password' ? a.username : '',
    oauthUser: a.type === 'oauth2' ? a.user : '',
    priority: String(r.priority),
    maxConnections: String(r.maxConnections),
    rateLimit: r.rateLimitPerMinute === null ? '' : String(r.rateLimitPerMinute),
    enabled: r.enabled,
  };
}

const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));

function authentication(d: RelayDraft): RelayInput['authentication'] {
  if (!d.authRequired) return { type: 'none' };
  if (d.service === 'other') {
    return {
      type: 'password',
      service: 'other',
      username: d.username,
      ...(d.password ? { password: d.password } : {}),
    };
  }
  return { type: 'oauth2', service: d.service, user: d.oauthUser };
}

function bounceHandling(d: RelayDraft): RelayInput['bounceHandling'] {
  if (d.bounceMode === 'platform') return { mode: 'platform', fixedReturnPath: d.fixedReturnPath };
  if (d.bounceMode === 'from') return { mode: 'from' };
  return { mode: 'address', address: d.bounceAddress };
}

export function draftToInput(d: RelayDraft): RelayInput {
  return {
    name: d.name,
    host: d.host,
    port: num(d.portChoice === 'other' ? d.portCustom : d.portChoice),
    security: d.security,
    verifyCertificate: d.verifyCertificate,
    caCertificate: d.caCertificate.trim() === '' ? null : d.caCertificate,
    dailyLimit: num(d.dailyLimit),
    domainId: d.domainId,
    emailTypes: d.emailTypes,
    dkimSigning: d.dkimSigning,
    bounceHandling: bounceHandling(d),
    authentication: authentication(d),
    priority: num(d.priority),
    maxConnections: num(d.maxConnections),
    rateLimitPerMinute: d.rateLimit.trim() === '' ? null : num(d.rateLimit),
    enabled: d.enabled,
  };
}

/**
 * Field messages from the shared schema, keyed like the API's `fields` (`bounceHandling.address`).
 * A stored password may be omitted when editing, so only new relays need one here.
 */
export function validateDraft(d: RelayDraft, isNew: boolean): Record<string, string> {
  const fields: Record<string, string> = {};
  const parsed = relayCreateSchema.safeParse(draftToInput(d));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.') || '(body)';
      fields[key] ??= zodIssueText(issue);
    }
  }
  if (isNew && d.authRequired && d.service === 'other' && d.password === '') {
    fields['authentication.password'] ??= zodIssueText({ code: 'custom', message: 'is required' });
  }
  return fields;
}
