-- The balancer of the Nginx agent's Lua mode (docs/nginx.md). The peers of every upstream
-- live in a shared dictionary that the agent replaces over its admin socket, so a change of
-- endpoints needs no reload: no new workers, no lost upstream keep-alive connections.
-- Per worker: round robin, or rendezvous hashing on $mishards_hash_key when a route sets it;
-- passive health as Nginx's max_fails and fail_timeout.
local balancer = require "ngx.balancer"

local M = {}
local dict = ngx.shared.mishards_peers

local loaded_version     -- the dictionary's version this worker parsed
local peers = {}         -- upstream name -> list of "ip:port" (an endpoint of weight w w times)
local position = {}      -- upstream name -> round-robin position
local failures = {}      -- "ip:port" -> { count, at }

-- One line per upstream: "<name> <ip>:<port>[*<weight>] ...".
local function parse(text)
  local result = {}
  for line in text:gmatch("[^\n]+") do
    local name, rest = line:match("^(%S+)%s*(.*)$")
    local list = {}
    for peer in rest:gmatch("%S+") do
      local address, weight = peer:match("^(.-)%*(%d+)$")
      if not address then
        address, weight = peer, "1"
      end
      for _ = 1, tonumber(weight) do
        list[#list + 1] = address
      end
    end
    result[name] = list
  end
  return result
end

local function refresh()
  local version = dict:get("version")
  if version ~= loaded_version then
    peers = parse(dict:get("peers") or "")
    loaded_version = version
  end
end

-- The admin location: the request body replaces every upstream's peers.
function M.update()
  ngx.req.read_body()
  local ok, err = dict:safe_set("peers", ngx.req.get_body_data() or "")
  if not ok then
    ngx.status = 500
    ngx.say("peers not stored: ", err)
    return
  end
  dict:incr("version", 1, 0)
  ngx.say("ok")
end

local function usable(address, max_fails, fail_timeout, now)
  local f = failures[address]
  if not f then
    return true
  end
  if now - f.at >= fail_timeout then
    failures[address] = nil
    return true
  end
  return f.count < max_fails
end

local function candidates(list, tried, max_fails, fail_timeout)
  local now = ngx.now()
  local healthy, untried = {}, {}
  for _, address in ipairs(list) do
    if not tried[address] then
      untried[#untried + 1] = address
      if usable(address, max_fails, fail_timeout, now) then
        healthy[#healthy + 1] = address
      end
    end
  end
  -- Every untried peer failed lately: try them anyway rather than fail the request.
  if #healthy > 0 then
    return healthy
  end
  return untried
end

local function pick(name, list, key)
  if key and key ~= "" then
    -- Rendezvous hashing: a peer joining or leaving moves only the keys it wins or held.
    local best, best_score
    for _, address in ipairs(list) do
      local score = ngx.crc32_long(key .. "|" .. address)
      if not best_score or score > best_score then
        best, best_score = address, score
      end
    end
    return best
  end
  local i = (position[name] or 0) % #list + 1
  position[name] = i
  return list[i]
end

-- balancer_by_lua: picks the peer of this try; without peers the upstream's placeholder,
-- which is down, answers 502 as an upstream without endpoints does.
function M.balance(name, max_fails, fail_timeout)
  refresh()
  local list = peers[name]
  if not list or #list == 0 then
    return
  end
  local ctx = ngx.ctx
  local tried = ctx.mishards_tried
  if tried then
    local state = balancer.get_last_failure()
    if state then
      local f = failures[ctx.mishards_peer] or { count = 0 }
      f.count, f.at = f.count + 1, ngx.now()
      failures[ctx.mishards_peer] = f
    end
  else
    tried = {}
    ctx.mishards_tried = tried
    -- One try per distinct peer (the location's next_upstream_tries may allow fewer). The
    -- upstream's own server is a placeholder marked down, which leaves Nginx no tries of its own.
    local distinct, count = {}, 0
    for _, address in ipairs(list) do
      if not distinct[address] then
        distinct[address] = true
        count = count + 1
      end
    end
    balancer.set_more_tries(count)
  end
  local choices = candidates(list, tried, max_fails, fail_timeout)
  if #choices == 0 then
    return
  end
  local address = pick(name, choices, ngx.var.mishards_hash_key)
  tried[address] = true
  ctx.mishards_peer = address
  local host, port = address:match("^%[?(.-)%]?:(%d+)$")
  local ok, err = balancer.set_current_peer(host, tonumber(port))
  if not ok then
    ngx.log(ngx.ERR, "mishards balancer: ", err)
  end
end

return M
