/**
 * JSON value → Lua 5.3 table constructor, to hand golden vectors (and any JSON data) to
 * code compiled by typescript-to-lua, which has no JSON parser in Lua.
 *
 * Arrays become sequences `{a, b}` (TSTL arrays are 1-based Lua sequences, so `length` and
 * indexing line up); objects become `{["key"]=value}`. Strings are byte strings in Lua: a
 * character above 0x7f is written as its UTF-8 bytes, and every control byte, `"` and `\`
 * is escaped (`\ddd` with three digits, so a following digit can't join the escape; Lua 5.3
 * manual section 3.1). JSON null has no Lua counterpart (nil would cut a sequence short), so
 * it is refused with the path where it sits.
 */
import { SolkitError } from "../shared/errors";

/** A Lua string literal for `s` (UTF-8 bytes, control bytes as `\ddd`). */
export function luaString(s: string): string {
  const bytes = Buffer.from(s, "utf8");
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += "\\\\";
    else if (b < 0x20 || b >= 0x7f) out += "\\" + String(b).padStart(3, "0");
    else out += String.fromCharCode(b);
  }
  return out + '"';
}

/** A Lua numeral: integers stay integers (Lua 5.3 has a 64-bit integer subtype), others floats. */
function luaNumber(n: number, path: string): string {
  if (!Number.isFinite(n)) throw new SolkitError("E_LUA_LITERAL", `${path}: ${n} has no Lua literal`);
  if (Object.is(n, -0)) return "0";
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  return String(n); // "1.5", "1e+300": Lua reads both as floats
}

function literal(v: unknown, path: string): string {
  if (v === null || v === undefined) {
    throw new SolkitError("E_LUA_LITERAL", `${path} is ${v === null ? "null" : "undefined"}; Lua has no value for it (use "" or omit the field)`);
  }
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return luaNumber(v, path);
    case "string":
      return luaString(v);
    case "object":
      if (Array.isArray(v)) return "{" + v.map((x, i) => literal(x, `${path}[${i}]`)).join(", ") + "}";
      return (
        "{" +
        Object.keys(v as object)
          .map((k) => `[${luaString(k)}]=${literal((v as any)[k], `${path}.${k}`)}`)
          .join(", ") +
        "}"
      );
    default:
      throw new SolkitError("E_LUA_LITERAL", `${path}: a ${typeof v} has no Lua literal`);
  }
}

/**
 * The Lua table constructor (or scalar literal) for a JSON value.
 * @throws SolkitError E_LUA_LITERAL for null, undefined, NaN/Infinity or a non-JSON value, naming where
 */
export function toLuaLiteral(value: unknown, name = "value"): string {
  return literal(value, name);
}
