/**
 * Which SMTP command a failure answered, read from the wording MTAs use to say so: Postfix's
 * "(in reply to end of DATA command)" and "refused to talk to me", Exim's "after RCPT TO:<…>:" (also
 * "after pipelined …"), qmail's "does not like recipient." and "Connected to … but sender was
 * rejected.", Sendmail's transcript (">>> DATA" then "<<< 550 …", pipelined commands paired with
 * their replies in order), "did not like our final DATA". '' when the text does not say.
 */
export type SmtpCommand = '' | 'CONN' | 'EHLO' | 'MAIL' | 'RCPT' | 'DATA';

const said: readonly [SmtpCommand, RegExp][] = [
  [
    'DATA',
    /in reply to (end of )?(DATA|BDAT)\b|after (pipelined )?(end of )?(data|BDAT)\b|final DATA|SMTP command:? DATA|(after|at) DATA\b|DATA command|failed after I sent the message|failed on DATA command/i,
  ],
  [
    'RCPT',
    /in reply to RCPT\b|after (pipelined )?RCPT\b|RCPT TO (response|command)|SMTP command:? RCPT|RCPT command|does not like recipient/i,
  ],
  [
    'MAIL',
    /in reply to MAIL\b|after (pipelined )?MAIL\b|SMTP command:? MAIL|MAIL FROM command|but sender was rejected/i,
  ],
  ['EHLO', /in reply to (EHLO|HELO|LHLO)\b|after (EHLO|HELO|LHLO)\b|but my name was rejected/i],
  [
    'CONN',
    /(?:in reply to|after) (initial )?(connection|greeting|banner)|refused to talk to me|but greeting failed/i,
  ],
];

function commandOf(verb: string): SmtpCommand {
  const v = verb.toUpperCase();
  if (v === 'RCPT' || v === 'DATA' || v === 'MAIL') return v;
  if (v === 'BDAT') return 'DATA';
  if (v === 'EHLO' || v === 'HELO' || v === 'LHLO') return 'EHLO';
  return '';
}

/**
 * A session transcript (`>>> command`, `<<< reply`): each complete reply answers the oldest command
 * still waiting, so pipelined commands (`>>> MAIL`, `>>> RCPT`, `>>> DATA`, then their replies) are
 * paired right. The command of the first 4xx/5xx reply.
 */
function fromTranscript(text: string): SmtpCommand {
  const waiting: string[] = [];
  for (const line of text.split('\n')) {
    const sent = /^\s*>>>\s*([A-Za-z]+)/.exec(line);
    if (sent) {
      waiting.push(sent[1]!);
      continue;
    }
    const reply = /^\s*<<<\s*([2-5])\d\d(-?)/.exec(line);
    if (!reply || reply[2] === '-') continue; // a continuation line of a multi-line reply
    const verb = waiting.shift();
    if (verb === undefined) continue; // the greeting, or a reply to a command not shown
    if (reply[1] === '4' || reply[1] === '5') return commandOf(verb);
  }
  return '';
}

export function smtpCommandIn(text: string): SmtpCommand {
  const t = fromTranscript(text);
  if (t) return t;
  for (const [command, re] of said) if (re.test(text)) return command;
  return '';
}
