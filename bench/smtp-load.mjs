// Sends n 1 KB messages over 10 pooled SMTP connections (64 in flight), each tagged with an id the
// sink records; returns when the sink has them all. Used by both reference measurements.
// `message(i)` (optional) gives the subject and text of message i, for personalized runs.
import nodemailer from 'nodemailer';

export async function sendAll({ port, n, body, tag, sink, message }) {
  const t = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    maxConnections: 10,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const m = message ? message(i) : { subject: 'benchmark', text: body };
      await t.sendMail({
        from: 'news@bench.example',
        to: `r${i}@example.net`,
        subject: m.subject,
        text: m.text,
        headers: { 'X-Mailroute-Delivery': `${tag}_${i}` },
      });
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const submitted = performance.now();
  while (sink.arrivals.size < n) await new Promise((r) => setTimeout(r, 10));
  t.close();
  return { rate: n / ((performance.now() - t0) / 1000), submitRate: n / ((submitted - t0) / 1000) };
}
