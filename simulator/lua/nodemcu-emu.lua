-- The NodeMCU firmware's Lua API on virtual time, around the real Lua 5.3 interpreter: the
-- simulated NodeMCU board (simulator/lua/nodemcu-board.ts drives it). What it emulates:
--   tmr    now() (µs, wrapping at 2^31 as on the ESP8266), create():alarm/unregister, softwd
--   gpio   mode, write (each change reported), read, trig (edges the host schedules)
--   file   open/read/write/seek/close, remove, rename, exists, list, fsinfo over a real folder (the flash),
--          with a power cut after N written bytes
--   node   random (seeded), restart, heap (collectgarbage("count")); dofile reads the flash
--   uart   on("data", term, cb, 0): the locked console; otherwise lines run as Lua (the REPL)
--   crypto hash, new_hash (ESP8266 and ESP32 firmware), answered by the host; toHex
--   wifi   station mode (ESP32 API): mode, start, sta.config, sta.on("got_ip"/"disconnected");
--          the network is up unless the host says otherwise, and takes any SSID unless the
--          host names the one in range (then a wrong SSID or passphrase never gets an address)
--   mqtt   Client: lwt, on, connect, subscribe, publish, close; the host makes each connection
--          to a real broker ("M …" lines out) and hands back what it brings ("N …" commands)
--   print  console output
-- An error in a callback is NodeMCU's "PANIC: unprotected error": reported, then a restart.
--
-- Usage: lua5.3 nodemcu-emu.lua FIRMWARE FLASH_DIR CAPACITY SEED [NAME:SIZE,...] [nocrypto] [echo] [int32] [SSIDHEX:PASSHEX] [nolfs|LFS_SIZE:LFS_USED]
-- (FIRMWARE: the bundle as source or as luac5.3 bytecode; "-" boots as NodeMCU does: init.lua
-- from the flash if there is one. The files already in FLASH_DIR. "echo": the REPL echoes what
-- is typed and prompts "> ", as on a board's serial console. "int32": math.maxinteger says 32-bit
-- integers, as NodeMCU's default build does — only what it reports: the arithmetic stays 64-bit.
-- SSIDHEX:PASSHEX: the Wi-Fi network in range, hex-encoded; "-" takes any. "nolfs": a firmware
-- built without the Lua Flash Store: no node.LFS; LFS_SIZE:LFS_USED: its partition's bytes and
-- how many of them the loaded image takes, what node.LFS.config says.)
-- Commands on stdin, one per line, tagged " #<n>"; every command is answered, its output first,
-- then "D <ms> <n>" (tag 0 at start). A digest asked for with "H <algo> <hex>" comes back "h <hex>":
--   A <ms>          advance virtual time, running what falls due
--   I <hex>         bytes typed on the console
--   P <pin> <at_ms>... edges on an input pin at virtual times (its trig callback runs at each)
--   C <n>           cut the power after n more bytes are written to flash
--   S <name> <size> another program's file of `size` bytes (the storage-full fault; 0 removes it)
--   K               the Lua heap in use after a full collection ("K <KiB>")
--   W               bytes and write calls to the flash since this boot ("W <bytes> <writes>")
--   N W 0|1         the Wi-Fi network goes down / comes back
--   N c <n>         MQTT client n is connected; N f <n> <reason> its connect failed;
--   N o <n>         it went offline; N m <n> <topichex> <datahex> a message for it
--   Q               quit
-- Output: O <hex> console text, G <pin> <level>, L <ms> <what> a new longest callback,
--         X <at_ms> a power cut, R <reason> <at_ms> a restart (either ends the process),
--         M C <n> <hosthex> <port> <idhex> <userhex> <passhex> <clean> <keepalive> <willtopichex> <willhex> <tls>
--             (<tls>: - plain, 1 TLS unchecked, else the CA's PEM in hex)
--           connect client n; M S <n> <topichex> <qos> subscribe; M P <n> <topichex> <datahex> <qos> <retain>
--           publish; M X <n> close.

local firmware, dir, capacity, seed = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4])
math.randomseed(seed)
local now_us = 0
local timers = {}     -- [obj] = { at, period, cb, order }
local order = 0
local edges = {}      -- { at, pin }
local trig = {}       -- [pin] = { type, cb }
local levels = {}
local uart_cb = nil
local budget = math.huge
local longest = 0
local softwd_at = nil
local softwd_s = nil
local out = io.stdout
local echo = arg[7] == "echo"
local prompt = echo -- a console board prompts "> " even with its echo turned off
local real_dofile = dofile
local early = {}      -- command lines read while waiting for a digest, run next
if arg[8] == "int32" then math.maxinteger, math.mininteger = 2147483647, -2147483648 end

local function emit(s) out:write(s, "\n") end
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local function unhex(h) return (h:gsub("%x%x", function(x) return string.char(tonumber(x, 16)) end)) end
local function end_run(tag) emit(tag .. " " .. math.floor(now_us / 1000)); out:flush(); os.exit(0) end

function print(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
  emit("O " .. hex(table.concat(parts, "\t") .. "\n"))
end

-- Runs a callback like the NodeMCU task loop: an error is a panic and a restart.
local function run(what, fn, ...)
  local c0 = os.clock()
  local ok, err = xpcall(fn, debug.traceback, ...)
  local ms = (os.clock() - c0) * 1000
  if ms > longest then longest = ms; emit(string.format("L %.3f %s", ms, what)) end
  if not ok then
    print("PANIC: unprotected error in call to Lua API (" .. tostring(err) .. ")")
    end_run("R panic")
  end
end

tmr = { ALARM_SINGLE = 0, ALARM_AUTO = 1 }
function tmr.now() return math.floor(now_us) % 2147483648 end
function tmr.softwd(s)
  if s < 0 then softwd_at = nil else softwd_at = now_us + s * 1e6; softwd_s = s end
end
local Timer = {}
Timer.__index = Timer
function tmr.create() return setmetatable({}, Timer) end
function Timer:alarm(ms, mode, cb)
  order = order + 1
  timers[self] = { at = now_us + ms * 1000, period = mode == tmr.ALARM_AUTO and ms * 1000 or nil, cb = cb, order = order }
  return true
end
function Timer:unregister() timers[self] = nil end

gpio = { OUTPUT = 1, INPUT = 0, INT = 2, PULLUP = 1, FLOAT = 0, HIGH = 1, LOW = 0 }
function gpio.mode(pin, mode, pull) end
function gpio.write(pin, level)
  if levels[pin] ~= level then levels[pin] = level; emit("G " .. pin .. " " .. level) end
end
function gpio.read(pin) return levels[pin] or 0 end
function gpio.trig(pin, typ, cb) trig[pin] = { type = typ, cb = cb } end

local sizes = {}
local function path(name) return dir .. "/" .. name end
local function used() local n = 0; for _, s in pairs(sizes) do n = n + s end; return n end
for name, size in (arg[5] or ""):gmatch("([^,:]+):(%d+)") do sizes[name] = tonumber(size) end

local File = {}
File.__index = File
local written, writes = 0, 0 -- bytes and write calls to the flash since this boot (the W command)
file = {}
function file.open(name, mode)
  mode = mode or "r"
  local m = ({ r = "rb", w = "wb", ["r+"] = "r+b", a = "ab", ["w+"] = "w+b", ["a+"] = "a+b" })[mode]
  if m == nil then return nil end
  local h = io.open(path(name), m)
  if h == nil then return nil end
  if mode:sub(1, 1) == "w" then sizes[name] = 0 end
  if mode:sub(1, 1) == "a" then sizes[name] = sizes[name] or 0; h:seek("end") end
  return setmetatable({ h = h, name = name }, File)
end
function File:read(n)
  local s = self.h:read(n or 1024)
  if s == nil or #s == 0 then return nil end
  return s
end
function File:write(s)
  local pos = self.h:seek()
  if used() + math.max(0, pos + #s - (sizes[self.name] or 0)) > capacity then return false end
  local n = math.min(#s, budget)
  self.h:write(s:sub(1, n))
  written, writes = written + n, writes + 1
  budget = budget - n
  sizes[self.name] = math.max(sizes[self.name] or 0, pos + n)
  if n < #s then self.h:close(); end_run("X") end
  return true
end
function File:seek(whence, off) return self.h:seek(whence, off) end
function File:close() self.h:close() end
function file.remove(name) os.remove(path(name)); sizes[name] = nil end
function file.exists(name) return sizes[name] ~= nil end
function file.rename(old, new)
  if sizes[old] == nil or sizes[new] ~= nil then return false end
  if not os.rename(path(old), path(new)) then return false end
  sizes[new], sizes[old] = sizes[old], nil
  return true
end
function file.list()
  local t = {}
  for name, size in pairs(sizes) do if name ~= "~filler" then t[name] = size end end
  return t
end
-- NodeMCU's dofile reads SPIFFS: names are the flash's files.
function dofile(name)
  local chunk, err = loadfile(path(name))
  if chunk == nil then error(err, 2) end
  return chunk()
end
function file.fsinfo() local u = used(); return capacity - u, u, capacity end

node = {}
function node.random(l, u) return math.random(l, u) end
function node.restart() end_run("R reboot") end
function node.heap() return math.floor(capacity) end

-- node.LFS: the program in the Lua Flash Store. Under NodeMCU's own core (luac.cross -F IMAGE -e,
-- toolchain/luac-cross.ts) the global LFS reaches the image's modules; reload(name) checks the
-- image is a file of the flash and restarts into it (the host boots the next process with it),
-- as the chip writes it into its flash partition and restarts. Under lua5.3 there is no LFS.
local lfs_size, lfs_used = (arg[10] or ""):match("^(%d+):(%d+)$")
node.LFS = arg[10] ~= "nolfs" and {
  config = { lfs_mapped = 0, lfs_base = 0, lfs_size = tonumber(lfs_size) or 0, lfs_used = tonumber(lfs_used) or 0 },
  get = function(name) return LFS and LFS.get(name) or nil end,
  list = function() return LFS and LFS.list() or nil end,
  reload = function(name)
    if sizes[name] == nil then return "No LFS partition allocated" end -- the chip's words for a missing file too
    emit("F " .. hex(name))
    end_run("R lfs-reload")
  end,
} or nil

uart = { PARITY_NONE = 0, STOPBITS_1 = 1 }
-- setup(id, baud, databits, parity, stopbits, echo): only the echo matters on a virtual wire.
function uart.setup(id, baud, databits, parity, stopbits, e)
  if e ~= nil then echo = e ~= 0 end
  return baud
end
function uart.on(event, term, cb, run_input)
  if cb == nil then uart_cb = nil else uart_cb = cb end
end

-- The crypto module (a firmware built with it): its C digests, here asked of the host, which
-- answers on stdin at once ("H <algo> <hex>"). "nocrypto" as the 6th argument: a build without
-- it, where the firmware falls back to its portable hashes.
if arg[6] == "nocrypto" then
  crypto = nil
else
  local function digest(algo, data)
    out:write("H ", algo, " ", hex(data), "\n")
    out:flush()
    -- The answer is the line "h <hex>"; a command read before it waits its turn (never taken
    -- for the digest, as an "A …" once was under load).
    while true do
      local l = io.stdin:read("l")
      if l == nil then os.exit(0) end
      if l:sub(1, 2) == "h " then return unhex(l:sub(3)) end
      early[#early + 1] = l
    end
  end
  crypto = {}
  function crypto.toHex(s) return hex(s) end
  function crypto.hash(algo, data) return digest(algo, data) end
  function crypto.new_hash(algo)
    local parts = {}
    return {
      update = function(self, s) parts[#parts + 1] = s end,
      finalize = function(self) return digest(algo, table.concat(parts)) end,
    }
  end
end

-- The wifi module, station mode. Joining takes a couple of seconds of virtual time; with the
-- network in range named (arg 9), only its SSID and passphrase get an address.
local net_up = true
local in_range = nil
if arg[9] and arg[9] ~= "-" then
  local s, p = arg[9]:match("^(%x*):(%x*)$")
  in_range = { ssid = unhex(s), pwd = unhex(p) }
end
local sta = { cfg = nil, started = false, ip = false, cb = {}, timer = nil }
local function sta_event(ev, info)
  local cb = sta.cb[ev]
  if cb then run("wifi", cb, ev, info) end
end
local function sta_join()
  if not sta.started or sta.cfg == nil or sta.ip or sta.timer then return end
  sta.timer = tmr.create()
  sta.timer:alarm(2000, tmr.ALARM_SINGLE, function()
    sta.timer = nil
    local ok = net_up and (in_range == nil or (sta.cfg.ssid == in_range.ssid and sta.cfg.pwd == in_range.pwd))
    if ok then
      sta.ip = true
      sta_event("got_ip", { ip = "192.168.4.2", netmask = "255.255.255.0", gw = "192.168.4.1" })
    else
      -- 201: NO_AP_FOUND; 15: 4WAY_HANDSHAKE_TIMEOUT (a wrong passphrase). auto: it tries again.
      sta_event("disconnected", { ssid = sta.cfg.ssid, reason = (in_range and sta.cfg.ssid == in_range.ssid and net_up) and 15 or 201 })
      if sta.cfg.auto then sta_join() end
    end
  end)
end
wifi = { STATION = 1, SOFTAP = 2, STATIONAP = 3, NULLMODE = 0, sta = {} }
function wifi.mode(m, save) end
function wifi.start() sta.started = true; sta_join() end
function wifi.sta.config(cfg, save)
  sta.cfg = { ssid = cfg.ssid, pwd = cfg.pwd or "", auto = cfg.auto ~= false }
  if sta.ip then sta.ip = false; sta_event("disconnected", { reason = 8 }) end -- ASSOC_LEAVE
  sta_join()
end
function wifi.sta.on(ev, cb) sta.cb[ev] = cb end

-- The mqtt module: each client's connection is the host's, to a real broker.
local clients = {}
local client_count = 0
local Client = {}
Client.__index = Client
mqtt = { CONN_FAIL_SERVER_NOT_FOUND = -5 }
function mqtt.Client(id, keepalive, user, pass, clean)
  client_count = client_count + 1
  local c = setmetatable({ n = client_count, id = id, keepalive = keepalive or 120, user = user or "", pass = pass or "", clean = clean or 1, cb = {}, state = "idle" }, Client)
  clients[c.n] = c
  return c
end
function Client:lwt(topic, msg, qos, retain) self.will = { topic = topic, msg = msg } end
function Client:on(ev, cb) self.cb[ev] = cb end
function Client:connect(host, port, secure, ok, fail)
  if self.state ~= "idle" then return false end
  self.ok, self.fail = ok, fail
  if not sta.ip then
    -- No network: the TCP connect fails (after lwIP's timeout on a chip; at once here).
    self.state = "failing"
    local t = tmr.create()
    t:alarm(1000, tmr.ALARM_SINGLE, function() self.state = "idle"; if fail then fail(self, mqtt.CONN_FAIL_SERVER_NOT_FOUND) end end)
    return true
  end
  self.state = "connecting"
  local w = self.will or { topic = "", msg = "" }
  -- secure: 0/false plain MQTT; 1/true TLS without a check of the broker (as the chip with no
  -- CA); a table's ca_cert: TLS, the broker's certificate checked against that PEM.
  local tls = "-"
  if type(secure) == "table" then tls = secure.ca_cert and hex(secure.ca_cert) or "1"
  elseif secure == true or secure == 1 then tls = "1" end
  emit(string.format("M C %d %s %d %s %s %s %d %d %s %s %s", self.n, hex(host), port or 1883, hex(self.id), hex(self.user), hex(self.pass), self.clean, self.keepalive, hex(w.topic), hex(w.msg), tls))
  return true
end
function Client:subscribe(topic, qos)
  if self.state ~= "up" then return false end
  emit(string.format("M S %d %s %d", self.n, hex(topic), qos or 0))
  return true
end
function Client:publish(topic, data, qos, retain)
  if self.state ~= "up" then return false end
  emit(string.format("M P %d %s %s %d %d", self.n, hex(topic), hex(data), qos or 0, retain or 0))
  return true
end
function Client:close()
  if self.state == "idle" then return false end
  self.state = "idle"
  emit("M X " .. self.n)
  return true
end

-- What the host's connections bring, as NodeMCU's callbacks.
local function mqtt_event(rest)
  local ev, n, a, b = rest:match("^(%a) (%d+) ?(%S*) ?(%S*)$")
  if ev == "W" then
    net_up = n == "1"
    if not net_up and sta.ip then sta.ip = false; sta_event("disconnected", { reason = 200 }) end -- BEACON_TIMEOUT
    if net_up then sta_join() end
    return
  end
  local c = clients[tonumber(n)]
  if c == nil then return end
  if ev == "c" and c.state == "connecting" then
    c.state = "up"
    if c.ok then run("mqtt", c.ok, c) end
    if c.cb.connect then run("mqtt", c.cb.connect, c) end
  elseif ev == "f" and c.state == "connecting" then
    c.state = "idle"
    if c.fail then run("mqtt", c.fail, c, tonumber(a)) end
  elseif ev == "o" and c.state == "up" then
    c.state = "idle"
    if c.cb.offline then run("mqtt", c.cb.offline, c) end
  elseif ev == "m" and c.state == "up" then
    if c.cb.message then run("mqtt", c.cb.message, c, unhex(a), unhex(b)) end
  end
end

local function due()
  local best, bt = nil, nil
  for obj, t in pairs(timers) do
    if best == nil or t.at < bt.at or (t.at == bt.at and t.order < bt.order) then best, bt = obj, t end
  end
  return best, bt
end

local function advance(ms)
  local target = now_us + ms * 1000
  while true do
    local obj, t = due()
    local e = edges[1]
    local next_at = t and t.at or math.huge
    if e and e.at < next_at then next_at = e.at end
    if softwd_at and softwd_at < next_at then next_at = softwd_at end
    if next_at > target then break end
    now_us = math.max(now_us, next_at)
    if softwd_at and softwd_at <= now_us then end_run("R watchdog") end
    if e and e.at <= now_us and (t == nil or e.at <= t.at) then
      table.remove(edges, 1)
      local h = trig[e.pin]
      if h then run("trig", h.cb, h.type == "up" and 1 or 0, math.floor(e.at) % 2147483648, 1) end
    else
      if t.period then t.at = t.at + t.period; order = order + 1; t.order = order else timers[obj] = nil end
      run("alarm", t.cb, obj)
    end
  end
  now_us = target
end

local pending = ""
local function input(bytes)
  local text = pending .. bytes
  while true do
    local i = text:find("\n", 1, true)
    if i == nil then break end
    local line = text:sub(1, i)
    text = text:sub(i + 1)
    if uart_cb then
      run("uart", uart_cb, line)
    else
      if echo then emit("O " .. hex(line)) end
      local chunk, err = load(line, "stdin")
      if chunk == nil then print(err) else run("repl", chunk) end
      if prompt and uart_cb == nil then emit("O " .. hex("> ")) end
    end
  end
  pending = text
end

if firmware:sub(1, 4) == "lfs:" then
  -- The program is a module of the LFS image this core was started with (`solkit build`'s
  -- measure, the simulator's --lfs board): called as init.lua does on a chip.
  local main = node.LFS and node.LFS.get(firmware:sub(5))
  if main == nil then print("solkit: no module " .. firmware:sub(5) .. " in LFS") else run("boot", main) end
elseif firmware ~= "-" then
  run("boot", real_dofile, firmware)
else
  -- NodeMCU's start: its banner, then init.lua when the flash has one, then the REPL.
  print("\nNodeMCU 3.0.0.0 (solkit emulation)\n        lua: Lua 5.3.6")
  if sizes["init.lua"] ~= nil then run("boot", dofile, "init.lua") else print("lua: cannot open init.lua") end
end
if prompt and uart_cb == nil then emit("O " .. hex("> ")) end
io.stdout:setvbuf("full")
emit("D " .. math.floor(now_us / 1000) .. " 0")
out:flush()
while true do
  local line = table.remove(early, 1) or io.stdin:read("l")
  if line == nil then break end
  -- Commands come tagged " #<n>"; the done line carries the tag back (sync-process.ts).
  local body, tag = line:match("^(.-) #(%d+)$")
  if body then line = body end
  local cmd, rest = line:match("^(%a) ?(.*)$")
  if cmd == "A" then advance(tonumber(rest))
  elseif cmd == "I" then input(unhex(rest))
  elseif cmd == "P" then
    local pin = tonumber(rest:match("^(%d+)"))
    for at in rest:gmatch(" ([%d.]+)") do edges[#edges + 1] = { pin = pin, at = tonumber(at) * 1000 } end
    table.sort(edges, function(a, b) return a.at < b.at end)
  elseif cmd == "C" then budget = tonumber(rest)
  elseif cmd == "S" then
    local name, size = rest:match("^(%S+) (%d+)$")
    sizes[name] = tonumber(size) > 0 and tonumber(size) or nil
  elseif cmd == "N" then mqtt_event(rest)
  elseif cmd == "K" then collectgarbage("collect"); emit(string.format("K %.1f", collectgarbage("count")))
  elseif cmd == "W" then emit("W " .. written .. " " .. writes)
  elseif cmd == "Q" then break
  end
  emit("D " .. math.floor(now_us / 1000) .. " " .. (tag or "0"))
  out:flush()
end
