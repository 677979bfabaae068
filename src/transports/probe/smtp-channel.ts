/**
 * One SMTP conversation over a socket (plain or TLS): writes command lines and reads replies,
 * multi-line ones whole, each read bounded by the step timeout. A line that is not an SMTP reply is
 * returned as a reply with code 0. Owns nothing else: steps decide what a reply means.
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { ProbeIssue } from './explanations.js';
import { errorCode, errorMessage, ProbeFailure } from './failure.js';

export interface SmtpReply {
  code: number;
  /** The reply as sent, lines joined with `\n`. */
  text: string;
  /** The text of each line without its code, e.g. the EHLO keywords. */
  lines: string[];
}

const MAX_PENDING_CHARS = 64 * 1024;
const REPLY_LINE = /^(\d{3})([ -])(.*)$/;

interface Waiter {
  resolve: (reply: SmtpReply) => void;
  reject: (failure: ProbeFailure) => void;
}

export class SmtpChannel {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private partial: string[] = [];
  private readonly replies: SmtpReply[] = [];
  private waiter: Waiter | undefined;
  private ended: ProbeFailure | undefined;
  private readonly onData = (chunk: Buffer) => this.receive(this.decoder.write(chunk));
  private readonly onError = (error: Error) => this.end(socketFailure(error));
  private readonly onClose = () => this.end(new ProbeFailure('connection-closed', { detail: closedDetail }));

  constructor(
    readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  get open(): boolean {
    return this.ended === undefined && !this.socket.destroyed;
  }

  /** The next reply; `onTimeout` names the issue when none comes in time. */
  read(onTimeout: ProbeIssue = 'reply-timeout'): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new ProbeFailure(onTimeout, { detail: `no reply within ${this.timeoutMs} ms` }));
      }, this.timeoutMs);
      this.waiter = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (failure) => {
          clearTimeout(timer);
          reject(failure);
        },
      };
    });
  }

  /** Sends one command line and reads its reply. */
  command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  /** Hands the socket over (for the STARTTLS handshake); anything unread is dropped, never trusted. */
  detach(): Socket {
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
    this.ended = new ProbeFailure('unexpected', { detail: 'the connection was handed over' });
    return this.socket;
  }

  private receive(text: string): void {
    this.pending += text;
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.pending.slice(0, newline).replace(/\r$/, '');
      this.pending = this.pending.slice(newline + 1);
      this.receiveLine(line);
      newline = this.pending.indexOf('\n');
    }
    if (this.pending.length > MAX_PENDING_CHARS) {
      this.end(new ProbeFailure('not-smtp', { detail: 'the server sent a line longer than 64 KB' }));
      this.socket.destroy();
    }
  }

  private receiveLine(line: string): void {
    const match = REPLY_LINE.exec(line);
    if (!match) {
      this.deliver({ code: 0, text: [...this.partial, line].join('\n'), lines: [line] });
      return;
    }
    this.partial.push(line);
    if (match[2] === '-' && this.partial.length < 1000) return;
    const text = this.partial.join('\n');
    const lines = this.partial.map((l) => l.slice(4));
    this.partial = [];
    this.deliver({ code: Number(match[1]), text, lines });
  }

  private deliver(reply: SmtpReply): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter.resolve(reply);
    else this.replies.push(reply);
  }

  private end(failure: ProbeFailure): void {
    this.ended ??= failure;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.ended);
  }
}

const closedDetail = 'the server closed the connection';

function socketFailure(error: Error): ProbeFailure {
  const code = errorCode(error);
  const detail = code ? `${code}: ${errorMessage(error)}` : errorMessage(error);
  return new ProbeFailure('connection-closed', { detail });
}
