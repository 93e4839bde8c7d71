/**
 * `solkit flash --board nodemcu-*`: the Lua bundle through the NodeMCU REPL (flash/nodemcu-flash.ts).
 * The CLI's own part: the dry-run plan, the progress bar, the summary and its exit code.
 */
import { createHash } from "node:crypto";
import type { Board } from "../../boards/board-type";
import { flashNodeMcu, type NodeMcuFlashResult } from "../../flash/nodemcu-flash";
import { progressPrinter } from "../../flash/progress";
import { NODEMCU_LFS_IMAGE_FILE, NODEMCU_PROGRAM_FILE } from "../../toolchain/nodemcu-files";
import { luacCrossAvailable } from "../../toolchain/luac-cross";
import { lfsImageFlashBytes } from "../../toolchain/nodemcu-lfs";
import { CliError, EXIT_FAILED, EXIT_OK } from "../errors";
import { paint, type Output } from "../output";

export interface NodeMcuFlashCall {
  board: Board;
  port: string | undefined;
  baud: number;
  file: string;
  code: string;
  /** The LFS image to upload instead of the source (lfs.img beside the bundle). */
  lfsImage?: { file: string; data: string };
  erase: boolean;
  dryRun: boolean;
  /** The registry that opens a provisioned device's locked console. */
  database?: string;
}

function dryRun(out: Output, c: NodeMcuFlashCall): number {
  const up = c.lfsImage ?? { file: c.file, data: c.code };
  const target = c.lfsImage ? NODEMCU_LFS_IMAGE_FILE : NODEMCU_PROGRAM_FILE;
  const staging = c.lfsImage ? "lfs.new" : "solkit.new";
  const sha = createHash("sha256").update(Buffer.from(up.data, "latin1")).digest("hex");
  const steps = [
    "probe: define the answer helper, ask the Lua REPL for free flash, heap, crypto module and files",
    ...(c.lfsImage ? [`check the firmware has LFS (node.LFS) and a partition of at least ${lfsFlashBytes(out, c) ?? "(not known here)"} bytes (node.LFS.config.lfs_size)`] : []),
    c.erase ? "erase every sk.* file (keys, journals, outbox)" : "keep sk.* files (keys, counters, credit, outbox)",
    `uart.setup(0, ${c.baud}, …, echo 0): no echo during the upload`,
    c.lfsImage
      ? `write ${staging} in lines of 129 bytes as base64, decoded by a Lua function defined first, each answered with the board's FNV-1a of it (sent again on a mismatch) (~${Math.ceil(up.data.length / 129)} lines)`
      : `write ${staging} in lines of up to 255 characters, each answered with the board's FNV-1a of it (sent again on a mismatch) (~${Math.ceil(up.data.length / 190)} lines, ~${((up.data.length * 1.35 * 10) / c.baud).toFixed(0)} s of wire at ${c.baud} baud)`,
    `hash ${staging} on the board (SHA-256 with the crypto module, else FNV-1a) and compare`,
    `rename ${staging} to ${target}; write init.lua the same way`,
    c.lfsImage ? `node.LFS.reload("${NODEMCU_LFS_IMAGE_FILE}"): the board loads it into its LFS partition and restarts; watch the program start` : "node.restart(), watch the program start",
  ];
  if (out.jsonMode) {
    out.json({ dryRun: true, board: c.board.id, port: c.port ?? "(none given)", baud: c.baud, mode: c.lfsImage ? "lfs" : "source", bundle: up.file, bytes: up.data.length, sha256: sha, steps });
    return EXIT_OK;
  }
  out.line(`dry run: would flash ${up.file} (${up.data.length} bytes, sha256 ${sha.slice(0, 16)}…) to ${c.board.id} on ${c.port ?? "(none given)"} at ${c.baud} baud`);
  steps.forEach((s, i) => out.line(`  ${i + 1}. ${s}`));
  return EXIT_OK;
}

function summary(out: Output, r: NodeMcuFlashResult, c: NodeMcuFlashCall): void {
  if (out.jsonMode) {
    out.json({
      board: c.board.id, port: c.port, mode: r.mode, file: r.file, bytes: r.bytes, method: "nodemcu-repl", chunks: r.chunks, chunkBytes: r.chunkBytes, seconds: r.seconds,
      bytesPerSecond: Math.round(r.bytesPerSecond), retries: r.retries, check: r.check, hash: r.info.hash, verified: true, erased: r.erased, replacedInPlace: r.replacedInPlace, boot: r.boot,
    });
    return;
  }
  out.line(`${paint(out, "green", "✓")} flashed ${r.bytes} bytes (${r.mode === "lfs" ? "LFS image: the code runs from flash" : "Lua source: compiled into RAM at boot"}) to ${c.board.id} on ${c.port} in ${r.seconds.toFixed(1)} s (${(r.bytesPerSecond / 1024).toFixed(1)} KiB/s, ${r.chunks} lines of up to ${r.chunkBytes} B through the NodeMCU REPL${r.retries ? `, ${r.retries} sent again` : ""})`);
  out.line(`  verified  ${r.info.hash === "sha256" ? "SHA-256" : "FNV-1a"} ${r.check.slice(0, 16)}… computed by the board over ${r.file}`);
  if (r.erased.length) out.line(`  erased    ${r.erased.join(", ")}`);
  // The program's own line, after NodeMCU's banner.
  const bootLine = r.boot.lines.find((l) => /solkit .* boot/.test(l)) ?? r.boot.lines.filter((l) => l.trim() !== "").pop() ?? "(nothing printed)";
  out.line(`  running   ${r.boot.solkit ? "solkit device program" : "not the solkit program"}: ${bootLine}`);
}

/** What the image takes in the LFS partition (luac.cross lays it out as the chip does), when luac.cross can say. */
function lfsFlashBytes(out: Output, c: NodeMcuFlashCall): number | undefined {
  if (c.lfsImage === undefined) return undefined;
  if (!luacCrossAvailable()) {
    out.info("no C compiler for luac.cross here: the board's LFS partition size is not checked before the upload");
    return undefined;
  }
  try {
    return lfsImageFlashBytes(c.lfsImage.file);
  } catch (e: any) {
    if (e?.code !== "E_LUA_BUILD") throw e;
    throw new CliError(`${c.lfsImage.file} is not an LFS image NodeMCU's loader takes (${e.message.replace(/^luac\.cross, [^:]*: /, "")}); build one with solkit build`);
  }
}

/** Runs the NodeMCU flash for the CLI; returns the exit code. */
export async function flashNodemcuCommand(out: Output, c: NodeMcuFlashCall, port: string): Promise<number> {
  if (c.dryRun) return dryRun(out, c);
  const bar = progressPrinter((s) => process.stderr.write(s), Boolean(process.stderr.isTTY) && !out.quiet && !out.jsonMode);
  const up = c.lfsImage ?? { file: c.file, data: c.code };
  out.info(`flashing ${up.file} (${up.data.length} bytes) to ${c.board.id} on ${port} at ${c.baud} baud through the NodeMCU REPL`);
  let r: NodeMcuFlashResult;
  try {
    r = await flashNodeMcu({
      path: port, baud: c.baud, board: c.board, code: c.code, lfsImage: c.lfsImage?.data, lfsFlashBytes: lfsFlashBytes(out, c), erase: c.erase, database: c.database,
      onNote: (s) => out.info(s), onProgress: (p) => (out.quiet ? undefined : bar.update(p)),
    });
  } finally {
    bar.done();
  }
  summary(out, r, { ...c, port });
  if (!r.boot.ok) {
    out.info(`the new program did not start cleanly: ${r.boot.lines.filter((l) => /PANIC|failed|error/i.test(l)).slice(0, 2).join(" | ") || "the board stopped answering"}`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}
