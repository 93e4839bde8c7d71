/**
 * Values crossing between Node and a board's vm context. Objects the program receives must
 * come from ITS realm (so `x instanceof Uint8Array` and `e instanceof Error` hold inside), and
 * data the program passes in is read the way Espruino's JSV_GET_AS_CHAR_ARRAY reads it:
 * a string gives one byte per character (code & 0xff), an ArrayBuffer or typed array its
 * bytes, an array of numbers each number & 0xff.
 */
import vm from "node:vm";

/** Constructors of one context, looked up once per boot. */
export class Realm {
  readonly context: vm.Context;
  readonly Error: ErrorConstructor;
  readonly TypeError: TypeErrorConstructor;
  readonly Uint8Array: Uint8ArrayConstructor;
  readonly Array: ArrayConstructor;
  /**
   * Set when the program queued a promise reaction (its Promise.prototype.then ran): only then
   * does a callback need its microtask drain, an evaluation that cost a fleet 6 % of its run.
   */
  readonly microtasks = { queued: false };

  constructor(context: vm.Context) {
    this.context = context;
    this.Error = vm.runInContext("Error", context);
    this.TypeError = vm.runInContext("TypeError", context);
    this.Uint8Array = vm.runInContext("Uint8Array", context);
    this.Array = vm.runInContext("Array", context);
    // catch, finally, Promise.all and the like queue their reactions through then.
    const mark = (): void => {
      this.microtasks.queued = true;
    };
    vm.runInContext("(function (mark) { var P = Promise.prototype, then = P.then; P.then = function (a, b) { mark(); return then.call(this, a, b); }; })", context)(mark);
  }

  /** A Uint8Array of the context holding a copy of `bytes`. */
  bytes(bytes: Uint8Array): Uint8Array {
    const out = new this.Uint8Array(bytes.length);
    out.set(bytes);
    return out;
  }

  /** An ArrayBuffer of the context holding a copy of `bytes`. */
  arrayBuffer(bytes: Uint8Array): ArrayBuffer {
    return this.bytes(bytes).buffer as ArrayBuffer;
  }

  array<T>(items: T[]): T[] {
    const out = new this.Array() as T[];
    for (const x of items) out.push(x);
    return out;
  }
}

function isArrayBuffer(v: unknown): v is ArrayBuffer {
  return v !== null && typeof v === "object" && Object.prototype.toString.call(v) === "[object ArrayBuffer]";
}

/** Espruino's JSV_GET_AS_CHAR_ARRAY: the bytes a native function sees for `v`. */
export function toBytes(v: unknown): Uint8Array {
  if (typeof v === "string") return binaryStringToBytes(v);
  if (isArrayBuffer(v)) return new Uint8Array(v.slice(0));
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer);
  if (Array.isArray(v)) {
    const out = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = Number(v[i]) & 0xff;
    return out;
  }
  if (typeof v === "number") return binaryStringToBytes(String(v));
  return binaryStringToBytes(String(v));
}

export function binaryStringToBytes(s: string): Uint8Array {
  // Node's latin1 keeps each character's low byte (code & 0xff), natively.
  return new Uint8Array(Buffer.from(s, "latin1"));
}

/**
 * flattenToBytes as bytes, with the common calls (one string, one byte array or buffer) done
 * natively: E.toString and E.toUint8Array run on every reading and Storage access of a fleet.
 */
export function argsToBytes(args: unknown[]): Uint8Array {
  if (args.length === 1) {
    const a = args[0];
    if (typeof a === "string") return binaryStringToBytes(a);
    if (isArrayBuffer(a)) return new Uint8Array(a.slice(0));
    // One byte per element: the element & 0xff is the byte in the buffer (Int8Array's two's complement too).
    if (ArrayBuffer.isView(a) && (a as Uint8Array).BYTES_PER_ELEMENT === 1) return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer);
  }
  return Uint8Array.from(flattenToBytes(args));
}

/** One character per byte, as Espruino's Storage.read and socket data give them. */
export function bytesToBinaryString(b: Uint8Array): string {
  // latin1 decodes each byte to the character of the same code, natively (a fleet reads and
  // converts Storage all the time: the loop over fromCharCode was 4 % of its run).
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

/**
 * E.toUint8Array / E.toString argument walk (src/jswrap_espruino.c): numbers give their low
 * 8 bits, strings their characters, arrays and typed arrays each element, `{data, count}`
 * repeats, `{callback}` calls it and walks the result.
 */
export function flattenToBytes(args: unknown[], out: number[] = []): number[] {

  for (const a of args) {
    if (typeof a === "number") out.push(a & 0xff);
    else if (typeof a === "string") for (let i = 0; i < a.length; i++) out.push(a.charCodeAt(i) & 0xff);
    else if (Array.isArray(a)) flattenToBytes(a, out);
    else if (isArrayBuffer(a) || ArrayBuffer.isView(a)) {
      const view = isArrayBuffer(a) ? new Uint8Array(a) : (a as any);
      for (let i = 0; i < view.length; i++) out.push(Number(view[i]) & 0xff);
    } else if (a !== null && typeof a === "object") {
      const o = a as { data?: unknown; count?: number; callback?: () => unknown };
      if (typeof o.callback === "function") flattenToBytes([o.callback()], out);
      else if (o.data !== undefined) for (let i = 0; i < (o.count ?? 1); i++) flattenToBytes([o.data], out);
    }
  }
  return out;
}
