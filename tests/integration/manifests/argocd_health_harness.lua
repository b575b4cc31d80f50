-- Runs an Argo CD health script the way Argo CD does: `obj` is the resource as a table, the
-- script returns {status, message}. Argo CD's gopher-lua (Lua 5.1) opens only the base and table
-- libraries, so the script gets only those and strings lose their methods.
-- Usage: lua5.1 argocd_health_harness.lua HEALTH.lua OBJECT.lua (a chunk returning the table)
local script_path, object_path = arg[1], arg[2]
local obj = dofile(object_path)
local chunk = assert(loadfile(script_path))

local env = {
  obj = obj, assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs,
  pcall = pcall, select = select, tonumber = tonumber, tostring = tostring, type = type,
  unpack = unpack, table = table,
}
setfenv(chunk, env)
getmetatable("").__index = nil

local ok, hs = pcall(chunk)
if not ok then
  io.stderr:write("health script failed: ", tostring(hs), "\n")
  os.exit(3)
end
io.write(tostring(hs.status), "\n", tostring(hs.message), "\n")
