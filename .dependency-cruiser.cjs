// The layers of issue 10, checked in `npm test` (test/layers.test.ts) and drawn by
// `npm run graph`. Every arrow points down this list; a folder may also use Node's own modules
// and npm packages unless its rule says otherwise.
//   shared/     portable protocol, crypto, encoding, selftest   -> nothing (no Node, no npm)
//   firmware/   the device program and its targets              -> shared
//   boards/     board files, their type, validator, pin rules   -> shared
//   toolchain/  bundlers, profiles, language checks, Lua        -> firmware, boards, shared
//   host/       gateway, verifier, store, serial ports          -> boards, shared
//   flash/      ports, upload, provision, monitor               -> host, toolchain, boards, shared
//   simulator/  runtimes, world, scenarios, pty board           -> host, toolchain, boards, shared
//   cli/        entry, registry, output, errors, commands       -> everything above
// Target globals (digitalWrite, E.*, gpio.*) outside firmware/targets/ are refused by
// test/firmware/target-globals.test.ts, which reads the code rather than its imports.
const LAYERS = {
  shared: [],
  firmware: ["shared"],
  boards: ["shared"],
  toolchain: ["firmware", "boards", "shared"],
  host: ["boards", "shared"],
  flash: ["host", "toolchain", "boards", "shared"],
  simulator: ["host", "toolchain", "boards", "shared"],
  cli: ["flash", "simulator", "host", "toolchain", "firmware", "boards", "shared"],
};
const ALL = Object.keys(LAYERS);

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ may import only ${allowed.length ? allowed.map((l) => `${l}/`).join(", ") : "itself"} (issue 10)`,
  severity: "error",
  from: { path: `^${layer}/`, pathNot: "^shared/test/" },
  to: { path: `^(${ALL.filter((l) => l !== layer && !allowed.includes(l)).join("|")}|test|bench|scripts|bin)/` },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "shared-portable",
      comment: "shared/ runs on the device too: no Node modules and no npm packages (docs/portability.md)",
      severity: "error",
      from: { path: "^shared/", pathNot: "^shared/test/" },
      to: { dependencyTypes: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "firmware-portable",
      comment: "firmware/ is built for boards: no Node modules and no npm packages",
      severity: "error",
      from: { path: "^firmware/", pathNot: "^firmware/targets/" },
      to: { dependencyTypes: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "firmware-core-not-targets",
      comment: "the target-neutral program reaches a target only through firmware/hal.ts",
      severity: "error",
      from: { path: "^firmware/", pathNot: "^firmware/targets/" },
      to: { path: "^firmware/targets/" },
    },
    {
      name: "no-dev-dependency",
      comment: "the product runs after `npm ci --omit=dev` (a gateway on a Pi): devDependencies are for tests, bench and scripts",
      severity: "error",
      from: { path: "^(shared|firmware|boards|toolchain|host|flash|simulator|cli)/" },
      to: { dependencyTypes: ["npm-dev"] },
    },
    {
      name: "no-circular",
      comment: "no cycle between files (a type-only import is erased at build time, so a cycle through one alone is allowed: core.ts names the state types its modules own)",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "not-to-unresolvable",
      comment: "an import that resolves to nothing (the Espruino target's built-in modules and the build's virtual board module aside)",
      severity: "error",
      from: {},
      to: { couldNotResolve: true, pathNot: "^(Storage|crypto|heatshrink|solkit:board)$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      extensions: [".ts", ".mjs", ".js", ".json"],
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: {
      archi: { collapsePattern: "^(shared|firmware|boards|toolchain|host|flash|simulator|cli)/" },
      text: { highlightFocused: true },
    },
  },
};
