/**
 * SMTP outcome classification: the one place that decides what an SMTP reply or a nodemailer error
 * means for a delivery (SPEC R9b, R12, R13, R16). Pure. `classifyReply()` evaluates the rows of
 * `smtp-reply-rules.ts` in order and returns `{action, scope, status, ruleId, breaker, permanent,
 * reason}`.
 *
 * The recorded status is the server's enhanced status (its class digit aligned with the reply
 * code), or the rule's when the server gave none or only `X.0.0`; then `defer` and `slowdown` force
 * class 4 and `bounce` class 5, as Postfix's soft_bounce does. `permanent` is true exactly when the
 * recorded status is 5.x.x (retrying the same server as is would fail again); `breaker` is only
 * ever true on the relay path.
 */
import {
  type DeliveryPath,
  type ReplyAction,
  type ReplyRule,
  type ReplyScope,
  type RuleConditions,
  type SmtpStep,
  smtpReplyRules,
} from './smtp-reply-rules.js';

export type { DeliveryPath, ReplyAction, ReplyScope, SmtpStep } from './smtp-reply-rules.js';

export interface ReplyInput {
  path: DeliveryPath;
  command: SmtpStep;
  code?: number;
  enhanced?: string;
  text?: string;
  errorKind?: string;
  errorCause?: string;
  timeoutType?: string;
}

export interface Classification {
  action: ReplyAction;
  scope: ReplyScope;
  status: string;
  ruleId: string;
  breaker: boolean;
  permanent: boolean;
  reason: string;
}

export interface ParsedReply {
  code?: number;
  enhanced?: string;
  text: string;
}

const codeLine = /^([2-5]\d\d)(?:[ -](.*))?$/;
const enhancedAtStart = /^([245])\.(\d{1,3})\.(\d{1,3})(?![\w.-])\s*/;
const enhancedAnywhere = /(?<![\w.-])([245])\.(\d{1,3})\.(\d{1,3})(?![\w-]|\.\d)/;
const codeThenEnhanced = /(?<![\w.#-])([2-5]\d\d)[ -]([245]\.\d{1,3}\.\d{1,3})(?![\w-]|\.\d)/;

function normalizeStatus(value: string | undefined): string | undefined {
  const m = /^\s*([245])\.(\d{1,3})\.(\d{1,3})\s*$/.exec(value ?? '');
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : undefined;
}

/**
 * Reads a reply as servers send it: leading whitespace, multi-line (`550-5.1.1 …\r\n550 5.1.1 …`),
 * an enhanced status after the code, or codes quoted inside other text. `text` is the reply without
 * its codes, lines joined by spaces.
 */
export function parseReply(text: string): ParsedReply {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const first = codeLine.exec(lines[0] ?? '');
  if (first) {
    const code = Number(first[1]);
    let enhanced: string | undefined;
    const parts = lines.map((l) => {
      let rest = l.startsWith(first[1]!) && /^\d{3}(?:[ -]|$)/.test(l) ? l.slice(4) : l;
      let status: string | undefined;
      // A status right after another is the application's own behind the server's guess
      // (smtp-server: "554 5.6.0 5.7.1 Relay access denied"): the second one counts.
      for (let m = enhancedAtStart.exec(rest); m; m = enhancedAtStart.exec(rest)) {
        status = normalizeStatus(`${m[1]}.${m[2]}.${m[3]}`);
        rest = rest.slice(m[0].length);
      }
      enhanced ??= status;
      return rest;
    });
    const rest = parts.join(' ').trim();
    enhanced ??= normalizeStatus(codeThenEnhanced.exec(rest)?.[2]);
    return { code, enhanced, text: rest };
  }
  const joined = lines.join(' ');
  const both = codeThenEnhanced.exec(joined);
  if (both) return { code: Number(both[1]), enhanced: normalizeStatus(both[2]), text: joined };
  const status = enhancedAnywhere.exec(joined);
  return {
    enhanced: status ? normalizeStatus(`${status[1]}.${status[2]}.${status[3]}`) : undefined,
    text: joined,
  };
}

interface Facts {
  path: DeliveryPath;
  step: SmtpStep;
  code?: number;
  klass?: 2 | 4 | 5;
  status?: string;
  replied: boolean;
  text: string;
  kind: string;
  cause: string;
  timeout: string;
}

function classOf(digit: string | number | undefined): 2 | 4 | 5 | undefined {
  const d = Number(digit);
  return d === 2 || d === 4 || d === 5 ? d : undefined;
}

function factsOf(input: ReplyInput): Facts {
  const parsed = parseReply(input.text ?? '');
  const given = input.code !== undefined && input.code >= 200 && input.code <= 599 ? input.code : undefined;
  const code = given ?? parsed.code;
  let status = normalizeStatus(input.enhanced) ?? parsed.enhanced;
  const codeClass = classOf(code === undefined ? undefined : Math.floor(code / 100));
  if (status && codeClass && codeClass !== 2 && status[0] !== String(codeClass)) {
    status = `${codeClass}${status.slice(1)}`;
  }
  return {
    path: input.path,
    step: input.command,
    code,
    klass: code === undefined ? classOf(status?.[0]) : codeClass,
    status,
    replied: code !== undefined || status !== undefined,
    text: parsed.text,
    kind: (input.errorKind ?? '').toUpperCase(),
    cause: (input.errorCause ?? '').toUpperCase(),
    timeout: (input.timeoutType ?? '').toUpperCase(),
  };
}

function causeMatches(pattern: string, cause: string): boolean {
  if (cause === '') return false;
  return pattern.endsWith('*') ? cause.startsWith(pattern.slice(0, -1)) : cause === pattern;
}

function holds(c: RuleConditions, f: Facts): boolean {
  const checks: (boolean | undefined)[] = [
    c.path === undefined || c.path === f.path,
    c.steps === undefined || c.steps.includes(f.step),
    c.class === undefined || c.class === f.klass,
    c.replied === undefined || c.replied === f.replied,
    c.failed === undefined || c.failed === (f.kind !== ''),
    c.vague === undefined || c.vague === (f.status === undefined || /^\d\.0\.0$/.test(f.status)),
    c.codes === undefined || (f.code !== undefined && c.codes.includes(f.code)),
    c.status === undefined || (f.status !== undefined && c.status.test(f.status)),
    c.text === undefined || c.text.test(f.text),
    c.kinds === undefined || c.kinds.includes(f.kind),
    c.causes === undefined || c.causes.some((p) => causeMatches(p, f.cause)),
    c.timeouts === undefined || c.timeouts.includes(f.timeout),
    c.any === undefined || c.any.some((alt) => holds(alt, f)),
  ];
  return checks.every(Boolean);
}

const stepScope: Record<SmtpStep, ReplyScope> = {
  connect: 'connection',
  greeting: 'connection',
  ehlo: 'connection',
  starttls: 'connection',
  auth: 'connection',
  mail: 'message',
  rcpt: 'recipient',
  data: 'message',
  message: 'message',
};

function recordedStatus(rule: ReplyRule, f: Facts): string {
  const { action, status: fallbackStatus } = rule.outcome;
  if (action === 'sent') return f.klass === 2 && f.status ? f.status : '2.0.0';
  const serverSaid = f.status && !(fallbackStatus && /^\d\.0\.0$/.test(f.status)) ? f.status : undefined;
  let status = serverSaid ?? fallbackStatus ?? `${f.klass ?? 4}.0.0`;
  if (!serverSaid && (f.klass === 4 || f.klass === 5)) status = `${f.klass}${status.slice(1)}`;
  if (action === 'defer' || action === 'slowdown') return `4${status.slice(1)}`;
  if (action === 'bounce') return `5${status.slice(1)}`;
  return status;
}

/** What an SMTP reply or a sending error means for the delivery, on the path it was sent through. */
export function classifyReply(input: ReplyInput): Classification {
  const facts = factsOf(input);
  // The last row has no conditions, so a rule is always found.
  const rule = smtpReplyRules.find((r) => holds(r.when, facts)) ?? smtpReplyRules[smtpReplyRules.length - 1]!;
  const status = recordedStatus(rule, facts);
  return {
    action: rule.outcome.action,
    scope: rule.outcome.scope ?? stepScope[facts.step],
    status,
    ruleId: rule.id,
    breaker: facts.path === 'relay' && rule.outcome.breaker,
    permanent: rule.outcome.action !== 'sent' && status.startsWith('5'),
    reason: rule.reason,
  };
}

const nodemailerKinds = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EPROTOCOL',
  'EENVELOPE',
  'EMESSAGE',
  'ESTREAM',
  'EABORT',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'EMAXLIMIT',
  'EMAXRECIPIENTS',
  'ECONFIG',
  'EPROXY',
]);

/** Node's TLS messages, for errors that kept the words but lost the code ("Error initiating TLS - …"). */
const causeWords: readonly [RegExp, string][] = [
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/certificate is not yet valid/i, 'CERT_NOT_YET_VALID'],
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
  [/wrong version number/i, 'ERR_SSL_WRONG_VERSION_NUMBER'],
];

function stringField(o: unknown, key: string): string | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function numberField(o: unknown, key: string): number | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function nestedCause(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { cause, errors } = err as { cause?: unknown; errors?: unknown };
  return stringField(cause, 'code') ?? (Array.isArray(errors) ? stringField(errors[0], 'code') : undefined);
}

/** nodemailer's `err.command` ('CONN', 'EHLO', 'AUTH PLAIN', 'MAIL FROM', 'RCPT TO', 'DATA', 'API') as a step. */
function stepOf(command: string, kind: string | undefined, replied: boolean, hint?: SmtpStep): SmtpStep {
  const c = command.toUpperCase();
  if (c.startsWith('AUTH')) return 'auth';
  if (c === 'EHLO' || c === 'HELO' || c === 'LHLO') return 'ehlo';
  if (c === 'STARTTLS') return 'starttls';
  if (c === 'MAIL FROM') return 'mail';
  if (c === 'RCPT TO') return 'rcpt';
  if (c === 'DATA') return kind === 'EMESSAGE' ? 'message' : 'data';
  if (kind === 'EAUTH' || kind === 'ENOAUTH' || kind === 'EOAUTH2') return 'auth';
  if (hint) return hint;
  return c === 'CONN' && replied ? 'greeting' : 'connect';
}

/**
 * Reads a nodemailer error (`code`, `responseCode`, `response`, `command`, `originalCode` or
 * `cause.code`, `timeoutType`) into a ReplyInput. `commandHint` names the step when nodemailer's
 * `command` does not ('CONN', 'API' or none). A Node error without a nodemailer code becomes a cause.
 */
export function fromNodemailerError(err: unknown, path: DeliveryPath, commandHint?: SmtpStep): ReplyInput {
  const code = stringField(err, 'code');
  const isKind = code !== undefined && nodemailerKinds.has(code);
  const errorKind = isKind ? code : undefined;
  const response = stringField(err, 'response');
  const message = stringField(err, 'message') ?? (typeof err === 'string' ? err : undefined);
  const command = stringField(err, 'command') ?? '';
  let errorCause = (isKind ? undefined : code) ?? stringField(err, 'originalCode') ?? nestedCause(err);
  errorCause ??= causeWords.find(([re]) => re.test(message ?? ''))?.[1];
  if (!errorCause && errorKind === 'EAUTH' && !response && /XOAUTH2/i.test(command)) errorCause = 'EOAUTH2';
  const parsed = response ? parseReply(response) : undefined;
  const input: ReplyInput = {
    path,
    command: stepOf(command, errorKind, response !== undefined, commandHint),
  };
  const responseCode = numberField(err, 'responseCode') ?? parsed?.code;
  if (responseCode !== undefined) input.code = responseCode;
  if (parsed?.enhanced) input.enhanced = parsed.enhanced;
  const text = response ?? message;
  if (text !== undefined) input.text = text;
  if (errorKind) input.errorKind = errorKind;
  if (errorCause) input.errorCause = errorCause;
  const timeoutType = stringField(err, 'timeoutType');
  if (timeoutType) input.timeoutType = timeoutType;
  return input;
}

/** Classifies a nodemailer error in one call. */
export function classifyNodemailerError(
  err: unknown,
  path: DeliveryPath,
  commandHint?: SmtpStep,
): Classification {
  return classifyReply(fromNodemailerError(err, path, commandHint));
}

/**
 * The per-recipient rejections nodemailer reports in `rejectedErrors`: on an EENVELOPE error when
 * every recipient was refused, on the `info` of a send that resolved when only some were.
 */
export function rejectedRecipientInputs(
  source: unknown,
  path: DeliveryPath,
): { recipient: string; input: ReplyInput }[] {
  const list =
    typeof source === 'object' && source !== null
      ? (source as { rejectedErrors?: unknown }).rejectedErrors
      : [];
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown) => {
    const recipient = stringField(e, 'recipient');
    return recipient ? [{ recipient, input: fromNodemailerError(e, path, 'rcpt') }] : [];
  });
}
