/**
 * Generates boards/board.schema.json (JSON Schema draft-07) from the TypeScript type `Board` in
 * boards/board-type.ts, with the TypeScript compiler API the project already pins (6.0.2).
 * ts-json-schema-generator was not used: its 2.9.0 release depends on typescript ^5.9.3 and would
 * pull in a second compiler. Run: `npx tsx scripts/gen-board-schema.ts`; a test fails when the
 * committed schema differs from a fresh generation.
 *
 * Understood: interfaces and type aliases declared in that file (as definitions), string literal
 * unions (enum), unions of interfaces (anyOf), arrays, optional fields (not required), and the
 * TSDoc tags @minimum, @maximum, @pattern, @minItems. Anything else throws, so the type cannot
 * grow a construct the schema silently drops.
 */
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import type { JsonSchema } from "../boards/schema-check";

export type { JsonSchema };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BOARD_TYPE_FILE = resolve(ROOT, "boards", "board-type.ts");
export const BOARD_SCHEMA_FILE = resolve(ROOT, "boards", "board.schema.json");

const NUMBER_TAGS = ["minimum", "maximum", "minItems"] as const;

/**
 * The schema of `Board`, as an object (key order fixed, so the JSON text is stable).
 * @throws Error when the type file does not compile or uses a construct the generator does not know
 */
export function generateBoardSchema(typeFile: string = BOARD_TYPE_FILE): JsonSchema {
  const program = ts.createProgram([typeFile], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022 });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    throw new Error(`${typeFile} does not compile: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, "\n")}`);
  }
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(typeFile);
  if (!source) throw new Error(`cannot read ${typeFile}`);

  const named = new Map<ts.Symbol, string>();
  const declarations: (ts.InterfaceDeclaration | ts.TypeAliasDeclaration)[] = [];
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      const symbol = checker.getSymbolAtLocation(statement.name);
      if (!symbol) continue;
      named.set(symbol, statement.name.text);
      declarations.push(statement);
    }
  }
  if (![...named.values()].includes("Board")) throw new Error(`${typeFile} declares no type Board`);

  const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });

  /** The schema of a type at a use site: a $ref when the type is one of the named declarations. */
  function schemaOf(type: ts.Type, where: string): JsonSchema {
    const aliasName = type.aliasSymbol ? named.get(type.aliasSymbol) : undefined;
    if (aliasName) return ref(aliasName);
    const symbolName = type.symbol ? named.get(type.symbol) : undefined;
    if (symbolName && type.isClassOrInterface()) return ref(symbolName);
    return structureOf(type, where);
  }

  /** The schema of a type's own structure (never a $ref to itself). */
  function structureOf(type: ts.Type, where: string): JsonSchema {
    if (type.flags & ts.TypeFlags.String) return { type: "string" };
    if (type.flags & ts.TypeFlags.Number) return { type: "number" };
    if (type.flags & ts.TypeFlags.Boolean) return { type: "boolean" };
    if (type.isStringLiteral()) return { type: "string", enum: [type.value] };
    if (type.isUnion()) {
      const parts = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
      if (parts.length === 1) return schemaOf(parts[0], where);
      if (parts.every((t) => t.isStringLiteral())) {
        return { type: "string", enum: parts.map((t) => (t as ts.StringLiteralType).value) };
      }
      if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
      return { anyOf: parts.map((t) => schemaOf(t, where)) };
    }
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      return { type: "array", items: schemaOf(element, `${where}[]`) };
    }
    const ownObject = type.symbol?.declarations?.every((d) => d.getSourceFile() === source) ?? false;
    if (type.flags & ts.TypeFlags.Object && ownObject && type.getCallSignatures().length === 0) return objectOf(type, where);
    throw new Error(`gen-board-schema: unsupported type ${checker.typeToString(type)} at ${where}`);
  }

  function objectOf(type: ts.Type, where: string): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (!decl) throw new Error(`gen-board-schema: ${where}.${prop.name} has no declaration`);
      const schema: JsonSchema = { ...describe(prop), ...propertySchema(prop, decl, `${where}.${prop.name}`) };
      applyTags(schema, prop, `${where}.${prop.name}`);
      properties[prop.name] = schema;
      if (!(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.name);
    }
    return { type: "object", properties, required, additionalProperties: false };
  }

  /** An optional field's type is `T | undefined`, which loses T's alias: read the written type name. */
  function propertySchema(prop: ts.Symbol, decl: ts.Declaration, where: string): JsonSchema {
    if (ts.isPropertySignature(decl) && decl.type && ts.isTypeReferenceNode(decl.type)) {
      const target = checker.getSymbolAtLocation(decl.type.typeName);
      const name = target ? named.get(target) : undefined;
      if (name) return ref(name);
    }
    return schemaOf(checker.getTypeOfSymbolAtLocation(prop, decl), where);
  }

  function describe(symbol: ts.Symbol): JsonSchema {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, " ").trim();
    return text ? { description: text } : {};
  }

  function applyTags(schema: JsonSchema, symbol: ts.Symbol, where: string): void {
    for (const tag of symbol.getJsDocTags()) {
      const text = ts.displayPartsToString(tag.text).trim();
      if ((NUMBER_TAGS as readonly string[]).includes(tag.name)) {
        const value = Number(text);
        if (!Number.isFinite(value)) throw new Error(`gen-board-schema: @${tag.name} at ${where} is not a number`);
        schema[tag.name as (typeof NUMBER_TAGS)[number]] = value;
      } else if (tag.name === "pattern") {
        new RegExp(text); // fails here, not in an editor, when the pattern is wrong
        schema.pattern = text;
      } else {
        throw new Error(`gen-board-schema: unknown tag @${tag.name} at ${where}`);
      }
    }
  }

  const definitions: Record<string, JsonSchema> = {};
  for (const decl of declarations) {
    const symbol = checker.getSymbolAtLocation(decl.name)!;
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    definitions[decl.name.text] = { ...describe(symbol), ...structureOf(type, decl.name.text) };
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://solkit.dev/boards/board.schema.json",
    title: "solkit board file",
    description: "GENERATED from boards/board-type.ts by scripts/gen-board-schema.ts; do not edit.",
    $ref: "#/definitions/Board",
    definitions,
  };
}

/** The schema as the committed file's text. */
export function boardSchemaText(typeFile: string = BOARD_TYPE_FILE): string {
  return JSON.stringify(generateBoardSchema(typeFile), null, 2) + "\n";
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFileSync(BOARD_SCHEMA_FILE, boardSchemaText());
  console.log(`wrote ${BOARD_SCHEMA_FILE}`);
}
