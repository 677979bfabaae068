/** Where clamd listens (SPEC §4 `MAILROUTE_CLAMD`): `tcp://host:port`, `unix:/path` or an absolute socket path. */
export type ClamdAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

/** The address, or undefined when the text is none of the accepted forms. */
export function parseClamdAddress(s: string): ClamdAddress | undefined {
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/\s]+):(\d{1,5})\/?$/.exec(s);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port < 1 || port > 65535) return undefined;
    return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  const path = s.startsWith('unix:') ? s.slice(5) : s;
  return path.startsWith('/') ? { kind: 'unix', path } : undefined;
}

export const describeClamdAddress = (a: ClamdAddress) =>
  a.kind === 'tcp' ? `tcp://${a.host}:${a.port}` : a.path;
