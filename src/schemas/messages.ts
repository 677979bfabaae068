/**
 * Submitting mail (SPEC §3 `POST /api/v1/messages`, `POST /api/v1/mass-emails`) and reading the
 * log. Addresses are checked for shape here and for header injection in `domain/mailbox.ts`.
 */
import { z } from 'zod';
import { hasControlCharacters, type Mailbox, parseMailbox } from '../domain/mailbox.js';
import { templateIssue } from '../domain/merge-fields.js';
import { bounceReasonSchema } from './bounce-reasons.js';
import { addCoded, coded } from './coded-check.js';
import type { AppliedRule } from './content-rules.js';
import { deliveryStatusSchema } from './delivery-statuses.js';
import { pageQuerySchema, pageSchema } from './pages.js';
import { emailTypeSchema } from './relays.js';
import { routeReasonsSchema } from './route-reasons.js';

/** The longest address taken, and the longest merge-field value or notice. */
const MAILBOX_MAX = 400;
const VALUE_MAX = 10_000;
/** A merge field's name. */
const FIELD_NAME = /^\w{1,64}$/;

const mailbox = z
  .string()
  .max(MAILBOX_MAX)
  .superRefine((s, ctx) => {
    const r = parseMailbox(s);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
  });

const oneLine = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(
      (s) => !hasControlCharacters(s),
      coded('control_characters', 'must not contain line breaks or control characters'),
    );

/** A text that `{{field}}` tags merge into: refused when a tag is malformed or reserved. */
export const mergeTemplate = <T extends z.ZodType<string>>(schema: T) =>
  schema.superRefine((s, ctx) => {
    const problem = templateIssue(s);
    if (problem) addCoded(ctx, problem);
  });

/** Custom `X-` headers, and the submitter's own `List-Unsubscribe` (kept as given; RFC 2369). */
const headerName = /^(X-[A-Za-z0-9-]{1,70}|List-Unsubscribe)$/;

export const attachmentSchema = z
  .object({
    filename: oneLine(255).min(1, 'must not be empty'),
    contentType: oneLine(255)
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type such as application/pdf')
      .default('application/octet-stream'),
    content: z.base64('must be base64'),
  })
  .strict();

const merged =
  "In a mass email, `{{field}}` tags (a name of 1 to 64 letters, digits and _; spaces inside the braces allowed) are replaced by each recipient's value in `recipients[].fields`; a field the recipient lacks merges as empty.";

const common = {
  from: mailbox,
  subject: mergeTemplate(oneLine(998)).describe(`Subject. ${merged}`),
  text: mergeTemplate(z.string().max(20_000_000)).optional().describe(`Plain-text body. ${merged}`),
  html: mergeTemplate(z.string().max(20_000_000))
    .optional()
    .describe(`HTML body. ${merged} Values are HTML-escaped.`),
  headers: z
    .record(z.string(), oneLine(998))
    .superRefine((h, ctx) => {
      for (const name of Object.keys(h)) {
        if (!headerName.test(name))
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'custom headers must be named X-… (or be List-Unsubscribe)',
          });
      }
    })
    .optional()
    .describe(
      'Extra X- headers, and your own List-Unsubscribe (kept; mailroute adds its one-click pair otherwise)',
    ),
  metadata: z
    .record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean()]))
    .optional(),
};

export const messageSubmitSchema = z
  .object({
    type: emailTypeSchema,
    ...common,
    to: z.array(mailbox).min(1, 'must name at least one recipient').max(1000),
    cc: z.array(mailbox).max(1000).optional(),
    bcc: z.array(mailbox).max(1000).optional(),
    replyTo: mailbox.optional(),
    attachments: z.array(attachmentSchema).max(100).optional(),
    force: z
      .boolean()
      .default(false)
      .describe('Send to suppressed addresses anyway (individual and workflow only)'),
  })
  .strict()
  .refine((m) => m.text !== undefined || m.html !== undefined, {
    message: 'give text or html',
    path: ['text'],
  });
export type MessageSubmit = z.infer<typeof messageSubmitSchema>;

/** The most recipients one mass email may name; bigger lists are split into several mass emails. */
export const MAX_MASS_RECIPIENTS = 1_000_000;

/** One recipient of a mass email; a streamed intake checks each with this same schema. */
export const massRecipientSchema = z
  .object({
    address: mailbox,
    fields: z
      .record(
        z.string().regex(FIELD_NAME, 'field names are letters, digits and _'),
        z.union([z.string().max(VALUE_MAX), z.number()], {
          error: 'must be text or a number',
        }),
      )
      .optional()
      .describe('Values for `{{name}}` tags: text, or numbers (written in decimal)'),
    notice: z.string().max(VALUE_MAX).optional(),
  })
  .strict();
export type MassRecipient = z.infer<typeof massRecipientSchema>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * A recipient of a big mass email as `massRecipientSchema` gives it back, with its parsed address,
 * when it plainly passes every rule of the schema (nearly all do); undefined for anything else,
 * which then goes to the schema to be checked and worded. Accepts nothing the schema refuses
 * (`test/unit/mass-recipient-check.test.ts`), at a fraction of its cost per recipient.
 */
export function plainMassRecipient(v: unknown): { recipient: MassRecipient; box: Mailbox } | undefined {
  if (!isPlainObject(v)) return undefined;
  for (const key in v) if (key !== 'address' && key !== 'fields' && key !== 'notice') return undefined;
  const { address, fields, notice } = v;
  if (typeof address !== 'string' || address.length > MAILBOX_MAX) return undefined;
  if (notice !== undefined && (typeof notice !== 'string' || notice.length > VALUE_MAX)) return undefined;
  if (fields !== undefined) {
    if (!isPlainObject(fields)) return undefined;
    for (const name in fields) {
      if (!FIELD_NAME.test(name)) return undefined;
      const value = fields[name];
      if (typeof value === 'string' ? value.length > VALUE_MAX : !Number.isFinite(value)) return undefined;
    }
  }
  const box = parseMailbox(address);
  if (typeof box === 'string') return undefined;
  return { recipient: v as MassRecipient, box };
}

const giveTextOrHtml = {
  check: (m: { text?: string; html?: string }) => m.text !== undefined || m.html !== undefined,
  params: { message: 'give text or html', path: ['text'] },
};

/** A mass email without its recipients: what a streamed intake checks once the body has been read. */
export const massEmailHeadSchema = z
  .object({ ...common, replyTo: mailbox.optional() })
  .strict()
  .refine(giveTextOrHtml.check, giveTextOrHtml.params);
export type MassEmailHead = z.infer<typeof massEmailHeadSchema>;

export const massEmailSchema = z
  .object({
    ...common,
    replyTo: mailbox.optional(),
    recipients: z
      .array(massRecipientSchema)
      .min(1, 'must name at least one recipient')
      .max(MAX_MASS_RECIPIENTS, `must name at most ${MAX_MASS_RECIPIENTS} recipients`)
      .describe(
        `At most ${MAX_MASS_RECIPIENTS.toLocaleString('en-US')} recipients. A big list is read as it arrives (put \`recipients\` last in the body for the least memory) and queued only once all of it is read and checked.`,
      ),
  })
  .strict()
  .refine(giveTextOrHtml.check, giveTextOrHtml.params);
export type MassEmail = z.infer<typeof massEmailSchema>;

export const submittedSchema = z.object({
  id: z.string(),
  deliveries: z.array(z.object({ id: z.string(), recipient: z.string(), status: deliveryStatusSchema })),
});

export const massSubmittedSchema = z.object({ id: z.string(), accepted: z.number(), suppressed: z.number() });

/** What is stored once per message and composed per delivery. */
export interface MessageContent {
  from: string;
  to: string[];
  cc: string[];
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; contentType: string; content: string }[];
  /** The org's content rules for this email type when it was submitted (R25), in the order they apply. */
  rules?: AppliedRule[];
  /** A message submitted whole over SMTP (base64): sent as it came, with mailroute's headers added. */
  raw?: string;
}

export const logQuerySchema = z.object({
  status: deliveryStatusSchema.optional(),
  type: z.enum(['workflow', 'mass', 'individual', 'system']).optional(),
  route: z.string().max(64).optional().describe('`platform` or a relay id'),
  recipient: z.string().max(320).optional().describe('Exact address, or a domain as `@example.com`'),
  subject: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Part of the subject as the recipient got it (after merge fields) or as submitted, any case'),
  messageId: z
    .string()
    .max(64)
    .optional()
    .describe('Only the deliveries of this message, e.g. one mass email (campaign)'),
  since: z.iso.datetime({ error: 'must be an ISO 8601 time' }).optional(),
  until: z.iso.datetime({ error: 'must be an ISO 8601 time' }).optional(),
  ...pageQuerySchema.shape,
});
export type LogQuery = z.infer<typeof logQuerySchema>;

export const mboxQuerySchema = z.object({
  since: z.iso.datetime({ error: 'must be an ISO 8601 time' }).optional().describe('Archived at or after'),
  until: z.iso.datetime({ error: 'must be an ISO 8601 time' }).optional().describe('Archived before'),
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe('Where to continue, from the `X-Mailroute-Next-Cursor` header of the previous part'),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be between 1 and 50000')
    .max(50_000, 'must be between 1 and 50000')
    .optional()
    .describe('Messages in this part at most (default and most 50,000)'),
});

/** The rule that classified a delivery's last reply, so that clients can explain it. */
export const lastReplyRuleSchema = z
  .string()
  .nullable()
  .describe(
    "The reply rule (`domain/smtp-reply-rules.ts`, e.g. conn.refused) that classified lastReply at the delivery's latest attempt; null: no reply, or a reply given without an attempt",
  );

export const logEntrySchema = z
  .object({
    messageId: z.string(),
    deliveryId: z.string(),
    type: z.string(),
    from: z.string(),
    subject: z.string().describe('The subject this recipient got, after merge fields'),
    recipient: z.string(),
    status: deliveryStatusSchema,
    route: z.string().nullable(),
    routeName: z.string().nullable(),
    attempts: z.number(),
    lastStatus: z.string().nullable(),
    lastReply: z.string().nullable(),
    lastReplyRule: lastReplyRuleSchema,
    routeReasons: routeReasonsSchema
      .nullable()
      .describe('Why the delivery took its route (null: not routed yet, or routed before reasons were kept)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LogEntry' });

export const logPageSchema = pageSchema(logEntrySchema);

export const attemptSchema = z.object({
  at: z.string(),
  route: z.string(),
  routeName: z.string(),
  host: z.string().nullable(),
  action: z.string(),
  status: z.string().nullable(),
  reply: z.string().nullable(),
  ruleId: z.string().nullable(),
  durationMs: z.number(),
  tlsVersion: z
    .string()
    .nullable()
    .describe('TLS version of the connection (TLSv1.3…); null: in clear, no connection, or not recorded'),
  tlsVerified: z
    .boolean()
    .nullable()
    .describe(
      "Whether the server's certificate was verified (false with tlsVersion null: sent in clear); null: not recorded",
    ),
});

export const bounceEntrySchema = z.object({
  status: z.string().describe('Enhanced status code, e.g. 5.1.1 (empty when the report gave none)'),
  action: z.string().describe('failed, delayed, delivered… as reported'),
  diagnosticCode: z.string(),
  class: z.enum(['hard', 'soft', 'complaint', 'auto-reply', 'delivered', 'unknown']),
  reason: bounceReasonSchema,
  source: z
    .string()
    .describe('`listener`, `api`, `webhook:<provider>`, `imap`, or `smtp` (refused while sending)'),
  at: z.string(),
});

export const messageDetailSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    from: z.string(),
    subject: z.string(),
    size: z.number(),
    submittedBy: z.string(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
    deliveries: z.array(
      z.object({
        id: z.string(),
        recipient: z.string(),
        status: deliveryStatusSchema,
        route: z.string().nullable(),
        routeName: z.string().nullable(),
        lastStatus: z.string().nullable(),
        lastReply: z.string().nullable(),
        nextAttemptAt: z.string().nullable(),
        sentAt: z.string().nullable(),
        routeReasons: routeReasonsSchema
          .nullable()
          .describe('Why the delivery took its route: every relay of the org, taken or passed over, and why'),
        archived: z.boolean(),
        attempts: z.array(attemptSchema),
        bounces: z.array(bounceEntrySchema),
      }),
    ),
  })
  .meta({ id: 'MessageDetail' });
export type MessageDetail = z.infer<typeof messageDetailSchema>;
