/**
 * Checks a FINAL Espruino bundle (after Babel, rollup and terser) for language features the
 * Espruino 2v2x interpreter lacks (DESIGN.md, "Espruino facts"; docs/portability.md), so a
 * build fails at the desk, naming the feature and the fix, instead of on a board in a field.
 *
 * It parses with acorn and walks the tree; every finding carries line:column in the bundle.
 * Globals are judged by name: an identifier such as `Map` counts as the global unless the
 * bundle declares that name somewhere (minifiers only ever pick short names).
 */
import { parse, type Node } from "acorn";
import * as walk from "acorn-walk";
import { SolkitError } from "../shared/errors";

/** One forbidden use: `feature` is the stable name the tests and messages use. */
export interface EspruinoFinding {
  feature: string;
  line: number;
  /** 1-based, as editors count. */
  column: number;
  message: string;
}

/** Forbidden globals and how to do without them. */
const GLOBALS: { [name: string]: string } = Object.assign(Object.create(null), {
  Map: "use a plain object keyed by string",
  Set: "use a plain object keyed by string",
  WeakMap: "use a plain object or a property on the key",
  Symbol: "use a string key",
  BigInt: "use two 32-bit halves (shared/bytes.ts readU53/writeU53)",
  Proxy: "call the object directly",
  Reflect: "call the function or read the property directly",
});

/** Forbidden static members, "Object.member" → fix. */
const MEMBERS: { [name: string]: string } = Object.assign(Object.create(null), {
  "Math.imul": "multiply 16-bit halves and wrap with u32",
  "Number.isInteger": "use Math.floor(x) === x",
  "Array.from": "use a loop",
  "Object.freeze": "leave the object unfrozen",
});

type Report = (node: Node, feature: string, fix: string, what?: string) => void;

function regexFindings(node: any, report: Report): void {
  const pattern: string = node.regex.pattern;
  const flags: string = node.regex.flags;
  if (/\(\?<[=!]/.test(pattern)) report(node, "RegExp lookbehind", "match forward or parse by hand");
  if (/\(\?<[^=!]/.test(pattern) || pattern.indexOf("\\k<") >= 0) {
    report(node, "RegExp named group", "use a numbered group");
  }
  if (flags.indexOf("y") >= 0) report(node, "RegExp sticky flag", "use lastIndex with a plain RegExp or parse by hand");
  if (flags.indexOf("u") >= 0 || flags.indexOf("v") >= 0) report(node, "RegExp unicode flag", "keep patterns ASCII");
}

function memberName(node: any): string | undefined {
  if (node.type !== "MemberExpression") return undefined;
  if (!node.computed && node.property.type === "Identifier") return node.property.name;
  if (node.computed && node.property.type === "Literal" && typeof node.property.value === "string") return node.property.value;
  return undefined;
}

/** Names the bundle binds anywhere (variables, functions, classes, parameters, catch params). */
function declaredNames(ast: Node): { [name: string]: boolean } {
  const names: { [name: string]: boolean } = Object.create(null);
  // acorn-walk calls binding identifiers "VariablePattern" (absent from its typings).
  const visitors: any = {
    VariablePattern(node: any, _st: unknown, ancestors: Node[]) {
      const parent: any = ancestors[ancestors.length - 2];
      if (parent && parent.type === "AssignmentExpression" && parent.left === node) return;
      names[node.name] = true;
    },
  };
  walk.ancestor(ast, visitors);
  return names;
}

function syntaxFindings(ast: Node, report: Report): void {
  const declared = declaredNames(ast);
  walk.full(ast, (node: any) => {
    switch (node.type) {
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        if (node.async) report(node, "async function", "use Promise .then or callbacks");
        if (node.generator) report(node, "generator", "use an object with a step() method");
        break;
      case "AwaitExpression":
        return report(node, "await", "use Promise .then or callbacks");
      case "YieldExpression":
        return report(node, "yield", "use an object with a step() method");
      case "ObjectPattern":
      case "ArrayPattern":
        return report(node, "destructuring", "read the fields one by one");
      case "SpreadElement":
        return report(node, "spread", "use concat, Object.assign or a loop");
      case "RestElement":
        return report(node, "rest element", "pass an array or read `arguments`");
      case "AssignmentPattern":
        return report(node, "default parameter", "test `=== undefined` in the body");
      case "ChainExpression":
        return report(node, "optional chaining", "test for undefined first");
      case "LogicalExpression":
      case "AssignmentExpression":
        if (node.operator === "??" || node.operator === "??=") report(node, "??", "use `x !== undefined ? x : y`");
        break;
      case "ForOfStatement":
        return report(node, "for-of", "use an index loop");
      case "ClassDeclaration":
      case "ClassExpression":
        // Espruino 2v29 throws "SyntaxError: Calling 'super' outside of class" when a subclass
        // of a native constructor (Error, Array, Uint8Array, …) is constructed (issue 9).
        if (node.superClass && node.superClass.type === "Identifier" && !declared[node.superClass.name]) {
          report(node, `extends ${node.superClass.name}`, "write a plain class that carries a `code`, as shared/errors.ts does", `uses extends ${node.superClass.name}: Espruino cannot construct a subclass of a built-in`);
        }
        break;
      case "ContinueStatement":
        if (node.label) report(node, "labeled continue", "use a flag or move the inner loop into a function");
        break;
      case "Identifier":
        if (GLOBALS[node.name] !== undefined && !declared[node.name]) report(node, node.name, GLOBALS[node.name]);
        break;
      case "Literal":
        if (node.regex) regexFindings(node, report);
        if (node.bigint !== undefined) report(node, "BigInt", GLOBALS.BigInt);
        break;
      case "MemberExpression": {
        const name = memberName(node);
        if (node.object.type === "Identifier" && name !== undefined && !declared[node.object.name]) {
          const full = `${node.object.name}.${name}`;
          if (MEMBERS[full] !== undefined) report(node, full, MEMBERS[full]);
        }
        // x.prototype.method.call(...) / .apply(...): borrowing fails on Espruino.
        if ((name === "call" || name === "apply") && memberName(node.object) !== undefined) {
          if (memberName(node.object.object) === "prototype") {
            report(node, "prototype borrowing", "call the method on the object itself or write a loop");
          }
        }
        break;
      }
    }
  });
}

/** Walks `node` without entering nested functions: code that runs when its scope runs. */
const NO_FUNCTIONS: walk.RecursiveVisitors<unknown> = Object.assign({}, walk.base, {
  Function() {},
});

/**
 * Espruino runs a scope's statements in order and defines a function only when its
 * declaration is reached (no hoisting). So in every scope (the program and each function
 * body), code that runs directly in that scope must not call or construct a function that
 * the same scope declares further down.
 */
function hoistingFindings(ast: Node, report: Report): void {
  const bodies: any[][] = [(ast as any).body];
  walk.simple(ast, {
    Function(node: any) {
      if (node.body.type === "BlockStatement") bodies.push(node.body.body);
    },
  });
  for (const body of bodies) {
    // Null-prototype maps: a callee named "toString" must not find Object.prototype's.
    const declaredAt: { [name: string]: any } = Object.create(null);
    const index: { [name: string]: number } = Object.create(null);
    body.forEach((stmt, i) => {
      if (stmt.type === "FunctionDeclaration" && stmt.id) {
        declaredAt[stmt.id.name] = stmt;
        index[stmt.id.name] = i;
      }
    });
    body.forEach((stmt, i) => {
      if (stmt.type === "FunctionDeclaration") return;
      const check = (node: any) => {
        const callee = node.callee;
        if (callee.type !== "Identifier" || index[callee.name] === undefined || index[callee.name] <= i) return;
        const decl = declaredAt[callee.name];
        report(
          node,
          "call before declaration",
          `move function ${callee.name} (declared at ${decl.loc.start.line}:${decl.loc.start.column + 1}) above its first call`,
          `calls ${callee.name} before its declaration, and Espruino does not hoist functions`,
        );
      };
      walk.simple(stmt, { CallExpression: check, NewExpression: check }, NO_FUNCTIONS);
    });
  }
}

/**
 * Espruino does not hoist `var` either: a name is local from the point its `var` runs. Before
 * that, the name reaches the enclosing scope, so `t = n; … var t` in a function overwrites an
 * outer `t` (terser's inlining wrote exactly this: `return … (t = n) …; var t` clobbered the
 * bundle's own function t, issue 9). So no function may use a name before its first `var`
 * of it, unless the name is a parameter.
 */
function varHoistingFindings(ast: Node, report: Report): void {
  const scopes: { body: any; params: any[] }[] = [{ body: ast, params: [] }];
  walk.simple(ast, {
    Function(node: any) {
      scopes.push({ body: node.body, params: node.params });
    },
  });
  for (const scope of scopes) {
    const params: { [name: string]: boolean } = Object.create(null);
    for (const p of scope.params) if (p.type === "Identifier") params[p.name] = true;
    const firstVar: { [name: string]: number } = Object.create(null);
    const declIds: any[] = [];
    walk.simple(scope.body, {
      VariableDeclaration(node: any) {
        if (node.kind !== "var") return;
        for (const d of node.declarations) {
          if (d.id.type !== "Identifier") continue;
          declIds.push(d.id);
          if (firstVar[d.id.name] === undefined || d.start < firstVar[d.id.name]) firstVar[d.id.name] = d.start;
        }
      },
    }, NO_FUNCTIONS);
    const use = (node: any) => {
      const at = firstVar[node.name];
      if (at === undefined || params[node.name] || node.start >= at || declIds.indexOf(node) >= 0) return;
      report(node, "use before var", `declare ${node.name} with var before its first use`, `uses ${node.name} before its var, and Espruino does not hoist var: the use reaches an outer ${node.name}`);
    };
    walk.simple(scope.body, { Identifier: use, VariablePattern: use } as any, NO_FUNCTIONS);
  }
}

/**
 * Lists every feature in `code` that Espruino lacks, in source order.
 * @throws SolkitError E_PARSE when `code` is not valid JavaScript
 */
export function checkEspruinoBundle(code: string, fileName = "bundle.js"): EspruinoFinding[] {
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: "latest", sourceType: "script", locations: true, allowReturnOutsideFunction: true });
  } catch (e: any) {
    throw new SolkitError("E_PARSE", `${fileName}: ${e && e.message}`);
  }
  const findings: EspruinoFinding[] = [];
  const seen: { [key: string]: boolean } = Object.create(null);
  const report = (node: any, feature: string, fix: string, what?: string) => {
    const line: number = node.loc.start.line;
    const column: number = node.loc.start.column + 1;
    const key = `${line}:${column}:${feature}`;
    if (seen[key]) return;
    seen[key] = true;
    const says = what !== undefined ? what : `uses ${feature}, which Espruino lacks`;
    findings.push({ feature, line, column, message: `${fileName}:${line}:${column} ${says} (${fix})` });
  };
  syntaxFindings(ast, report);
  hoistingFindings(ast, report);
  varHoistingFindings(ast, report);
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return findings;
}

/**
 * Throws when `code` uses anything Espruino lacks, listing every finding (one per line).
 * @throws SolkitError E_ESPRUINO_FEATURE with all findings in the message
 * @throws SolkitError E_PARSE when `code` is not valid JavaScript
 */
export function assertEspruinoCompatible(code: string, fileName = "bundle.js"): void {
  const findings = checkEspruinoBundle(code, fileName);
  if (findings.length === 0) return;
  const list = findings.map((f) => `  ${f.message}`).join("\n");
  throw new SolkitError("E_ESPRUINO_FEATURE", `${findings.length} feature(s) Espruino lacks in ${fileName}:\n${list}`);
}
