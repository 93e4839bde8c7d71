/**
 * The files a NodeMCU board holds for solkit (what `solkit flash` writes, what the simulator's
 * flashed board starts with): the device program, and the boot script NodeMCU runs.
 */

/** The device program: dist/<board>/firmware.lua, as a file in the board's flash. */
export const NODEMCU_PROGRAM_FILE = "solkit.lua";

/**
 * NodeMCU's boot script. A program that fails to start prints why. A device never provisioned
 * keeps its REPL (so it can be flashed again); a provisioned one (sk.* files) locks its console
 * even then: a REPL there would let whoever holds the cable drive the relay — a broken program
 * must not be a way to free power. Such a board is recovered over its bootloader (esptool):
 * by design, not through the console.
 */
export const NODEMCU_INIT_LUA = `-- solkit: NodeMCU runs this at boot (written by solkit flash)
if not file.exists("${NODEMCU_PROGRAM_FILE}") then print("solkit: no device program (${NODEMCU_PROGRAM_FILE}); flash it with solkit flash") return end
local ok, err = pcall(dofile, "${NODEMCU_PROGRAM_FILE}")
if ok then return end
print("solkit: the device program failed to start: " .. tostring(err))
for name in pairs(file.list()) do
  if name:sub(1, 3) == "sk." then
    uart.on("data", "\\n", function() print("solkit: console locked: the program of this provisioned device failed to start; reflash it over the bootloader") end, 0)
    return
  end
end
`;
