-- solkit Lua prelude: typed arrays for code compiled by typescript-to-lua (TSTL), which has
-- none. It provides exactly the subset docs/portability.md allows: `new Uint8Array(n)` (and
-- Float64Array, Int32Array, Uint32Array) as a zero-filled table with keys 0..n-1 and a
-- `length` field. TSTL compiles `new X(n)` to `__TS__New(X, n)`, which makes the instance
-- with `setmetatable({}, X.prototype)` and calls `instance:____constructor(n)`; it leaves
-- `a[i]` (0-based) and `a.length` as they are for non-Array types.
-- Unlike JavaScript, stored values are not wrapped or truncated: portable code stores only
-- in-range integers. Writes past the end are ignored, as JavaScript ignores them.
local function ____solkitTypedArray(name)
    local class = { name = name }
    local proto = {}
    proto.__index = proto
    proto.constructor = class
    proto.__newindex = function(self, key, value)
        if type(key) ~= "number" then
            rawset(self, key, value)
        end
    end
    proto.____constructor = function(self, n)
        local len = math.tointeger(n)
        if len == nil or len < 0 then
            error("RangeError: invalid " .. name .. " length " .. tostring(n), 2)
        end
        for i = 0, len - 1 do
            rawset(self, i, 0)
        end
        rawset(self, "length", len)
    end
    class.prototype = proto
    return class
end
Uint8Array = ____solkitTypedArray("Uint8Array")
Float64Array = ____solkitTypedArray("Float64Array")
Int32Array = ____solkitTypedArray("Int32Array")
Uint32Array = ____solkitTypedArray("Uint32Array")
