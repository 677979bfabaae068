/**
 * Which SMTP command a failure answered, read from the wording MTAs use to say so: Postfix's
 * "(in reply to end of DATA command)", Exim's "after RCPT TO:", Sendmail's transcript
 * (">>> DATA" then "<<< 550 …"), "did not like our final DATA". '' when the text does not say.
 */
export type SmtpCommand = '' | 'CONN' | 'EHLO' | 'MAIL' | 'RCPT' | 'DATA';

const said: readonly [SmtpCommand, RegExp][] = [
  [
    'DATA',
    /in reply to (end of )?DATA\b|after (end of )?data\b|final DATA|SMTP command:? DATA|(after|at) DATA\b|DATA command/i,
  ],
  ['RCPT', /in reply to RCPT\b|after RCPT\b|RCPT TO (response|command)|SMTP command:? RCPT|RCPT command/i],
  ['MAIL', /in reply to MAIL\b|after MAIL\b|SMTP command:? MAIL|MAIL FROM command/i],
  ['EHLO', /in reply to (EHLO|HELO)\b|after (EHLO|HELO)\b/i],
  ['CONN', /(?:in reply to|after) (initial )?(connection|greeting|banner)/i],
];

function fromTranscript(text: string): SmtpCommand {
  const m = /^\s*>>>\s*([A-Za-z]+)[^\n]*\n(?:\s*<<<\s*[23]\d\d[^\n]*\n)*?\s*<<<\s*[45]\d\d/m.exec(text);
  if (!m) return '';
  const verb = m[1]!.toUpperCase();
  if (verb === 'RCPT' || verb === 'DATA' || verb === 'MAIL') return verb;
  if (verb === 'EHLO' || verb === 'HELO') return 'EHLO';
  return '';
}

export function smtpCommandIn(text: string): SmtpCommand {
  const t = fromTranscript(text);
  if (t) return t;
  for (const [command, re] of said) if (re.test(text)) return command;
  return '';
}
