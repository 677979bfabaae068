/** `mailroute send`: submit one email from the command line, as the operator, into an org's queue. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { AppError } from '../../domain/errors.js';
import { messageSubmitSchema } from '../../schemas/messages.js';

interface SendOptions {
  from: string;
  to: string[];
  subject: string;
  text?: string;
  html?: string;
  type: string;
  org: string;
}

export function registerSendCommand(program: Command): void {
  program
    .command('send')
    .description('queue an email (a running `start` or `worker` delivers it)')
    .requiredOption('--from <address>', 'sender, on a verified domain of the org')
    .requiredOption('--to <address...>', 'recipients')
    .requiredOption('--subject <text>', 'subject')
    .option('--text <text>', 'plain-text body')
    .option('--html <html>', 'HTML body')
    .option('--type <type>', 'workflow, mass or individual', 'individual')
    .option('--org <name>', 'org name', 'default')
    .action(async (o: SendOptions) => {
      const parsed = messageSubmitSchema.safeParse({
        type: o.type,
        from: o.from,
        to: o.to,
        subject: o.subject,
        text: o.text,
        html: o.html,
      });
      if (!parsed.success)
        throw new AppError(
          'validation_failed',
          parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
      const config = loadConfig();
      const { openContext } = await import('../../open-context.js');
      const { submitMessage } = await import('../../intake/submit.js');
      const { findOrgByName } = await import('../../store/repos/orgs.js');
      const ctx = await openContext(config, { existing: true });
      try {
        const org = await findOrgByName(ctx.store.db, o.org);
        if (!org) throw new AppError('not_found', `org "${o.org}" not found`);
        const actor = {
          kind: 'user' as const,
          id: 'cli',
          orgId: org.id,
          role: 'admin' as const,
          label: 'command line',
        };
        const accepted = await submitMessage(ctx, actor, parsed.data);
        console.log(
          JSON.stringify({
            id: accepted.messageId,
            deliveries: accepted.deliveries.map((d) => ({ id: d.id, recipient: d.recipient })),
          }),
        );
        if (org.disabled_at !== null)
          console.error(`mailroute: org "${org.name}" is disabled; the message is held until \`org enable\``);
      } finally {
        await ctx.store.close();
      }
    });
}
