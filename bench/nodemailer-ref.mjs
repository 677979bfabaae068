// Reference: a plain nodemailer pool sending the same messages straight to the sink.
import nodemailer from 'nodemailer';

export async function nodemailerReference(sink, n, body) {
  const t = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: sink.port,
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
      await t.sendMail({
        from: 'news@bench.example',
        to: `r${i}@example.net`,
        subject: 'benchmark',
        text: body,
        headers: { 'X-Mailroute-Delivery': `ref_${i}` },
      });
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  while (sink.arrivals.size < n) await new Promise((r) => setTimeout(r, 10));
  const seconds = (performance.now() - t0) / 1000;
  t.close();
  return { rate: n / seconds };
}
