/**
 * Where each command's module is: loaded only when that command runs, so `solkit boards` does
 * not pay for rollup, babel, typescript, better-sqlite3 or aedes (issue 10: 3 s and 350 MB
 * before, when every module was imported at start).
 */
import type { RegisterCommand } from "./command";

export const LOADERS: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  boards: async () => (await import("./commands/boards")).registerBoards,
  build: async () => (await import("./commands/build")).registerBuild,
  ports: async () => (await import("./commands/ports")).registerPorts,
  flash: async () => (await import("./commands/flash")).registerFlash,
  provision: async () => (await import("./commands/provision")).registerProvision,
  console: async () => (await import("./commands/console")).registerConsole,
  credit: async () => (await import("./commands/credit")).registerCredit,
  service: async () => (await import("./commands/service")).registerService,
  monitor: async () => (await import("./commands/monitor")).registerMonitor,
  sim: async () => (await import("./commands/sim")).registerSim,
  host: async () => (await import("./commands/host")).registerHost,
  verify: async () => (await import("./commands/verify")).registerVerify,
  teller: async () => (await import("./commands/teller")).registerTeller,
  consume: async () => (await import("./commands/consume")).registerConsume,
  ledger: async () => (await import("./commands/ledger")).registerLedger,
  keygen: async () => (await import("./commands/keygen")).registerKeygen,
  demo: async () => (await import("./commands/demo")).registerDemo,
};
