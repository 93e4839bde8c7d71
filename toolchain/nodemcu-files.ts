/**
 * The files a NodeMCU board holds for solkit (what `solkit flash` writes, what the simulator's
 * flashed board starts with): the device program, and the boot script NodeMCU runs.
 */

/** The device program: dist/<board>/firmware.lua, as a file in the board's flash. */
export const NODEMCU_PROGRAM_FILE = "solkit.lua";

/** The program's module in an LFS image (luac.cross names it after its file, solkit.lua). */
export const NODEMCU_LFS_MODULE = "solkit";

/** The LFS image (dist/<board>/lfs.img) as a file in the board's flash, for node.LFS.reload. */
export const NODEMCU_LFS_IMAGE_FILE = "lfs.img";

/**
 * NodeMCU's boot script, given how it finds the program (`local main = …`: a function, or nil).
 * A program that fails to start prints why. A device never provisioned keeps its REPL (so it can
 * be flashed again); a provisioned one (sk.* files) locks its console even then: a REPL there
 * would let whoever holds the cable drive the relay — a broken program must not be a way to free
 * power. Such a board is recovered over its bootloader (esptool): by design, not through the console.
 */
function initLua(findMain: string, where: string): string {
  return `-- solkit: NodeMCU runs this at boot (written by solkit flash)
${findMain}
if not main then print("solkit: no device program (${where}); flash it with solkit flash") return end
local ok, err = pcall(main)
if ok then return end
print("solkit: the device program failed to start: " .. tostring(err))
for name in pairs(file.list()) do
  if name:sub(1, 3) == "sk." then
    uart.on("data", "\\n", function() print("solkit: console locked: the program of this provisioned device failed to start; reflash it over the bootloader") end, 0)
    return
  end
end
`;
}

/** The boot script of a program uploaded as source (solkit.lua, compiled into RAM at each boot). */
export const NODEMCU_INIT_LUA = initLua(
  `local main = file.exists("${NODEMCU_PROGRAM_FILE}") and function() return dofile("${NODEMCU_PROGRAM_FILE}") end`,
  NODEMCU_PROGRAM_FILE,
);

/**
 * The boot script of a program in LFS. Until node.LFS.reload has put it there (a cut between
 * writing this file and the reload), an older solkit.lua still runs; once the LFS program is
 * there, that source only takes room and goes.
 */
export const NODEMCU_INIT_LFS = initLua(
  `local main = node.LFS and node.LFS.get("${NODEMCU_LFS_MODULE}")
if main and file.exists("${NODEMCU_PROGRAM_FILE}") then file.remove("${NODEMCU_PROGRAM_FILE}") end
main = main or (file.exists("${NODEMCU_PROGRAM_FILE}") and function() return dofile("${NODEMCU_PROGRAM_FILE}") end)`,
  `LFS module ${NODEMCU_LFS_MODULE} or ${NODEMCU_PROGRAM_FILE}`,
);
