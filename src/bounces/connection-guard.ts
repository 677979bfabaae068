/**
 * The bounce listener's limits on sessions, kept on the sockets themselves so that slow clients
 * cannot hold every slot (the listener is the MX of the bounce domains: anyone can connect).
 *
 * - Admission: at most `maxConnections` sessions in all and `maxConnectionsPerAddress` from one
 *   client address. A connection over the per-address limit is refused at once with `421 4.7.0`,
 *   before smtp-server sees it. When every slot is taken, the new connection takes the slot of one
 *   that is doing nothing useful: a session between commands or in the middle of a command line,
 *   or one whose DATA or TLS handshake has run longer than the command timeout; of those, one from
 *   the address holding the most sessions, and of its sessions the one that completed a line
 *   longest ago. It is told `421 4.7.0` and closed. Only when every session is busy (a young DATA
 *   or handshake, or waiting for mailroute's reply) is the new connection refused; each of those
 *   finishes or is cut within the command timeout, so the sender's retry gets in.
 * - Slow commands: smtp-server's idle timeout (`socketTimeout`, our idle timeout) restarts with
 *   every byte, so a client dribbling a command line or a message one byte at a time would never
 *   meet it. Here, a command line must be complete within the command timeout of its first byte,
 *   a STARTTLS handshake within the command timeout of the command, and DATA must keep a pace of at
 *   least 64 KiB per command timeout (one command timeout for any message, one more for each 64 KiB
 *   received). A client that falls behind is told `421 4.4.2` and closed. Between commands a
 *   client may wait the idle timeout; while mailroute processes its message it waits for us, and
 *   no timeout counts.
 *
 * The guard sees the client's bytes through a `data` listener on the socket beside smtp-server's
 * own pipe (on the TLS socket after STARTTLS, handed over by `onSecure`), and learns from the
 * listener's hooks when DATA begins, when the message is in and when the reply is sent. Sessions
 * are bound to their sockets in `onConnect` by the client's address and port.
 */
import type { Server, Socket } from 'node:net';
import type { SMTPServerSession } from 'smtp-server';

export interface GuardLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  commandTimeoutMs: number;
}

/** What the guard did to a client, for the log. */
export interface GuardEvent {
  event: 'refused' | 'evicted' | 'cut';
  remoteAddress: string;
  reason: string;
}

/** DATA must bring at least this many bytes per command timeout. */
export const DATA_PACE_BYTES = 64 * 1024;
/** How long a socket told 421 may take to read it before it is destroyed. */
const CLOSE_GRACE_MS = 1000;

type State = 'command' | 'tls' | 'data' | 'busy';

interface Conn {
  address: string;
  /** The client's address and port, by which its session finds it. */
  peer: string;
  socket: Socket;
  state: State;
  /** When the state began (DATA, handshake). */
  stateAt: number;
  /** When the client last completed a command line (or connected): its last progress. */
  progressAt: number;
  /** When the unfinished command line began, if there is one. */
  lineAt: number | undefined;
  /** The start of the unfinished command line, enough to recognize STARTTLS. */
  lineHead: string;
  dataBytes: number;
  timer: NodeJS.Timeout | undefined;
  observe: (chunk: Buffer) => void;
}

/** A client address as smtp-server's sessions give it (IPv4-mapped IPv6 unwrapped, lower case). */
export function normalizeAddress(address: string | undefined): string {
  return (address ?? '')
    .trim()
    .replace(/^::ffff:/i, '')
    .toLowerCase();
}

const peerKey = (address: string | undefined, port: number | undefined) =>
  `${normalizeAddress(address)}|${port ?? ''}`;

const STARTTLS = /^starttls\s*$/i;

export class ConnectionGuard {
  private conns = new Set<Conn>();
  private byPeer = new Map<string, Conn>();
  private bySession = new WeakMap<SMTPServerSession, Conn>();
  private perAddress = new Map<string, number>();

  constructor(
    private limits: GuardLimits,
    private report: (e: GuardEvent) => void,
    private now: () => number = Date.now,
  ) {}

  /** Puts the guard in front of smtp-server's connection handler on its listening server. */
  install(server: Server): void {
    const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
    server.removeAllListeners('connection');
    server.on('connection', (socket: Socket) => {
      if (this.admit(socket)) for (const h of handlers) h.call(server, socket);
    });
  }

  /** Binds a session to its socket (`onConnect`). */
  bind(session: SMTPServerSession): void {
    const c = this.byPeer.get(peerKey(session.remoteAddress, session.remotePort));
    if (c) this.bySession.set(session, c);
  }

  /** The TLS session after STARTTLS: bytes now arrive on the TLS socket (`onSecure`). */
  secured(session: SMTPServerSession, socket: Socket): void {
    const c = this.live(session);
    if (!c) return;
    c.socket = socket;
    socket.on('data', c.observe);
    this.enter(c, 'command');
  }

  /** DATA has begun (`onData`). */
  dataStarted(session: SMTPServerSession): void {
    const c = this.live(session);
    if (c) this.enter(c, 'data');
  }

  /** The message is in; the client waits for our reply. */
  dataReceived(session: SMTPServerSession): void {
    const c = this.live(session);
    if (c) this.enter(c, 'busy');
  }

  /** The reply to DATA is on its way; the client may send commands again. */
  replied(session: SMTPServerSession): void {
    const c = this.live(session);
    if (c) this.enter(c, 'command');
  }

  /** The session is over (`onClose`). */
  closed(session: SMTPServerSession): void {
    const c = this.bySession.get(session);
    if (c) this.forget(c);
  }

  /** Stops every timer (the listener is closing). */
  close(): void {
    for (const c of [...this.conns]) this.forget(c);
  }

  private live(session: SMTPServerSession): Conn | undefined {
    const c = this.bySession.get(session);
    return c && this.conns.has(c) ? c : undefined;
  }

  private admit(socket: Socket): boolean {
    const address = normalizeAddress(socket.remoteAddress);
    if (!address || socket.destroyed) {
      socket.destroy();
      return false;
    }
    if ((this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerAddress)
      return this.refuse(socket, address, 'Too many connections from your address, try again later');
    if (this.conns.size >= this.limits.maxConnections) {
      const victim = this.victim();
      if (!victim) return this.refuse(socket, address, 'Too many connections, try again in a moment');
      this.drop(victim, '421 4.7.0 Too many connections, closing an idle session', 'evicted', 'idle or slow');
    }
    const at = this.now();
    const c: Conn = {
      address,
      peer: peerKey(socket.remoteAddress, socket.remotePort),
      socket,
      state: 'command',
      stateAt: at,
      progressAt: at,
      lineAt: undefined,
      lineHead: '',
      dataBytes: 0,
      timer: undefined,
      observe: (chunk) => this.observe(c, chunk),
    };
    this.conns.add(c);
    this.byPeer.set(c.peer, c);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    socket.on('data', c.observe);
    // Until a session is bound, only the socket says when it is gone (STARTTLS replaces its
    // listeners, but a session is bound by then and `onClose` says it).
    socket.once('close', () => this.forget(c));
    return true;
  }

  private refuse(socket: Socket, address: string, text: string): false {
    closeWith(socket, `421 4.7.0 ${text}`);
    this.report({ event: 'refused', remoteAddress: address, reason: text });
    return false;
  }

  /** The session to give up for a new one, if any may be: see the module header. */
  private victim(): Conn | undefined {
    const now = this.now();
    let best: Conn | undefined;
    let bestLoad = 0;
    for (const c of this.conns) {
      const idle =
        c.state === 'command' ||
        ((c.state === 'data' || c.state === 'tls') && now - c.stateAt >= this.limits.commandTimeoutMs);
      if (!idle) continue;
      const load = this.perAddress.get(c.address) ?? 0;
      if (!best || load > bestLoad || (load === bestLoad && c.progressAt < best.progressAt)) {
        best = c;
        bestLoad = load;
      }
    }
    return best;
  }

  private observe(c: Conn, chunk: Buffer): void {
    if (!this.conns.has(c)) return;
    if (c.state === 'data') {
      c.dataBytes += chunk.length;
      return;
    }
    // Bytes on the plain socket after STARTTLS: the server refused it, so these are commands.
    if (c.state === 'tls') this.enter(c, 'command');
    if (c.state !== 'command') return;
    const now = this.now();
    let start = 0;
    let startTls = false;
    for (let lf = chunk.indexOf(0x0a); lf >= 0; lf = chunk.indexOf(0x0a, start)) {
      const line = c.lineHead + chunk.subarray(start, Math.min(lf, start + 16)).toString('latin1');
      startTls = STARTTLS.test(line.trim());
      c.lineHead = '';
      c.lineAt = undefined;
      c.progressAt = now;
      start = lf + 1;
    }
    if (start < chunk.length) {
      if (c.lineHead.length < 16) c.lineHead += chunk.subarray(start, start + 16).toString('latin1');
      c.lineAt ??= now;
    }
    if (startTls && c.lineAt === undefined) this.enter(c, 'tls');
    else this.arm(c);
  }

  private enter(c: Conn, state: State): void {
    c.state = state;
    c.stateAt = this.now();
    c.lineAt = undefined;
    c.lineHead = '';
    c.dataBytes = 0;
    if (state === 'command') c.progressAt = c.stateAt;
    this.arm(c);
  }

  /** When the client must have made its next step by, if it owes one. */
  private deadline(c: Conn): number | undefined {
    const t = this.limits.commandTimeoutMs;
    if (c.state === 'command') return c.lineAt === undefined ? undefined : c.lineAt + t;
    if (c.state === 'tls') return c.stateAt + t;
    if (c.state === 'data') return c.stateAt + t * (1 + Math.floor(c.dataBytes / DATA_PACE_BYTES));
    return undefined;
  }

  private arm(c: Conn): void {
    const deadline = this.deadline(c);
    if (deadline === undefined) {
      clearTimeout(c.timer);
      c.timer = undefined;
      return;
    }
    // A timer already set for a command line that is still open keeps its deadline.
    if (c.timer && c.state === 'command') return;
    clearTimeout(c.timer);
    c.timer = setTimeout(() => this.check(c), Math.max(0, deadline - this.now()));
    c.timer.unref();
  }

  private check(c: Conn): void {
    c.timer = undefined;
    if (!this.conns.has(c)) return;
    const deadline = this.deadline(c);
    if (deadline === undefined) return;
    if (this.now() < deadline) {
      this.arm(c);
      return;
    }
    const what =
      c.state === 'data'
        ? 'Message data too slow'
        : c.state === 'tls'
          ? 'TLS handshake too slow'
          : 'Command too slow';
    this.drop(c, `421 4.4.2 ${what}, closing connection`, 'cut', what.toLowerCase());
  }

  private drop(c: Conn, reply: string, event: GuardEvent['event'], reason: string): void {
    this.forget(c);
    closeWith(c.socket, reply);
    this.report({ event, remoteAddress: c.address, reason });
  }

  private forget(c: Conn): void {
    if (!this.conns.delete(c)) return;
    clearTimeout(c.timer);
    c.timer = undefined;
    if (this.byPeer.get(c.peer) === c) this.byPeer.delete(c.peer);
    const n = (this.perAddress.get(c.address) ?? 1) - 1;
    if (n <= 0) this.perAddress.delete(c.address);
    else this.perAddress.set(c.address, n);
  }
}

/** Tells the client `reply` and closes; a client that does not take it is dropped soon after. */
function closeWith(socket: Socket, reply: string): void {
  socket.on('error', () => {});
  if (socket.destroyed) return;
  if (socket.writable) socket.end(`${reply}\r\n`);
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}
