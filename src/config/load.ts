/**
 * Builds the one frozen `Config` from the environment and an optional JSON file
 * (`MAILROUTE_CONFIG`). The environment wins over the file. Any invalid value stops start-up with a
 * `ConfigError` naming every wrong key and what it allows.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { type DataCenter, dataCenterSchema, defaultDataCenters } from '../domain/datacenters.js';
import { builtInPlans, type Plan, planSchema } from '../domain/plans.js';
import { rulesInForce, type ShapingRule } from '../domain/shaping.js';
import { builtInShapingRules } from '../domain/shaping-defaults.js';
import type { SigninPolicy } from '../domain/signin-throttle.js';
import { configSchema, settingDocs } from './schema.js';
import { shapingRuleSchema } from './shaping.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
export type PlatformSmtp =
  | { kind: 'direct' }
  | { kind: 'smarthost'; host: string; port: number; secure: boolean };

export interface OAuthProvider {
  clientId: string | undefined;
  clientSecret: string | undefined;
  authUrl: string;
  tokenUrl: string;
  scope: string;
}

/** Provider webhooks (SPEC R19): verification keys; a provider without its key is off. */
export interface WebhookConfig {
  ses: { topicArns: readonly string[]; certHosts: string };
  sendgrid: { publicKey: string | undefined };
  mailgun: { signingKey: string | undefined };
  postmark: { user: string | undefined; password: string | undefined };
}

export interface Config {
  http: { port: number; host: string; publicUrl: string; graceMs: number };
  dataDir: string;
  database: DatabaseConfig;
  platformSmtp: PlatformSmtp;
  bounceSmtpPort: number;
  bounceSmtpHost: string;
  /** Limits of the bounce listener's sessions (`bounces/connection-guard.ts`). */
  bounceSmtpLimits: {
    maxConnections: number;
    maxConnectionsPerAddress: number;
    commandTimeoutMs: number;
    idleTimeoutMs: number;
  };
  bounceMailboxPollMs: number;
  /** The SMTP submission server (`submission/`): ports `off` or a number (0: any free port). */
  submission: {
    port: number | 'off';
    tlsPort: number | 'off';
    host: string;
    tls: { cert: string; key: string } | undefined;
  };
  masterKey: string | undefined;
  dataCenters: readonly DataCenter[];
  plans: readonly Plan[];
  defaultPlan: string;
  timeZone: string;
  relayPorts: 'any' | readonly number[];
  relayHosts: 'any' | 'public-only';
  clamd: string | undefined;
  clamdTimeoutMs: number;
  dnsServers: readonly string[];
  domainVerification: 'dns' | 'off';
  bootstrap: { apiKey?: string; adminEmail?: string; adminPassword?: string };
  oauth: Record<'gmail' | 'microsoft365', OAuthProvider>;
  maxMessageBytes: number;
  /** Recipients of a streamed mass email checked and queued together. */
  massIntakeChunk: number;
  /** Delivered mass emails of an org's day below which the complaint-rate guard does not act. */
  complaintMinDelivered: number;
  ehloName: string;
  notifyFrom: string | undefined;
  directPort: number;
  /** MTA-STS (RFC 8461): the policy fetch's port, and a private CA trusted besides the system's (tests only). */
  mtaSts: { port: number; ca: string | undefined };
  /** Destination shaping rules in force, the operator's first (issue 21). */
  shaping: readonly ShapingRule[];
  /** Relay and destination limits held across processes in the database (`off`: per process). */
  sharedLimits: boolean;
  /** Orgs (ids or names) whose admins may resume destinations. */
  platformAdminOrgs: readonly string[];
  webhooks: WebhookConfig;
  workerConcurrency: number;
  workerProcesses: number;
  smtpTimeoutMs: number;
  sessionHours: number;
  /** The sign-in throttle (`domain/signin-throttle.ts`). */
  signin: SigninPolicy;
  /** Bearer token of `GET /metrics`; unset, only loopback clients may read the metrics. Secret. */
  metricsToken: string | undefined;
  logLevel: string;
  /** Unknown `MAILROUTE_*` variables, reported at start-up (likely typos). */
  warnings: readonly string[];
}

const knownKeys = new Set(settingDocs.map((d) => d.key));

type Env = Record<string, string | undefined>;

function readJsonFile(key: string, path: string, problems: string[]): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`${key}: cannot read JSON from ${path} (${(err as Error).message})`);
    return undefined;
  }
}

function fileSettings(env: Env, problems: string[]): Env {
  const path = env.MAILROUTE_CONFIG?.trim();
  if (!path) return {};
  const data = readJsonFile('MAILROUTE_CONFIG', path, problems);
  if (data === undefined) return {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push('MAILROUTE_CONFIG: the file must hold a JSON object of settings');
    return {};
  }
  const out: Env = {};
  for (const [k, v] of Object.entries(data)) {
    if (!knownKeys.has(k) || k === 'MAILROUTE_CONFIG') {
      problems.push(`MAILROUTE_CONFIG: unknown setting "${k}" in ${path}`);
    } else if (v !== null && v !== undefined) {
      out[k] = typeof v === 'string' ? v : String(v);
    }
  }
  return out;
}

function listFile<T>(
  key: string,
  path: string | undefined,
  schema: z.ZodType<T>,
  problems: string[],
): T[] | undefined {
  if (!path) return undefined;
  const data = readJsonFile(key, path, problems);
  if (data === undefined) return undefined;
  const parsed = z.array(schema).min(1, 'must hold at least one entry').safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      problems.push(`${key}: ${at ? `${at.replace(/^\./, '')} ` : ''}${issue.message} (in ${path})`);
    }
    return undefined;
  }
  return parsed.data;
}

function parseDatabase(url: string | undefined, dataDir: string, problems: string[]): DatabaseConfig {
  if (!url) return { kind: 'sqlite', path: resolve(dataDir, 'mailroute.db') };
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (/^sqlite:/i.test(url)) return { kind: 'sqlite', path: resolve(url.replace(/^sqlite:(\/\/)?/i, '')) };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return { kind: 'sqlite', path: resolve(url) };
  problems.push('DATABASE_URL: must be a postgres:// URL, sqlite:<path> or a file path');
  return { kind: 'sqlite', path: resolve(dataDir, 'mailroute.db') };
}

function parsePlatform(value: string): PlatformSmtp {
  if (value === 'direct') return { kind: 'direct' };
  const u = new URL(value);
  const secure = u.protocol === 'smtps:';
  return { kind: 'smarthost', host: u.hostname, port: u.port ? Number(u.port) : secure ? 465 : 25, secure };
}

function checkNames(
  plans: readonly Plan[],
  dcs: readonly DataCenter[],
  defaultPlan: string,
  problems: string[],
) {
  const dupPlan = plans.find((p, i) => plans.findIndex((q) => q.name === p.name) !== i);
  if (dupPlan) problems.push(`MAILROUTE_PLANS: plan "${dupPlan.name}" is listed twice`);
  const dupDc = dcs.find((d, i) => dcs.findIndex((q) => q.id === d.id) !== i);
  if (dupDc) problems.push(`MAILROUTE_DATACENTERS: data center "${dupDc.id}" is listed twice`);
  if (!plans.some((p) => p.name === defaultPlan)) {
    problems.push(
      `MAILROUTE_DEFAULT_PLAN: "${defaultPlan}" is not a plan; allowed: ${plans.map((p) => p.name).join(', ')}`,
    );
  }
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const merged: Env = { ...fileSettings(env, problems) };
  for (const key of knownKeys) if (env[key] !== undefined) merged[key] = env[key];

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'config');
      problems.push(
        `${key}: ${issue.message}${merged[key] !== undefined ? ` (got "${redactValue(key, merged[key])}")` : ''}`,
      );
    }
    throw new ConfigError(problems);
  }
  const raw = parsed.data;
  const dataDir = isAbsolute(raw.MAILROUTE_DATA_DIR)
    ? raw.MAILROUTE_DATA_DIR
    : resolve(raw.MAILROUTE_DATA_DIR);
  const database = parseDatabase(raw.DATABASE_URL, dataDir, problems);
  const plans = listFile('MAILROUTE_PLANS', raw.MAILROUTE_PLANS, planSchema, problems) ?? builtInPlans;
  const dataCenters =
    listFile('MAILROUTE_DATACENTERS', raw.MAILROUTE_DATACENTERS, dataCenterSchema, problems) ??
    defaultDataCenters;
  checkNames(plans, dataCenters, raw.MAILROUTE_DEFAULT_PLAN, problems);
  const shapingFile = raw.MAILROUTE_SHAPING
    ? (listFile('MAILROUTE_SHAPING', raw.MAILROUTE_SHAPING, shapingRuleSchema, problems) ?? [])
    : [];
  const dupRule = shapingFile.find((r, i) => shapingFile.findIndex((q) => q.id === r.id) !== i);
  if (dupRule) problems.push(`MAILROUTE_SHAPING: rule "${dupRule.id}" is listed twice`);
  if (!raw.MAILROUTE_SUBMISSION_TLS_CERT !== !raw.MAILROUTE_SUBMISSION_TLS_KEY)
    problems.push('MAILROUTE_SUBMISSION_TLS_CERT and MAILROUTE_SUBMISSION_TLS_KEY: give both or neither');
  if (problems.length > 0) throw new ConfigError(problems);

  const warnings = Object.keys(env)
    .filter((k) => k.startsWith('MAILROUTE_') && !knownKeys.has(k) && !k.startsWith('MAILROUTE_TEST_'))
    .map((k) => `unknown setting ${k} is ignored`);

  return deepFreeze({
    http: {
      port: raw.MAILROUTE_HTTP_PORT,
      host: raw.MAILROUTE_HTTP_HOST,
      graceMs: raw.MAILROUTE_HTTP_GRACE_SECONDS * 1000,
      publicUrl: (raw.MAILROUTE_PUBLIC_URL ?? `http://localhost:${raw.MAILROUTE_HTTP_PORT}`).replace(
        /\/$/,
        '',
      ),
    },
    dataDir,
    database,
    platformSmtp: parsePlatform(raw.MAILROUTE_PLATFORM_SMTP),
    bounceSmtpPort: raw.MAILROUTE_BOUNCE_SMTP_PORT,
    bounceSmtpHost: raw.MAILROUTE_BOUNCE_SMTP_HOST,
    bounceSmtpLimits: {
      maxConnections: raw.MAILROUTE_BOUNCE_MAX_CONNECTIONS,
      maxConnectionsPerAddress: raw.MAILROUTE_BOUNCE_MAX_CONNECTIONS_PER_IP,
      commandTimeoutMs: raw.MAILROUTE_BOUNCE_COMMAND_TIMEOUT_SECONDS * 1000,
      idleTimeoutMs: raw.MAILROUTE_BOUNCE_IDLE_TIMEOUT_SECONDS * 1000,
    },
    bounceMailboxPollMs: raw.MAILROUTE_BOUNCE_MAILBOX_POLL_SECONDS * 1000,
    submission: {
      port: raw.MAILROUTE_SUBMISSION_PORT,
      tlsPort: raw.MAILROUTE_SUBMISSION_TLS_PORT,
      host: raw.MAILROUTE_SUBMISSION_HOST,
      tls:
        raw.MAILROUTE_SUBMISSION_TLS_CERT && raw.MAILROUTE_SUBMISSION_TLS_KEY
          ? { cert: raw.MAILROUTE_SUBMISSION_TLS_CERT, key: raw.MAILROUTE_SUBMISSION_TLS_KEY }
          : undefined,
    },
    masterKey: raw.MAILROUTE_MASTER_KEY,
    dataCenters,
    plans,
    defaultPlan: raw.MAILROUTE_DEFAULT_PLAN,
    timeZone: raw.MAILROUTE_TIMEZONE,
    relayPorts: raw.MAILROUTE_RELAY_PORTS,
    relayHosts: raw.MAILROUTE_RELAY_HOSTS,
    clamd: raw.MAILROUTE_CLAMD,
    clamdTimeoutMs: raw.MAILROUTE_CLAMD_TIMEOUT_SECONDS * 1000,
    dnsServers: raw.MAILROUTE_DNS_SERVERS,
    domainVerification: raw.MAILROUTE_DOMAIN_VERIFICATION,
    bootstrap: {
      apiKey: raw.MAILROUTE_BOOTSTRAP_API_KEY,
      adminEmail: raw.MAILROUTE_BOOTSTRAP_ADMIN_EMAIL,
      adminPassword: raw.MAILROUTE_BOOTSTRAP_ADMIN_PASSWORD,
    },
    oauth: {
      gmail: {
        clientId: raw.MAILROUTE_OAUTH_GMAIL_CLIENT_ID,
        clientSecret: raw.MAILROUTE_OAUTH_GMAIL_CLIENT_SECRET,
        authUrl: raw.MAILROUTE_OAUTH_GMAIL_AUTH_URL,
        tokenUrl: raw.MAILROUTE_OAUTH_GMAIL_TOKEN_URL,
        scope: 'https://mail.google.com/',
      },
      microsoft365: {
        clientId: raw.MAILROUTE_OAUTH_MICROSOFT365_CLIENT_ID,
        clientSecret: raw.MAILROUTE_OAUTH_MICROSOFT365_CLIENT_SECRET,
        authUrl: raw.MAILROUTE_OAUTH_MICROSOFT365_AUTH_URL,
        tokenUrl: raw.MAILROUTE_OAUTH_MICROSOFT365_TOKEN_URL,
        scope: 'https://outlook.office.com/SMTP.Send offline_access',
      },
    },
    maxMessageBytes: raw.MAILROUTE_MAX_MESSAGE_BYTES,
    massIntakeChunk: raw.MAILROUTE_MASS_INTAKE_CHUNK,
    complaintMinDelivered: raw.MAILROUTE_COMPLAINT_MIN_DELIVERED,
    ehloName: raw.MAILROUTE_EHLO_NAME ?? hostname(),
    notifyFrom: raw.MAILROUTE_NOTIFY_FROM,
    directPort: raw.MAILROUTE_DIRECT_PORT,
    mtaSts: {
      port: raw.MAILROUTE_MTA_STS_TEST_PORT,
      ca: raw.MAILROUTE_MTA_STS_TEST_CA ? readFileSync(raw.MAILROUTE_MTA_STS_TEST_CA, 'utf8') : undefined,
    },
    shaping: rulesInForce(shapingFile, builtInShapingRules),
    sharedLimits: raw.MAILROUTE_SHARED_LIMITS === 'on',
    platformAdminOrgs: (raw.MAILROUTE_PLATFORM_ADMIN_ORGS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    webhooks: {
      ses: {
        topicArns: raw.MAILROUTE_WEBHOOK_SES_TOPIC_ARNS,
        certHosts: raw.MAILROUTE_WEBHOOK_SES_CERT_HOSTS,
      },
      sendgrid: { publicKey: raw.MAILROUTE_WEBHOOK_SENDGRID_PUBLIC_KEY },
      mailgun: { signingKey: raw.MAILROUTE_WEBHOOK_MAILGUN_SIGNING_KEY },
      postmark: {
        user: raw.MAILROUTE_WEBHOOK_POSTMARK_USER,
        password: raw.MAILROUTE_WEBHOOK_POSTMARK_PASSWORD,
      },
    },
    workerConcurrency: raw.MAILROUTE_WORKER_CONCURRENCY,
    // SQLite has one writer: extra processes only wait for its lock. PostgreSQL scales with them.
    workerProcesses:
      raw.MAILROUTE_WORKER_PROCESSES === 'auto'
        ? database.kind === 'postgres'
          ? Math.max(1, Math.min(4, availableParallelism()))
          : 1
        : raw.MAILROUTE_WORKER_PROCESSES,
    smtpTimeoutMs: raw.MAILROUTE_SMTP_TIMEOUT_SECONDS * 1000,
    sessionHours: raw.MAILROUTE_SESSION_HOURS,
    signin: {
      accountFailures: raw.MAILROUTE_SIGNIN_ACCOUNT_FAILURES,
      addressFailures: raw.MAILROUTE_SIGNIN_ADDRESS_FAILURES,
      maxWaitMs: raw.MAILROUTE_SIGNIN_MAX_WAIT_SECONDS * 1000,
    },
    metricsToken: raw.MAILROUTE_METRICS_TOKEN,
    logLevel: raw.MAILROUTE_LOG_LEVEL,
    warnings,
  });
}

const secretKeys = /KEY|PASSWORD|SECRET|TOKEN|DATABASE_URL/;

/** Shows a bad value in an error without echoing a secret. */
function redactValue(key: string, value: string | undefined): string {
  return secretKeys.test(key) ? '[redacted]' : String(value);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
