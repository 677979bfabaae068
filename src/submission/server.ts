/**
 * The SMTP submission server (smtp-server): applications that speak SMTP send through mailroute
 * with the API's rules. STARTTLS on the submission port, optionally a port with implicit TLS; AUTH
 * PLAIN or LOGIN with an API key as the password (`credentials.ts`), over TLS or from loopback
 * only; RCPT TO are the recipients; the message goes through `submitRawMessage` (the intake, then
 * the one `enqueue`) and the 250 after DATA, carrying mailroute's message id, is sent only once it
 * is durable, as the API's 202. Each refusal is an SMTP reply with an enhanced status code naming
 * the problem (`domain/submission-rules.ts`).
 */
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AppContext } from '../context.js';
import { AppError } from '../domain/errors.js';
import { parseAddress } from '../domain/mailbox.js';
import {
  answerFor,
  clearAuthRefusal,
  type SmtpAnswer,
  SUBMISSION_MAX_RECIPIENTS,
} from '../domain/submission-rules.js';
import { type RawOutcome, type RawSubmission, submitRawMessages } from '../intake/submit-raw.js';
import { batches } from './batches.js';
import { submissionCertificate } from './certificate.js';
import { authenticate, type Sender } from './credentials.js';
import { parseSubmission } from './parse.js';

export interface SubmissionServer {
  /** The bound ports: `port` with STARTTLS, `tlsPort` with implicit TLS. */
  port: number | undefined;
  tlsPort: number | undefined;
  close(): Promise<void>;
}

class Reply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

const reply = (a: SmtpAnswer) => new Reply(a.code, a.message);
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

/**
 * smtp-server puts an enhanced status code chosen by the reply code before every reply; mailroute's
 * replies carry their own (550 5.7.1 is not 550 5.1.1), so a text that starts with one is sent as it is.
 */
function keepOwnEnhancedCodes(server: SMTPServer): void {
  const connect = server.connect.bind(server);
  server.connect = (socket, options) => {
    const before = new Set(server.connections);
    connect(socket, options);
    for (const c of server.connections) {
      if (before.has(c)) continue;
      const conn = c as unknown as { send(code: number, data: unknown, context?: unknown): void };
      const send = conn.send.bind(conn);
      conn.send = (code, data, context) =>
        send(code, data, typeof data === 'string' && ENHANCED.test(data) ? false : context);
    }
  };
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  // Over the limit: smtp-server answers 552 5.3.4 itself.
  return stream.sizeExceeded ? undefined : Buffer.concat(chunks);
}

export interface SubmissionOptions {
  port?: number | 'off';
  tlsPort?: number | 'off';
  /**
   * Which client addresses may AUTH without TLS (default: loopback). Tests narrow it to
   * 127.0.0.1 to see a client on 127.0.0.2 as a remote one, contacting only loopback.
   */
  clearAuthFrom?: (address: string) => boolean;
}

export async function startSubmissionServer(
  ctx: AppContext,
  o: SubmissionOptions = {},
): Promise<SubmissionServer | undefined> {
  const cfg = ctx.config.submission;
  const port = o.port ?? cfg.port;
  const tlsPort = o.tlsPort ?? cfg.tlsPort;
  if (port === 'off' && tlsPort === 'off') return undefined;
  const log = ctx.log.child({ component: 'submission' });
  const certificate = await submissionCertificate(ctx);
  const maxBytes = ctx.config.maxMessageBytes;
  // Sessions that finish a message together share its transaction and sync; one wake-up per batch.
  // One batch at a time: the messages that arrive during a batch's write and sync make the next,
  // larger, batch. Two at a time overlapped the sync but halved the batches, and the per-batch
  // statements and commits cost more CPU a message (3.4 against 2.8 ms in the benchmark).
  // The intake wakes the workers for what it queued, or hands it to this process's worker itself.
  const submit = batches<{ actor: Sender; submission: RawSubmission }, RawOutcome>(
    (items) => submitRawMessages(ctx, items),
    { max: 64, inFlight: 1 },
  );

  const make = (secure: boolean) => {
    const server: SMTPServer = new SMTPServer({
      name: ctx.config.ehloName,
      banner: 'mailroute submission',
      secure,
      key: certificate.key,
      cert: certificate.cert,
      size: maxBytes,
      authMethods: ['PLAIN', 'LOGIN'],
      // mailroute checks itself (to answer 538 5.7.11, and let loopback clients in).
      allowInsecureAuth: true,
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: true,
      socketTimeout: 60_000,
      closeTimeout: 5_000,
      logger: false,
      onAuth(auth, session, done) {
        const refusal = clearAuthRefusal(session.remoteAddress, session.secure, o.clearAuthFrom);
        if (refusal) return done(new Reply(538, refusal));
        authenticate(ctx, session.remoteAddress, auth.username ?? '', auth.password ?? '').then(
          (r) => ('sender' in r ? done(null, { user: r.sender }) : done(reply(r))),
          (err) => {
            log.error({ err, event: 'submission.auth_error' }, 'SMTP authentication could not be checked');
            done(new Reply(454, '4.7.0 Temporary authentication failure; try again later'));
          },
        );
      },
      onMailFrom(_address, session, done) {
        if (!session.user)
          return done(new Reply(530, '5.7.0 Authentication required: AUTH with an API key first'));
        done();
      },
      onRcptTo(address, session, done) {
        const a = address.address;
        const at = a.lastIndexOf('@');
        if (/[^\u0020-\u007e]/.test(a.slice(0, Math.max(at, 0))))
          return done(new Reply(553, `5.6.7 <${a}>: addresses with a non-ASCII local part are not accepted`));
        const parsed = parseAddress(a);
        if (typeof parsed === 'string') return done(new Reply(553, `5.1.3 <${a}>: ${parsed}`));
        if (session.envelope.rcptTo.length >= SUBMISSION_MAX_RECIPIENTS)
          return done(
            new Reply(
              452,
              `4.5.3 Too many recipients: at most ${SUBMISSION_MAX_RECIPIENTS} per message; send the rest in another`,
            ),
          );
        done();
      },
      onData(stream, session, done) {
        receive(stream, session).then(
          (text) => done(null, text),
          (err: unknown) =>
            done(err instanceof Reply ? err : new Reply(451, '4.3.0 Temporary failure; try again later')),
        );
      },
    });
    server.on('error', (err) =>
      log.warn({ err, event: 'submission.server_error' }, 'submission server error'),
    );
    // Replies are small writes: without this, Nagle's algorithm and the client's delayed ACK hold
    // each one up to 40 ms, which for a pipelined session is most of the time per message.
    server.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
    keepOwnEnhancedCodes(server);
    return server;
  };

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const sender = session.user as unknown as Sender;
    const data = await readAll(stream);
    if (!data) throw new Reply(552, `5.3.4 Message too big: the limit is ${maxBytes} bytes`);
    const parsed = await parseSubmission(data, sender.defaultType, ctx.config.clamd !== undefined);
    if ('code' in parsed) throw reply(parsed);
    const recipients = session.envelope.rcptTo.map((r) => {
      const p = parseAddress(r.address);
      if (typeof p === 'string') throw new Reply(553, `5.1.3 <${r.address}>: ${p}`);
      return p;
    });
    const outcome = await submit({
      actor: sender,
      submission: { ...parsed, recipients, maxRecipients: SUBMISSION_MAX_RECIPIENTS },
    });
    if ('accepted' in outcome) {
      const accepted = outcome.accepted;
      log.info(
        {
          event: 'submission.accepted',
          messageId: accepted.messageId,
          orgId: sender.orgId,
          apiKey: sender.id,
          recipients: accepted.deliveries.length,
          suppressed: accepted.suppressed.length,
          remoteAddress: session.remoteAddress,
        },
        'message accepted over SMTP',
      );
      return `2.0.0 Ok: queued as ${accepted.messageId}`;
    }
    const err = outcome.error;
    if (err instanceof AppError) {
      log.info(
        { event: 'submission.refused', orgId: sender.orgId, code: err.code, reason: err.message },
        'message refused over SMTP',
      );
      throw reply(answerFor(err.code, err.message, err.details));
    }
    log.error({ err, event: 'submission.failed' }, 'SMTP submission failed');
    throw err;
  }

  const listening: SMTPServer[] = [];
  const listen = async (server: SMTPServer, p: number): Promise<number> => {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.server.once('error', onError);
      server.listen(p, cfg.host, () => {
        server.server.off('error', onError);
        resolve();
      });
    });
    listening.push(server);
    return (server.server.address() as AddressInfo).port;
  };
  const close = () =>
    Promise.all(listening.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(
      () => undefined,
    );
  try {
    const bound = port === 'off' ? undefined : await listen(make(false), port);
    const tlsBound = tlsPort === 'off' ? undefined : await listen(make(true), tlsPort);
    log.info(
      {
        event: 'submission.listening',
        host: cfg.host,
        port: bound,
        tlsPort: tlsBound,
        certificate: certificate.origin,
      },
      `SMTP submission on ${cfg.host}:${bound ?? '-'} (STARTTLS), ${tlsBound ?? '-'} (TLS)`,
    );
    return { port: bound, tlsPort: tlsBound, close };
  } catch (err) {
    await close();
    throw err;
  }
}
