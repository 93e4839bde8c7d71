/**
 * A board of any target behind one surface: the board the runner drives, how its console is
 * spoken (provisioning and downlink frames), and how it ends. The scenario runner and the
 * fleet use this instead of asking which target a board is.
 */
import { luacCrossAvailable } from "../../toolchain/luac-cross";
import type { Board } from "../../boards/board-type";
import { emulatedBoard, flashAndBoot } from "../espruino/from-board";
import { NodeMcuBoard } from "../lua/nodemcu-board";
import { NodeBoard } from "../node/node-board";
import type { SimBoard } from "./sim-board";

/** How the board's console takes a REPL call: Espruino's JavaScript or NodeMCU's Lua. */
export type ConsoleDialect = "espruino" | "nodemcu";

export interface DeviceSettings {
  intervalS: number;
  signEvery: number;
}

export interface SimTarget {
  readonly board: SimBoard;
  readonly dialect: ConsoleDialect;
  /**
   * Boots the firmware and provisions it as `solkit provision` does (device key made on the
   * board from the host's entropy, host key set, settings). Returns what the firmware answered
   * for the key: a device id when all went well.
   */
  provision(entropyHex: string, hostKeyHex: string, device?: DeviceSettings): unknown;
  /** Resets the board logged before the firmware first booted (a flasher's power-on). */
  readonly resetsBeforeFirmware: number;
  /** Ends what the board holds outside this process's heap (a Lua process, temporary folders). */
  dispose(): void;
}

const isId = (id: unknown): boolean => typeof id === "string" && id.startsWith("G");

/** The simulated board for `board`'s target, running `firmware`. */
export function simTarget(board: Board, firmware: string, seed: number, callbackTimeoutMs: number): SimTarget {
  if (board.target === "node") return piTarget(new NodeBoard(board, firmware, seed));
  // Debug info kept: a panic in a scenario then names the bundle's line (the report shows it). The
  // program runs as `solkit flash` leaves a board: from its LFS image in NodeMCU's own Lua core
  // (lua5.3 where no C compiler can build luac.cross).
  if (board.target === "nodemcu") return nodemcuTarget(new NodeMcuBoard(board, firmware, seed, { debugInfo: true, lfs: luacCrossAvailable() }));
  const e = emulatedBoard(board, seed, { callbackTimeoutMs });
  let before = 0;
  return {
    board: e,
    dialect: "espruino",
    get resetsBeforeFirmware() {
      return before;
    },
    provision(entropy, key, device) {
      flashAndBoot(e, firmware);
      before = e.resets.length - 1; // the flasher's power-on with empty flash is no firmware boot
      const id = e.runCode(`solkit.provisionKey(false, "${entropy}")`).value;
      if (isId(id)) {
        e.runCode(`solkit.setHostKey("${key}")`);
        if (device) e.runCode(`solkit.setConfig(${device.intervalS}, ${device.signEvery})`);
      }
      return id;
    },
    dispose: () => e.powerOff(),
  };
}

/** What provisioning types at a console: the device key, the host key, the settings. */
interface ProvisionLines {
  key(entropyHex: string): string;
  hostKey(keyHex: string): string;
  config(d: DeviceSettings): string;
}

/**
 * A board provisioned by typing at its console: `say` sends one line and returns the answer,
 * the last line of which is what the firmware returned for the key.
 */
function consoleTarget(board: SimBoard, dialect: ConsoleDialect, say: (line: string) => string, lines: ProvisionLines, dispose: () => void): SimTarget {
  return {
    board,
    dialect,
    resetsBeforeFirmware: 0,
    provision(entropy, key, device) {
      board.powerOn();
      const id = say(lines.key(entropy)).split("\n").pop();
      if (isId(id)) {
        say(lines.hostKey(key));
        if (device) say(lines.config(device));
      }
      return id;
    },
    dispose,
  };
}

/** A Pi has no REPL: its console's text commands (firmware/console.ts runCommand). */
function piTarget(b: NodeBoard): SimTarget {
  return consoleTarget(b, "espruino", (l) => b.command(l), {
    key: (e) => `provision-key ${e}`,
    hostKey: (k) => `host-key ${k}`,
    config: (d) => `config ${d.intervalS} ${d.signEvery}`,
  }, () => b.powerOff());
}

/** NodeMCU's REPL runs Lua and prints only what is printed. */
function nodemcuTarget(b: NodeMcuBoard): SimTarget {
  return consoleTarget(b, "nodemcu", (l) => b.repl(l), {
    key: (e) => `print(solkit.provisionKey(false, "${e}"))`,
    hostKey: (k) => `solkit.setHostKey("${k}")`,
    config: (d) => `solkit.setConfig(${d.intervalS}, ${d.signEvery})`,
  }, () => b.dispose());
}
