// Reference: a plain nodemailer pool sending the same messages straight to the sink.
import { sendAll } from './smtp-load.mjs';

export function nodemailerReference(sink, n, body, message) {
  return sendAll({ port: sink.port, n, body, tag: 'ref', sink, message });
}
