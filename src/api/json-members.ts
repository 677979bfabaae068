/**
 * Reads a JSON object as it arrives, without holding all of it: each top-level member is parsed on
 * its own (`JSON.parse` of its bytes), and the elements of one array member (`recipients` of a
 * mass email) are handed over one by one. Only the bytes of the member or element being read are
 * kept. The bytes of each piece are checked as the whole-body parser checks them (`json-body.ts`):
 * UTF-8 only, no keys that could reach object prototypes, and anything else that is not JSON is
 * "not valid JSON". Synchronous and pure: the caller feeds it the body's chunks.
 */
import { AppError } from '../domain/errors.js';
import { findPrototypeKey } from '../domain/prototype-keys.js';
import { firstInvalidUtf8 } from '../domain/utf8.js';

export type JsonPiece =
  | { kind: 'member'; key: string; value: unknown }
  /** The streamed member begins: its elements follow. */
  | { kind: 'list'; key: string }
  | { kind: 'element'; index: number; value: unknown };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

const notJson = () => new AppError('bad_request', 'the request body is not valid JSON');

function refuseField(field: string, message: string): AppError {
  return new AppError('validation_failed', `${field}: ${message}`, { [field]: message });
}

/** Parses the bytes of one piece; `field` names it in a 400. */
function parsePiece(bytes: Uint8Array, field: string): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) ?? 0;
    throw refuseField(field, `is not valid UTF-8 (byte ${at} of it); send JSON encoded as UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notJson();
  }
  if (text.includes('__proto__') || text.includes('constructor')) {
    const key = findPrototypeKey(value);
    if (key)
      throw refuseField(`${field}.${key}`, 'is not allowed (a key that could change object prototypes)');
  }
  return value;
}

type State =
  | 'start'
  | 'key-or-end'
  | 'key'
  | 'in-key'
  | 'colon'
  | 'value'
  | 'in-value'
  | 'after-value'
  | 'element-or-end'
  | 'element'
  | 'in-element'
  | 'after-element'
  | 'done';

export class JsonMembers {
  private state: State = 'start';
  private bytes = 0;
  private key = '';
  private readonly keys = new Set<string>();
  private index = 0;
  // The piece being read: its bytes from earlier chunks, and the span scanner's state.
  private parts: Uint8Array[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private scalar = false;

  /**
   * @param streamed the member whose array elements are handed over one by one
   * @param bodyLimit the most bytes the body may have (413 past it)
   */
  constructor(
    private readonly streamed: string,
    private readonly bodyLimit: number,
  ) {}

  /** The pieces completed by this chunk of the body, in order. */
  push(chunk: Uint8Array): JsonPiece[] {
    this.bytes += chunk.length;
    if (this.bytes > this.bodyLimit)
      throw new AppError(
        'payload_too_large',
        `the request body is larger than the limit of ${this.bodyLimit} bytes for this route`,
      );
    const out: JsonPiece[] = [];
    let start = -1; // where the piece being read begins in this chunk
    if (this.state === 'in-key' || this.state === 'in-value' || this.state === 'in-element') start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      switch (this.state) {
        case 'in-key':
        case 'in-value':
        case 'in-element': {
          const end = this.scan(chunk, i);
          if (end < 0) {
            i = chunk.length;
            break;
          }
          // The piece ends before `end` (a scalar's delimiter is read again by the next state).
          const piece = this.take(chunk.subarray(start, end));
          start = -1;
          this.finish(piece, out);
          i = end - 1;
          break;
        }
        case 'start':
          if (isSpace(b)) break;
          // A byte order mark: JSON.parse of the whole body would refuse it too.
          if (b !== OPEN_OBJECT) throw notJson();
          this.state = 'key-or-end';
          break;
        case 'key-or-end':
        case 'key':
          if (isSpace(b)) break;
          if (b === CLOSE_OBJECT && this.state === 'key-or-end') {
            this.state = 'done';
            break;
          }
          if (b !== QUOTE) throw notJson();
          this.begin(b);
          start = i;
          this.state = 'in-key';
          i--; // the scanner reads the opening quote too
          break;
        case 'colon':
          if (isSpace(b)) break;
          if (b !== COLON) throw notJson();
          this.state = 'value';
          break;
        case 'value':
          if (isSpace(b)) break;
          if (this.key === this.streamed && b === OPEN_ARRAY) {
            out.push({ kind: 'list', key: this.key });
            this.state = 'element-or-end';
            break;
          }
          this.begin(b);
          start = i;
          this.state = 'in-value';
          i--; // the scanner reads the first byte too
          break;
        case 'after-value':
          if (isSpace(b)) break;
          if (b === COMMA) this.state = 'key';
          else if (b === CLOSE_OBJECT) this.state = 'done';
          else throw notJson();
          break;
        case 'element-or-end':
        case 'element':
          if (isSpace(b)) break;
          if (b === CLOSE_ARRAY && this.state === 'element-or-end') {
            this.state = 'after-value';
            break;
          }
          this.begin(b);
          start = i;
          this.state = 'in-element';
          i--;
          break;
        case 'after-element':
          if (isSpace(b)) break;
          if (b === COMMA) this.state = 'element';
          else if (b === CLOSE_ARRAY) this.state = 'after-value';
          else throw notJson();
          break;
        case 'done':
          if (!isSpace(b)) throw notJson();
          break;
      }
    }
    // A copy: the piece's bytes must not keep the whole chunk alive.
    if (start >= 0) this.parts.push(Uint8Array.prototype.slice.call(chunk, start));
    return out;
  }

  /** Called when the body has ended: throws when the object has not. */
  end(): void {
    if (this.state !== 'done') throw notJson();
  }

  private begin(first: number): void {
    this.parts = [];
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.scalar = false;
    if (first === QUOTE) return;
    if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) this.scalar = true;
  }

  /**
   * Scans the piece from `from`; returns the index just past its end in this chunk, or -1 when it
   * goes on in the next chunk. A string's first quote, and an object's or array's first bracket,
   * are read here too.
   */
  private scan(chunk: Uint8Array, from: number): number {
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) {
          this.inString = false;
          if (this.depth === 0) return i + 1;
        }
        continue;
      }
      if (this.scalar) {
        if (isSpace(b) || b === COMMA || b === CLOSE_OBJECT || b === CLOSE_ARRAY) return i;
        continue;
      }
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.depth++;
      else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth === 0) return i + 1;
        if (this.depth < 0) throw notJson();
      }
    }
    return -1;
  }

  private take(last: Uint8Array): Uint8Array {
    if (this.parts.length === 0) return last;
    const all = Buffer.concat([...this.parts, last]);
    this.parts = [];
    return all;
  }

  private finish(piece: Uint8Array, out: JsonPiece[]): void {
    if (this.state === 'in-key') {
      const key = parsePiece(piece, 'body');
      if (typeof key !== 'string') throw notJson();
      if (key === '__proto__')
        throw refuseField(key, 'is not allowed (a key that could change object prototypes)');
      if (this.keys.has(key)) throw refuseField(key, 'is given twice');
      this.keys.add(key);
      this.key = key;
      this.state = 'colon';
    } else if (this.state === 'in-value') {
      out.push({ kind: 'member', key: this.key, value: parsePiece(piece, this.key) });
      this.state = 'after-value';
    } else {
      const index = this.index++;
      out.push({ kind: 'element', index, value: parsePiece(piece, `${this.streamed}.${index}`) });
      this.state = 'after-element';
    }
  }
}
