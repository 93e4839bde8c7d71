/** Counts in a bundle that cost interpreter variables at run time (see firmware-plan.ts). */
import { parse } from "acorn";
import { simple } from "acorn-walk";

export interface SyntaxCounts {
  functions: number;
  properties: number;
  declarations: number;
}

export function countSyntax(code: string): SyntaxCounts {
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "script" });
  const c: SyntaxCounts = { functions: 0, properties: 0, declarations: 0 };
  simple(ast, {
    FunctionDeclaration: () => void c.functions++,
    FunctionExpression: () => void c.functions++,
    ArrowFunctionExpression: () => void c.functions++,
    MethodDefinition: () => void c.functions++,
    Property: () => void c.properties++,
    VariableDeclarator: () => void c.declarations++,
  });
  return c;
}
