-- NodeMCU's Lua 5.3 is built with 32-bit numbers unless told otherwise (LUA_NUMBER_64BITS on the
-- ESP8266, CONFIG_LUA_NUMBER_INT64 on the ESP32: docs/nodemcu.md). The protocol's u32 arithmetic
-- needs 64-bit integers: on a 32-bit build, counters and times past 2^31 turn negative and the
-- frames come out wrong. The program refuses to start there (the relay stays open), saying why.
if math.maxinteger < 2^53 then
  error("solkit needs NodeMCU built with 64-bit integers (LUA_NUMBER_64BITS on the ESP8266, CONFIG_LUA_NUMBER_INT64 on the ESP32); this firmware's integers end at " .. math.maxinteger, 0)
end

-- The NodeMCU target's bridge between typed arrays (toolchain/lua-prelude.lua: tables with
-- keys 0..n-1 and `length`) and the Lua strings NodeMCU's file and crypto modules take.
-- In chunks: string.char takes at most a few thousand arguments (the C stack).
function solkit_bytes_to_string(b)
  local parts, n = {}, b.length
  for i = 0, n - 1, 256 do
    local last = math.min(i + 255, n - 1)
    local t = {}
    for j = i, last do t[#t + 1] = b[j] end
    parts[#parts + 1] = string.char(table.unpack(t))
  end
  return table.concat(parts)
end

function solkit_string_to_bytes(s)
  local n = #s
  local b = setmetatable({}, Uint8Array.prototype)
  b:____constructor(n)
  for i = 1, n, 256 do
    local bytes = { string.byte(s, i, math.min(i + 255, n)) }
    for j = 1, #bytes do rawset(b, i + j - 2, bytes[j]) end
  end
  return b
end

-- Bytes p and p+1 (0-based) of a byte string, little-endian (lua-table-read.ts).
function solkit_u16(s, p)
  local lo, hi = string.byte(s, p + 1, p + 2)
  return lo + 256 * hi
end
