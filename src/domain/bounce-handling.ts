/**
 * A relay's bounce handling (R17): which return path its mail carries.
 * - `platform`: a per-delivery VERP address at the data center's bounce domain, or with
 *   `fixedReturnPath` one fixed catch-all there, for relays that keep the envelope sender.
 * - `from`: the From address itself.
 * - `address`: one address of the org's choice.
 */
export type BounceHandling =
  | { mode: 'platform'; fixedReturnPath: boolean }
  | { mode: 'from' }
  | { mode: 'address'; address: string };

/** What a request may send: `fixedReturnPath` defaults to false. */
export type BounceHandlingInput =
  | { mode: 'platform'; fixedReturnPath?: boolean }
  | { mode: 'from' }
  | { mode: 'address'; address: string };
