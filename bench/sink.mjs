// A loopback SMTP sink for the benchmark: accepts everything, records when each delivery arrived
// (by its X-Mailroute-Delivery header, or a count for mail without one).
import { SMTPServer } from 'smtp-server';

export async function startSink() {
  const arrivals = new Map();
  let count = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    maxClients: 1000,
    onData(stream, _session, cb) {
      let head = '';
      stream.on('data', (chunk) => {
        if (head.length < 4096) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        count++;
        const id = /X-Mailroute-Delivery: (\S+)/i.exec(head)?.[1];
        if (id && !arrivals.has(id)) arrivals.set(id, performance.now());
        cb(null, 'OK');
      });
    },
  });
  server.on('error', () => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.server.address().port,
    arrivals,
    count: () => count,
    reset() {
      arrivals.clear();
      count = 0;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
