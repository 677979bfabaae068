/**
 * `mailroute smtp classify "<reply>" [--command rcpt] [--path relay|platform] [--json]`: shows what
 * an SMTP reply or a sending error would do to a delivery (ZoneMTA's check-bounce, for replies).
 * `mailroute smtp rules [--json]` lists the rules in the order they are tried.
 * `mailroute smtp wording ["<text>"] [--json]` lists the groups of SMTP wording that replies and
 * bounces are both read with, or names the group a text uses.
 */
import { type Command, Option } from 'commander';
import {
  type Classification,
  classifyReply,
  type DeliveryPath,
  type ReplyInput,
  type SmtpStep,
} from '../../domain/smtp-reply.js';
import { smtpReplyRules } from '../../domain/smtp-reply-rules.js';
import { smtpWording, type Wording, wordingOf } from '../../domain/smtp-wording.js';

const steps: readonly SmtpStep[] = [
  'connect',
  'greeting',
  'ehlo',
  'starttls',
  'auth',
  'mail',
  'rcpt',
  'data',
  'message',
];

interface ClassifyOptions {
  command: SmtpStep;
  path: DeliveryPath;
  kind?: string;
  cause?: string;
  timeout?: string;
  json?: boolean;
}

/** Shell arguments cannot hold CR LF easily: accept `\r\n` and `\n` written out. */
function withLineBreaks(text: string): string {
  return text.replace(/\\r\\n|\\n/g, '\n');
}

function table(c: Classification): string {
  return [
    ['action', c.action],
    ['scope', c.scope],
    ['status', c.status],
    ['rule', c.ruleId],
    ['breaker', c.breaker ? 'yes (counts toward suspending the relay)' : 'no'],
    ['permanent', c.permanent ? 'yes' : 'no'],
    ['reason', c.reason],
  ]
    .map(([k, v]) => `${k!.padEnd(10)} ${v}`)
    .join('\n');
}

function wordingLine(w: Wording, json?: boolean): string {
  return json ? JSON.stringify({ id: w.id, meaning: w.meaning }) : `${w.id.padEnd(32)} ${w.meaning}`;
}

export function registerSmtpCommand(program: Command): void {
  const smtp = program.command('smtp').description('SMTP reply classification');
  smtp
    .command('classify')
    .description('show what a server reply or a sending error does to a delivery')
    .argument('[reply]', 'the reply as the server sent it, e.g. "550 5.1.1 user unknown"', '')
    .addOption(new Option('--command <step>', 'the step the reply answered').choices(steps).default('rcpt'))
    .addOption(
      new Option('--path <path>', 'where the delivery was sent')
        .choices(['relay', 'platform'])
        .default('relay'),
    )
    .option('--kind <code>', 'nodemailer error code, e.g. EAUTH, ESOCKET, ETIMEDOUT')
    .option('--cause <code>', 'underlying error code, e.g. ECONNREFUSED, CERT_HAS_EXPIRED')
    .option('--timeout <type>', 'nodemailer timeoutType, e.g. GREETING_TIMEOUT')
    .option('--json', 'print the classification as JSON')
    .action((reply: string, opts: ClassifyOptions) => {
      const input: ReplyInput = { path: opts.path, command: opts.command, text: withLineBreaks(reply) };
      if (opts.kind) input.errorKind = opts.kind.toUpperCase();
      if (opts.cause) input.errorCause = opts.cause.toUpperCase();
      if (opts.timeout) input.timeoutType = opts.timeout.toUpperCase();
      const result = classifyReply(input);
      console.log(opts.json ? JSON.stringify(result) : table(result));
    });
  smtp
    .command('rules')
    .description('list the classification rules in the order they are tried')
    .option('--json', 'one JSON line per rule')
    .action((opts: { json?: boolean }) => {
      for (const r of smtpReplyRules) {
        const path = r.when.path ?? 'any';
        const { action, breaker } = r.outcome;
        console.log(
          opts.json
            ? JSON.stringify({ id: r.id, path, action, breaker, reason: r.reason })
            : `${r.id.padEnd(30)} ${path.padEnd(9)} ${action.padEnd(9)} ${breaker ? 'breaker' : '       '} ${r.reason}`,
        );
      }
    });
  smtp
    .command('wording')
    .description('list the groups of SMTP wording, or name the group a reply or diagnostic uses')
    .argument('[text]', 'a reply or bounce diagnostic, e.g. "550 Relay access denied"')
    .option('--json', 'one JSON line per group')
    .action((text: string | undefined, opts: { json?: boolean }) => {
      if (text === undefined) {
        for (const w of smtpWording) console.log(wordingLine(w, opts.json));
        return;
      }
      const w = wordingOf(withLineBreaks(text));
      if (w) console.log(wordingLine(w, opts.json));
      else console.log(opts.json ? 'null' : 'no known wording');
    });
}
