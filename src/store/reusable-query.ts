/**
 * A query compiled once and reused with new parameter values. Kysely builds and compiles every
 * query anew; for a large statement run many times a second (the queue's claim) that costs more
 * CPU than running it. `reusable` compiles the query once for stand-in values of its named
 * parameters and then only puts each call's values where the stand-ins were.
 *
 * It checks itself: the query is compiled for two different sets of stand-ins, and each bound
 * parameter must be the same named one in both (or the same constant). A value the builder derives
 * from a parameter (`now + lease`) would differ in both without naming one, and is refused at
 * once, so a reused query never binds a stale value.
 */
import type { CompiledQuery } from 'kysely';

type Values = Record<string, string | number>;

/** Distinct stand-ins for each name: never a value that a query holds as a constant. */
function standIns<P extends Values>(like: P, round: number): P {
  const out: Values = {};
  for (const [i, [k, v]] of Object.entries(like).entries())
    out[k] = typeof v === 'number' ? 7_300_000_000_000 + round * 1_000_000 + i * 1000 : `\u0000${k}:${round}`;
  return out as P;
}

export function reusable<P extends Values, R>(
  compile: (p: P) => CompiledQuery<R>,
  shape: P,
): (p: P) => CompiledQuery<R> {
  const a = standIns(shape, 1);
  const b = standIns(shape, 2);
  const first = compile(a);
  const second = compile(b);
  if (first.sql !== second.sql || first.parameters.length !== second.parameters.length)
    throw new Error('reusable query: the statement changes with its parameters');
  const names = Object.keys(shape);
  const slots = first.parameters.map((v, i): string | { constant: unknown } => {
    const name = names.find((k) => a[k] === v);
    if (name !== undefined && b[name] === second.parameters[i]) return name;
    if (name === undefined && v === second.parameters[i] && !names.some((k) => b[k] === v))
      return { constant: v };
    throw new Error(`reusable query: parameter ${i + 1} is derived from the named ones`);
  });
  return (p) => ({
    ...first,
    parameters: slots.map((s) => (typeof s === 'string' ? p[s] : s.constant)),
  });
}
