/**
 * Checks a JSON value against the subset of JSON Schema that scripts/gen-board-schema.ts writes
 * ($ref to definitions, type, enum, properties/required/additionalProperties, items, minItems,
 * minimum, maximum, pattern, anyOf). Small on purpose: the board schema is generated, so it only
 * ever uses these keywords, and one walk reports every problem at once with its JSON path
 * instead of stopping at the first.
 */
import { nearest } from "./nearest";

/** The subset of JSON Schema scripts/gen-board-schema.ts writes and this file reads. */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: "object" | "array" | "string" | "number" | "boolean";
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  definitions?: Record<string, JsonSchema>;
}

/** One schema problem: where (a JSON path such as `pins.relay[0].pin`) and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** Joins a path and a key the way people read JSON paths. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/**
 * Every way `value` breaks `schema`; `root` holds the definitions that $refs point into.
 * @throws Error when a $ref does not resolve (a broken schema file, not a broken board file)
 */
export function checkSchema(value: unknown, schema: JsonSchema, root: JsonSchema, path = ""): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walk(value, schema, root, path, problems);
  return problems;
}

function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; s.$ref !== undefined; hops++) {
    const name = s.$ref.replace("#/definitions/", "");
    const target = s.$ref === "#" ? root : root.definitions?.[name];
    if (!target || hops > 32) throw new Error(`board schema: cannot resolve ${s.$ref}`);
    s = { ...target, ...withoutRef(s) };
  }
  return s;
}

function withoutRef(s: JsonSchema): JsonSchema {
  const { $ref: _ref, ...rest } = s;
  return rest;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function walk(value: unknown, raw: JsonSchema, root: JsonSchema, path: string, out: SchemaProblem[]): void {
  const schema = resolveRef(raw, root);
  const at = path === "" ? "$" : path;
  if (schema.anyOf) {
    checkAnyOf(value, schema.anyOf, root, path, out);
    return;
  }
  if (schema.type) {
    const got = typeName(value);
    if (got !== schema.type) {
      out.push({ path: at, message: `expected ${article(schema.type)}, got ${got === "null" ? "null" : `${article(got)}`}` });
      return;
    }
  }
  if (schema.enum && !schema.enum.includes(value as string)) {
    const hint = typeof value === "string" ? nearest(value, schema.enum) : undefined;
    out.push({
      path: at,
      message: `${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}` +
        (hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ""),
    });
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) out.push({ path: at, message: "expected a finite number" });
    if (schema.minimum !== undefined && value < schema.minimum) out.push({ path: at, message: `must be at least ${schema.minimum}, got ${value}` });
    if (schema.maximum !== undefined && value > schema.maximum) out.push({ path: at, message: `must be at most ${schema.maximum}, got ${value}` });
  }
  if (typeof value === "string" && schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
    out.push({ path: at, message: `${JSON.stringify(value)} does not match ${schema.pattern}` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      out.push({ path: at, message: `needs at least ${schema.minItems} item${schema.minItems === 1 ? "" : "s"}, got ${value.length}` });
    }
    if (schema.items) value.forEach((item, i) => walk(item, schema.items!, root, childPath(path, i), out));
  }
  if (schema.type === "object" && typeof value === "object" && value !== null && !Array.isArray(value)) {
    checkObject(value as Record<string, unknown>, schema, root, path, out);
  }
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, root: JsonSchema, path: string, out: SchemaProblem[]): void {
  const props = schema.properties ?? {};
  const known = Object.keys(props);
  for (const key of schema.required ?? []) {
    if (!(key in value)) out.push({ path: childPath(path, key), message: "missing (required)" });
  }
  for (const [key, child] of Object.entries(value)) {
    const sub = props[key];
    if (sub) walk(child, sub, root, childPath(path, key), out);
    else if (schema.additionalProperties === false) {
      const hint = nearest(key, known);
      out.push({ path: childPath(path, key), message: `unknown field${hint ? ` (did you mean "${hint}"?)` : ""}` });
    }
  }
}

/**
 * A union of objects told apart by a `kind` field: report against the branch the value names,
 * so a wrong field in an INA219 block says which field, not "matches no branch".
 */
function checkAnyOf(value: unknown, branches: JsonSchema[], root: JsonSchema, path: string, out: SchemaProblem[]): void {
  const results = branches.map((b) => checkSchema(value, b, root, path));
  if (results.some((r) => r.length === 0)) return;
  const kinds = branches.map((b) => resolveRef(b, root).properties?.kind?.enum?.[0]);
  const kind = typeof value === "object" && value !== null ? (value as Record<string, unknown>).kind : undefined;
  const index = kinds.findIndex((k) => k !== undefined && k === kind);
  if (index >= 0) {
    out.push(...results[index]);
    return;
  }
  const named = kinds.filter((k): k is string => k !== undefined);
  const at = path === "" ? "$" : path;
  if (named.length === branches.length) {
    out.push({ path: childPath(path, "kind"), message: `must be one of ${named.map((k) => JSON.stringify(k)).join(", ")}` });
  } else {
    out.push({ path: at, message: `matches none of the ${branches.length} allowed shapes` });
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
