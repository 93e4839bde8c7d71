/**
 * Typed errors for portable code.
 *
 * A plain class, not `extends Error`: on the real Espruino interpreter (2v29) constructing a
 * subclass of Error throws `SyntaxError: Calling 'super' outside of class`, so every error
 * path of the device died there (issue 9: 74 of 199 golden vectors). `code` is stable and is
 * what callers switch on; `message` says what was expected and what came. On V8 (the host)
 * the constructor also records a stack for `-v`; Espruino has no captureStackTrace and skips it.
 */
export class SolkitError {
  readonly code: string;
  readonly message: string;
  readonly name: string;
  stack?: string;

  constructor(code: string, message: string) {
    this.code = code;
    this.message = message;
    this.name = "SolkitError";
    const capture = (Error as unknown as { captureStackTrace?: (o: object, f: unknown) => void }).captureStackTrace;
    if (typeof capture === "function") capture(this, SolkitError);
  }

  /** "message (CODE)": what a console line or String(e) shows. */
  toString(): string {
    return `${this.message} (${this.code})`;
  }
}

/** A length check failed: says what was expected and what came (noble-curves style). */
export function lengthError(what: string, expected: number, got: number): SolkitError {
  return new SolkitError("E_LENGTH", `"${what}" expected ${expected} bytes, got ${got}`);
}

/** Throws unless `bytes` has exactly `expected` bytes. @throws SolkitError E_LENGTH */
export function expectLength(what: string, bytes: Uint8Array, expected: number): void {
  if (bytes.length !== expected) throw lengthError(what, expected, bytes.length);
}
