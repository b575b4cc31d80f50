-- Argo CD health check for OrderOps resources (AftersalesTimeoutPolicy and ProfitShareSchedule
-- share it). Argo CD runs it in gopher-lua (Lua 5.1) with only the base and table libraries, so
-- it uses no string functions. Conditions are those of api.md section 2.
local hs = {}

local function condition(conditions, wanted)
  for _, c in ipairs(conditions) do
    if c.type == wanted then
      return c
    end
  end
  return nil
end

-- Reasons after which the controller waits for a person (the Stalled condition says the same).
local stalled_reasons = {
  InvalidSpec = true,
  SecretNotFound = true,
  InvalidCredentials = true,
  SchemaMismatch = true,
}

local function describe(c)
  local reason = c.reason or ""
  if c.message ~= nil and c.message ~= "" then
    return reason .. ": " .. c.message
  end
  return reason
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to report status"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to observe generation " .. generation
  return hs
end

local ready = condition(obj.status.conditions, "Ready")
local stalled = condition(obj.status.conditions, "Stalled")

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  return hs
end

if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end

if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition of generation " .. generation
  return hs
end

if ready.status == "False" and stalled_reasons[ready.reason] then
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

if ready.status == "True" and ready.reason == "Suspended" then
  hs.status = "Suspended"
  hs.message = describe(ready)
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end

-- Ready False for a reason the controller retries (DatabaseUnavailable), or Unknown.
hs.status = "Progressing"
hs.message = describe(ready)
return hs
