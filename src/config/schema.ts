/**
 * The configuration schema: every setting mailroute reads, its default and what it allows.
 * Owns the names (environment-variable style) and documentation of the settings; `load.ts` turns
 * the process environment and an optional JSON file into one frozen, validated `Config`.
 */
import { z } from 'zod';
import { parseClamdAddress } from '../domain/clamd-address.js';
import { isValidTimeZone } from '../domain/time-zone.js';

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a TCP port number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be between 1 and 65535`)
    .max(65535, `${name} must be between 1 and 65535`);

/** A port, `off`, or 0 (any free port: tests). */
const portOrOff = (name: string) =>
  z.union([
    z.literal('off'),
    z.coerce
      .number({ error: `${name} must be a TCP port number or \`off\`` })
      .int(`${name} must be a whole number`)
      .min(0, `${name} must be between 1 and 65535, or \`off\``)
      .max(65535, `${name} must be between 1 and 65535, or \`off\``),
  ]);

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL');

/** A documented setting: the schema validates, `doc` and `defaultText` feed the README table. */
export interface SettingDoc {
  key: string;
  defaultText: string;
  doc: string;
}

export const settingDocs: SettingDoc[] = [
  {
    key: 'MAILROUTE_CONFIG',
    defaultText: '(none)',
    doc: 'Path to a JSON file setting any of these keys; the environment wins over the file.',
  },
  { key: 'MAILROUTE_HTTP_PORT', defaultText: '8080', doc: 'Port of the HTTP API and console.' },
  {
    key: 'MAILROUTE_HTTP_HOST',
    defaultText: '127.0.0.1',
    doc: 'Address the HTTP server listens on (`0.0.0.0` for all interfaces).',
  },
  {
    key: 'MAILROUTE_HTTP_GRACE_SECONDS',
    defaultText: '10',
    doc: 'On stopping, how long requests in progress may take before their connections are closed.',
  },
  {
    key: 'MAILROUTE_PUBLIC_URL',
    defaultText: 'http://localhost:<port>',
    doc: 'URL users reach the console at (OAuth callbacks, links in notifications).',
  },
  {
    key: 'MAILROUTE_DATA_DIR',
    defaultText: './data',
    doc: 'Directory for the SQLite database, the generated master key and other local state; created 0700.',
  },
  {
    key: 'DATABASE_URL',
    defaultText: 'SQLite file `<data dir>/mailroute.db`',
    doc: '`postgres://…` for PostgreSQL, `sqlite:<path>` or a file path for SQLite.',
  },
  {
    key: 'MAILROUTE_PLATFORM_SMTP',
    defaultText: 'direct',
    doc: 'Platform delivery: `smtp://host:port` (or `smtps://`) smarthost, or `direct` for MX delivery.',
  },
  { key: 'MAILROUTE_BOUNCE_SMTP_PORT', defaultText: '2525', doc: 'Port of the bounce listener (SMTP).' },
  {
    key: 'MAILROUTE_BOUNCE_SMTP_HOST',
    defaultText: '0.0.0.0',
    doc: 'Address the bounce listener listens on: all interfaces, since it is the MX of the bounce domains.',
  },
  {
    key: 'MAILROUTE_SUBMISSION_PORT',
    defaultText: '2587',
    doc: 'Port of the SMTP submission server (STARTTLS, AUTH with an API key as the password), or `off`.',
  },
  {
    key: 'MAILROUTE_SUBMISSION_HOST',
    defaultText: '127.0.0.1',
    doc: 'Address the submission server listens on (both its ports).',
  },
  {
    key: 'MAILROUTE_SUBMISSION_TLS_PORT',
    defaultText: 'off',
    doc: 'Port of the submission server with implicit TLS (as on port 465), or `off`.',
  },
  {
    key: 'MAILROUTE_SUBMISSION_TLS_CERT',
    defaultText: 'a self-signed certificate in the data directory',
    doc: 'PEM file of the submission certificate (with its chain). Without it and `_KEY`, one is generated for the EHLO name.',
  },
  {
    key: 'MAILROUTE_SUBMISSION_TLS_KEY',
    defaultText: '—',
    doc: 'PEM file of the private key of `MAILROUTE_SUBMISSION_TLS_CERT`.',
  },
  {
    key: 'MAILROUTE_BOUNCE_MAX_CONNECTIONS',
    defaultText: '200',
    doc: 'Bounce listener: sessions at once in all. When all are taken, a new one takes the place of an idle or slow one, from the address holding the most.',
  },
  {
    key: 'MAILROUTE_BOUNCE_MAX_CONNECTIONS_PER_IP',
    defaultText: '20',
    doc: 'Bounce listener: sessions at once from one client address; more are refused with 421.',
  },
  {
    key: 'MAILROUTE_BOUNCE_COMMAND_TIMEOUT_SECONDS',
    defaultText: '30',
    doc: 'Bounce listener: a command line (or TLS handshake) must be complete this long after it began, and a message must arrive at 64 KiB per this long at least; slower clients are cut off with 421.',
  },
  {
    key: 'MAILROUTE_BOUNCE_IDLE_TIMEOUT_SECONDS',
    defaultText: '60',
    doc: 'Bounce listener: how long a client may wait between commands before the session is closed.',
  },
  {
    key: 'MAILROUTE_BOUNCE_MAILBOX_POLL_SECONDS',
    defaultText: '60',
    doc: 'How often worker processes poll each enabled bounce mailbox (IMAP) of relays with a fixed bounce address.',
  },
  {
    key: 'MAILROUTE_MASTER_KEY',
    defaultText: 'generated into `<data dir>/master.key` (mode 0600)',
    doc: 'Key that encrypts secrets at rest: 32 bytes as 64 hex digits or base64.',
  },
  {
    key: 'MAILROUTE_DATACENTERS',
    defaultText: 'one local data center',
    doc: 'Path to a JSON array of data centers: `id`, `name`, `egress` (CIDRs), `bounceDomain`, optional `egressAddress`.',
  },
  {
    key: 'MAILROUTE_PLANS',
    defaultText: 'built-in `standard` and `top`',
    doc: 'Path to a JSON array of plans: `name`, `dailyLimit`, `maxDomains`, `maxRelaysPerDomain`.',
  },
  {
    key: 'MAILROUTE_SHAPING',
    defaultText: 'the built-in rules only',
    doc: 'Path to a JSON array of destination shaping rules (`id`, `domains`, `mxSuffixes`, `maxConnections`, `messagesPerConnection`, `ratePerMinute`, `pushback`); they come before the built-in ones and replace those with the same `id`.',
  },
  {
    key: 'MAILROUTE_PLATFORM_ADMIN_ORGS',
    defaultText: '(none)',
    doc: 'Orgs (ids or names, comma-separated) whose admins are platform admins: they may resume a paused destination in the console. Without any, only `mailroute shaping resume` does.',
  },
  {
    key: 'MAILROUTE_SHARED_LIMITS',
    defaultText: 'on',
    doc: '`on`: connection and rate limits of relays and destinations hold across all worker processes (leases and tokens in the database). `off`: each process keeps its own, as before issue 21 (for benchmarks).',
  },
  {
    key: 'MAILROUTE_DEFAULT_PLAN',
    defaultText: 'standard',
    doc: 'Plan of org `default` and of orgs created without `--plan`.',
  },
  {
    key: 'MAILROUTE_TIMEZONE',
    defaultText: 'Asia/Tokyo',
    doc: 'Time zone of new orgs ("today" for caps and suspensions).',
  },
  {
    key: 'MAILROUTE_RELAY_PORTS',
    defaultText: '25,465,587',
    doc: 'Ports a relay may use, comma-separated; `any` allows every port (test setups).',
  },
  {
    key: 'MAILROUTE_RELAY_HOSTS',
    defaultText: 'any',
    doc: '`any`, or `public-only` to refuse private and loopback addresses for relays, bounce mailboxes, webhooks and the MX hosts of `direct` delivery. Link-local addresses are always refused.',
  },
  {
    key: 'MAILROUTE_CLAMD',
    defaultText: '(off)',
    doc: 'ClamAV daemon: `tcp://host:port` or a socket path; attachments and bodies of `POST /api/v1/messages` (bodies of mass email) are scanned at submission when set, and refused when it is unreachable.',
  },
  {
    key: 'MAILROUTE_CLAMD_TIMEOUT_SECONDS',
    defaultText: '30',
    doc: 'How long one scan may take (connect, stream, verdict) before the submission is refused with 503.',
  },
  {
    key: 'MAILROUTE_DNS_SERVERS',
    defaultText: "(the system's)",
    doc: 'DNS resolvers to use, comma-separated `ip[:port]`.',
  },
  {
    key: 'MAILROUTE_DOMAIN_VERIFICATION',
    defaultText: 'dns',
    doc: '`dns` (TXT record), or `off` for a single-org install: domains count as verified when added.',
  },
  {
    key: 'MAILROUTE_BOOTSTRAP_API_KEY',
    defaultText: '(none)',
    doc: 'On first start, an admin API key of org `default` with this value (at least 16 characters).',
  },
  {
    key: 'MAILROUTE_BOOTSTRAP_ADMIN_EMAIL',
    defaultText: '(none)',
    doc: 'On first start, an admin console user of org `default` with this email…',
  },
  {
    key: 'MAILROUTE_BOOTSTRAP_ADMIN_PASSWORD',
    defaultText: '(none)',
    doc: '…and this password (at least 8 characters).',
  },
  {
    key: 'MAILROUTE_OAUTH_GMAIL_CLIENT_ID',
    defaultText: '(none: Gmail sign-in off)',
    doc: 'OAuth client of the Gmail relay sign-in (R2).',
  },
  { key: 'MAILROUTE_OAUTH_GMAIL_CLIENT_SECRET', defaultText: '(none)', doc: 'Its client secret.' },
  {
    key: 'MAILROUTE_OAUTH_GMAIL_AUTH_URL',
    defaultText: "Google's authorization endpoint",
    doc: 'Authorization endpoint (a local one in tests).',
  },
  { key: 'MAILROUTE_OAUTH_GMAIL_TOKEN_URL', defaultText: "Google's token endpoint", doc: 'Token endpoint.' },
  {
    key: 'MAILROUTE_OAUTH_MICROSOFT365_CLIENT_ID',
    defaultText: '(none: Microsoft 365 sign-in off)',
    doc: 'OAuth client of the Microsoft 365 relay sign-in.',
  },
  { key: 'MAILROUTE_OAUTH_MICROSOFT365_CLIENT_SECRET', defaultText: '(none)', doc: 'Its client secret.' },
  {
    key: 'MAILROUTE_OAUTH_MICROSOFT365_AUTH_URL',
    defaultText: "Microsoft's authorization endpoint",
    doc: 'Authorization endpoint.',
  },
  {
    key: 'MAILROUTE_OAUTH_MICROSOFT365_TOKEN_URL',
    defaultText: "Microsoft's token endpoint",
    doc: 'Token endpoint.',
  },
  {
    key: 'MAILROUTE_MAX_MESSAGE_BYTES',
    defaultText: '26214400 (25 MiB)',
    doc: 'Largest message accepted (text, HTML and decoded attachments).',
  },
  {
    key: 'MAILROUTE_MASS_INTAKE_CHUNK',
    defaultText: '10000',
    doc: 'Recipients of a big mass email (a body over 1 MiB, or chunked) checked and queued together while its body is read.',
  },
  {
    key: 'MAILROUTE_COMPLAINT_MIN_DELIVERED',
    defaultText: '1000',
    doc: 'Mass emails an org must have delivered in its day before the complaint-rate guard warns (over 0.1%) or pauses its mass email (over 0.3%).',
  },
  {
    key: 'MAILROUTE_EHLO_NAME',
    defaultText: "the machine's host name",
    doc: 'Name mailroute gives in EHLO to relays and receiving servers.',
  },
  {
    key: 'MAILROUTE_NOTIFY_FROM',
    defaultText: 'mailroute@<bounce domain>',
    doc: "Sender of mailroute's own notices to admins (relay suspended…), sent through platform delivery.",
  },
  {
    key: 'MAILROUTE_DIRECT_PORT',
    defaultText: '25',
    doc: 'Port of receiving servers for `direct` MX delivery (another only for test setups).',
  },
  {
    key: 'MAILROUTE_MTA_STS_TEST_PORT',
    defaultText: '443',
    doc: 'Test setups only: the port of the HTTPS server MTA-STS policies are fetched from (`https://mta-sts.<domain>/.well-known/mta-sts.txt`).',
  },
  {
    key: 'MAILROUTE_MTA_STS_TEST_CA',
    defaultText: '(none: the system CAs only)',
    doc: 'Test setups only: PEM file of a private CA trusted besides the system CAs for the MTA-STS policy fetch and for MX certificates under an `enforce` policy.',
  },
  {
    key: 'MAILROUTE_SMTP_TIMEOUT_SECONDS',
    defaultText: '30',
    doc: 'Outgoing SMTP: how long to wait to connect and for the greeting; a stalled reply waits twice as long.',
  },
  {
    key: 'MAILROUTE_WEBHOOK_SES_TOPIC_ARNS',
    defaultText: '(none: Amazon SES webhook off)',
    doc: 'SNS topics whose notifications `POST /api/v1/webhooks/ses` accepts, comma-separated ARNs; anything else is refused.',
  },
  {
    key: 'MAILROUTE_WEBHOOK_SES_CERT_HOSTS',
    defaultText: '`^sns\\.[a-z0-9-]+\\.amazonaws\\.com$`',
    doc: 'Regular expression for the host of SNS signing certificate and subscription URLs (https; plain http only for loopback hosts, in tests).',
  },
  {
    key: 'MAILROUTE_WEBHOOK_SENDGRID_PUBLIC_KEY',
    defaultText: '(none: SendGrid webhook off)',
    doc: 'Verification key of the signed event webhook (base64 DER or PEM, ECDSA P-256).',
  },
  {
    key: 'MAILROUTE_WEBHOOK_MAILGUN_SIGNING_KEY',
    defaultText: '(none: Mailgun webhook off)',
    doc: 'HTTP webhook signing key (HMAC-SHA256 of timestamp and token).',
  },
  {
    key: 'MAILROUTE_WEBHOOK_POSTMARK_USER',
    defaultText: '(none: Postmark webhook off)',
    doc: 'Basic-auth user name that Postmark webhook URLs must carry (Postmark does not sign)…',
  },
  { key: 'MAILROUTE_WEBHOOK_POSTMARK_PASSWORD', defaultText: '(none)', doc: '…and its password.' },
  {
    key: 'MAILROUTE_WORKER_PROCESSES',
    defaultText: 'auto (1 on SQLite; the cores, at most 4, on PostgreSQL)',
    doc: '`start` runs this many delivery workers: itself and the rest as child processes.',
  },
  { key: 'MAILROUTE_WORKER_CONCURRENCY', defaultText: '64', doc: 'Deliveries one process sends at once.' },
  { key: 'MAILROUTE_SESSION_HOURS', defaultText: '12', doc: 'Lifetime of a console session.' },
  {
    key: 'MAILROUTE_SIGNIN_ACCOUNT_FAILURES',
    defaultText: '5',
    doc: 'Failed sign-ins to one account (email) before it must wait (429, `Retry-After`): 15 s, doubling with each further failure. From an address the account signed in from within 30 days, only its failures from there count.',
  },
  {
    key: 'MAILROUTE_SIGNIN_ADDRESS_FAILURES',
    defaultText: '20',
    doc: 'Failed sign-ins from one client address, to any account, before it must wait the same way.',
  },
  {
    key: 'MAILROUTE_SIGNIN_MAX_WAIT_SECONDS',
    defaultText: '900',
    doc: 'The longest wait the sign-in throttle imposes after one failure.',
  },
  {
    key: 'MAILROUTE_METRICS_TOKEN',
    defaultText: '(none: loopback clients only)',
    doc: '`GET /metrics` (Prometheus) then needs `Authorization: Bearer <token>` (at least 16 characters), from any address. Unset, only loopback clients may read it.',
  },
  {
    key: 'MAILROUTE_LOG_LEVEL',
    defaultText: 'info',
    doc: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
  },
];

export const relayPortsSchema = z.string().transform((s, ctx): 'any' | number[] => {
  if (s.trim().toLowerCase() === 'any') return 'any';
  const parts = s.split(',').map((p) => p.trim());
  const ports = parts.map(Number);
  if (parts.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    ctx.addIssue({ code: 'custom', message: 'must be `any` or a comma-separated list of ports 1-65535' });
    return z.NEVER;
  }
  return [...new Set(ports)].sort((a, b) => a - b);
});

export const configSchema = z.object({
  MAILROUTE_HTTP_PORT: port('MAILROUTE_HTTP_PORT').default(8080),
  MAILROUTE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  MAILROUTE_HTTP_GRACE_SECONDS: z.coerce
    .number()
    .min(0, 'must be 0 or more seconds')
    .max(300, 'must be at most 300')
    .default(10),
  MAILROUTE_PUBLIC_URL: optionalText.pipe(z.url('must be an http(s) URL').optional()),
  MAILROUTE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalText,
  MAILROUTE_PLATFORM_SMTP: z
    .string()
    .default('direct')
    .refine((v) => v === 'direct' || /^smtps?:\/\/[^/\s]+(:\d+)?\/?$/.test(v), {
      message: 'must be `direct` or `smtp://host:port` / `smtps://host:port`',
    }),
  MAILROUTE_BOUNCE_SMTP_PORT: port('MAILROUTE_BOUNCE_SMTP_PORT').default(2525),
  MAILROUTE_BOUNCE_SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  MAILROUTE_SUBMISSION_PORT: portOrOff('MAILROUTE_SUBMISSION_PORT').default(2587),
  MAILROUTE_SUBMISSION_HOST: z.string().min(1).default('127.0.0.1'),
  MAILROUTE_SUBMISSION_TLS_PORT: portOrOff('MAILROUTE_SUBMISSION_TLS_PORT').default('off'),
  MAILROUTE_SUBMISSION_TLS_CERT: optionalText,
  MAILROUTE_SUBMISSION_TLS_KEY: optionalText,
  MAILROUTE_BOUNCE_MAX_CONNECTIONS: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 100000')
    .max(100_000, 'must be between 1 and 100000')
    .default(200),
  MAILROUTE_BOUNCE_MAX_CONNECTIONS_PER_IP: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 100000')
    .max(100_000, 'must be between 1 and 100000')
    .default(20),
  MAILROUTE_BOUNCE_COMMAND_TIMEOUT_SECONDS: z.coerce
    .number()
    .positive('must be a positive number of seconds')
    .max(600, 'must be at most 600')
    .default(30),
  MAILROUTE_BOUNCE_IDLE_TIMEOUT_SECONDS: z.coerce
    .number()
    .positive('must be a positive number of seconds')
    .max(3600, 'must be at most 3600')
    .default(60),
  MAILROUTE_BOUNCE_MAILBOX_POLL_SECONDS: z.coerce
    .number()
    .min(1, 'must be at least 1 second')
    .max(86_400, 'must be at most 86400 (a day)')
    .default(60),
  MAILROUTE_MASTER_KEY: optionalText,
  MAILROUTE_DATACENTERS: optionalText,
  MAILROUTE_PLANS: optionalText,
  MAILROUTE_SHAPING: optionalText,
  MAILROUTE_PLATFORM_ADMIN_ORGS: optionalText,
  MAILROUTE_SHARED_LIMITS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  MAILROUTE_DEFAULT_PLAN: z.string().min(1).default('standard'),
  MAILROUTE_TIMEZONE: z
    .string()
    .default('Asia/Tokyo')
    .refine(isValidTimeZone, { message: 'must be an IANA time zone such as Asia/Tokyo or UTC' }),
  MAILROUTE_RELAY_PORTS: relayPortsSchema.default([25, 465, 587]),
  MAILROUTE_RELAY_HOSTS: z
    .enum(['any', 'public-only'], { error: 'must be `any` or `public-only`' })
    .default('any'),
  MAILROUTE_CLAMD: optionalText.refine((v) => v === undefined || parseClamdAddress(v) !== undefined, {
    message: 'must be `tcp://host:port` or an absolute socket path',
  }),
  MAILROUTE_CLAMD_TIMEOUT_SECONDS: z.coerce
    .number()
    .positive('must be a positive number of seconds')
    .max(600, 'must be at most 600')
    .default(30),
  MAILROUTE_DNS_SERVERS: optionalText.transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  ),
  MAILROUTE_DOMAIN_VERIFICATION: z.enum(['dns', 'off'], { error: 'must be `dns` or `off`' }).default('dns'),
  MAILROUTE_BOOTSTRAP_API_KEY: optionalText.pipe(
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  MAILROUTE_BOOTSTRAP_ADMIN_EMAIL: optionalText.pipe(z.email('must be an email address').optional()),
  MAILROUTE_BOOTSTRAP_ADMIN_PASSWORD: optionalText.pipe(
    z.string().min(8, 'must be at least 8 characters').optional(),
  ),
  MAILROUTE_OAUTH_GMAIL_CLIENT_ID: optionalText,
  MAILROUTE_OAUTH_GMAIL_CLIENT_SECRET: optionalText,
  MAILROUTE_OAUTH_GMAIL_AUTH_URL: httpUrl.default('https://accounts.google.com/o/oauth2/v2/auth'),
  MAILROUTE_OAUTH_GMAIL_TOKEN_URL: httpUrl.default('https://oauth2.googleapis.com/token'),
  MAILROUTE_OAUTH_MICROSOFT365_CLIENT_ID: optionalText,
  MAILROUTE_OAUTH_MICROSOFT365_CLIENT_SECRET: optionalText,
  MAILROUTE_OAUTH_MICROSOFT365_AUTH_URL: httpUrl.default(
    'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  ),
  MAILROUTE_OAUTH_MICROSOFT365_TOKEN_URL: httpUrl.default(
    'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  ),
  MAILROUTE_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int('must be a whole number of bytes')
    .min(1024, 'must be at least 1024')
    .default(26_214_400),
  MAILROUTE_MASS_INTAKE_CHUNK: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100_000, 'must be at most 100000')
    .default(10_000),
  MAILROUTE_COMPLAINT_MIN_DELIVERED: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(1000),
  MAILROUTE_EHLO_NAME: optionalText,
  MAILROUTE_NOTIFY_FROM: optionalText.pipe(z.email('must be an email address').optional()),
  MAILROUTE_DIRECT_PORT: port('MAILROUTE_DIRECT_PORT').default(25),
  MAILROUTE_MTA_STS_TEST_PORT: port('MAILROUTE_MTA_STS_TEST_PORT').default(443),
  MAILROUTE_MTA_STS_TEST_CA: optionalText,
  MAILROUTE_SMTP_TIMEOUT_SECONDS: z.coerce
    .number()
    .positive('must be a positive number of seconds')
    .max(600, 'must be at most 600')
    .default(30),
  MAILROUTE_WEBHOOK_SES_TOPIC_ARNS: optionalText.transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  ),
  MAILROUTE_WEBHOOK_SES_CERT_HOSTS: z
    .string()
    .default('^sns\\.[a-z0-9-]+\\.amazonaws\\.com$')
    .refine(
      (v) => {
        try {
          new RegExp(v);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'must be a regular expression' },
    ),
  MAILROUTE_WEBHOOK_SENDGRID_PUBLIC_KEY: optionalText,
  MAILROUTE_WEBHOOK_MAILGUN_SIGNING_KEY: optionalText,
  MAILROUTE_WEBHOOK_POSTMARK_USER: optionalText,
  MAILROUTE_WEBHOOK_POSTMARK_PASSWORD: optionalText,
  MAILROUTE_WORKER_PROCESSES: z
    .string()
    .default('auto')
    .transform((v, ctx) => {
      if (v === 'auto') return 'auto' as const;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 32) {
        ctx.addIssue({ code: 'custom', message: 'must be `auto` or a whole number from 1 to 32' });
        return z.NEVER;
      }
      return n;
    }),
  MAILROUTE_WORKER_CONCURRENCY: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 1000')
    .max(1000, 'must be between 1 and 1000')
    .default(64),
  MAILROUTE_SESSION_HOURS: z.coerce.number().positive('must be a positive number of hours').default(12),
  MAILROUTE_SIGNIN_ACCOUNT_FAILURES: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 1000')
    .max(1000, 'must be between 1 and 1000')
    .default(5),
  MAILROUTE_SIGNIN_ADDRESS_FAILURES: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 100000')
    .max(100000, 'must be between 1 and 100000')
    .default(20),
  MAILROUTE_SIGNIN_MAX_WAIT_SECONDS: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 86400')
    .max(86400, 'must be between 1 and 86400')
    .default(900),
  MAILROUTE_METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  MAILROUTE_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});
