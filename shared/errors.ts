/**
 * Typed errors for portable code.
 *
 * Espruino loses the message of an Error subclass (DESIGN.md, "Espruino facts"), so the
 * constructor sets `message` itself; `code` is stable and is what callers switch on.
 */
export class SolkitError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.message = message;
    this.code = code;
    this.name = "SolkitError";
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
