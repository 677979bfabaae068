/**
 * The mbox format, mboxrd flavour (as in qmail's and mutt's readers): each message starts with a
 * `From <envelope sender> <asctime date>` line and ends with an empty line; lines of the message
 * that start with `From `, after any number of `>`, get one more `>` so a reader can undo it
 * exactly. Line ends become LF. Bytes are handled as latin1 so any 8-bit content passes unchanged.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

/** `Sat Nov 28 07:17:08 2026`, in UTC (C's asctime, day of month padded with a space). */
export function asctime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(
    d.getUTCHours(),
  )}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The From_ line; a sender that is empty or has spaces becomes `MAILER-DAEMON`. */
export function fromLine(sender: string, ms: number): string {
  const s = sender && !/\s/.test(sender) ? sender : 'MAILER-DAEMON';
  return `From ${s} ${asctime(ms)}\n`;
}

/** One mbox entry: From_ line, the message with LF line ends and mboxrd quoting, an empty line. */
export function mboxEntry(sender: string, ms: number, raw: Buffer): Buffer {
  let text = raw
    .toString('latin1')
    .replace(/\r\n/g, '\n')
    .replace(/^(>*From )/gm, '>$1');
  if (!text.endsWith('\n')) text += '\n';
  return Buffer.from(`${fromLine(sender, ms)}${text}\n`, 'latin1');
}
