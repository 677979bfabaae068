/**
 * The pace of each relay in this process (SPEC R9b): at most `rateLimitPerMinute` sends per rolling
 * minute, and after a "slow down" reply a pause that grows with each further one and ends with the
 * next success. Connection limits are the SMTP pool's (`maxConnections`).
 */
import { slowdownDelay } from '../domain/retry.js';

const WINDOW_MS = 60_000;

interface State {
  sent: number[];
  pausedUntil: number;
  slowdowns: number;
}

export class RelayPace {
  private states = new Map<string, State>();

  private state(id: string): State {
    let s = this.states.get(id);
    if (!s) {
      s = { sent: [], pausedUntil: 0, slowdowns: 0 };
      this.states.set(id, s);
    }
    return s;
  }

  /** When this relay may send next: `now` if it may send now. Takes a slot when it may. */
  take(id: string, ratePerMinute: number | null, now: number): number {
    const s = this.state(id);
    if (s.pausedUntil > now) return s.pausedUntil;
    if (ratePerMinute !== null) {
      s.sent = s.sent.filter((t) => t > now - WINDOW_MS);
      if (s.sent.length >= ratePerMinute) return s.sent[0]! + WINDOW_MS;
      s.sent.push(now);
    }
    return now;
  }

  /** The relay asked us to slow down: pause it; returns when it may be tried again. */
  slowDown(id: string, now: number): number {
    const s = this.state(id);
    s.slowdowns++;
    s.pausedUntil = now + slowdownDelay(s.slowdowns);
    return s.pausedUntil;
  }

  /** Whether the relay is paused because it asked to slow down (not merely at its pace). */
  slowed(id: string, now: number): boolean {
    return (this.states.get(id)?.pausedUntil ?? 0) > now;
  }

  succeeded(id: string): void {
    const s = this.states.get(id);
    if (s) s.slowdowns = 0;
  }
}
