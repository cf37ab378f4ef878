-- mod_s2s_static_route: test-harness helper for Prosody 0.12.
-- Routes outgoing s2s connections for selected domains to a fixed
-- address/port instead of doing DNS SRV/A lookups.  Not a template (no
-- placeholders): copy it verbatim into the directory listed in plugin_paths.
--
-- Config (global section):
--   s2s_static_routes = { ["b.test"] = { host = "127.0.0.1"; port = 15269 } }
--
-- The TLS certificate is still verified against the remote *domain*
-- (e.g. b.test), so s2s_secure_auth keeps working with the test CA.
local service = require "net.resolvers.service";
local manual = require "net.resolvers.manual";

local routes = module:get_option("s2s_static_routes", {});

if not service._harness_original_new then
	service._harness_original_new = service.new;
end
local original_new = service._harness_original_new;

service.new = function (hostname, srv_name, conn_type, extra)
	local route = routes[hostname];
	if route then
		conn_type = conn_type or "tcp";
		if srv_name == "xmpps-server" then
			-- No direct-TLS s2s endpoint: yield no targets so the chain
			-- falls through to the STARTTLS resolver.
			return manual.new({}, conn_type, extra);
		end
		module:log("debug", "Static s2s route for %s -> %s:%d", hostname, route.host, route.port);
		return manual.new({ { conn_type .. "4", route.host or "127.0.0.1", route.port, extra } }, conn_type, extra);
	end
	return original_new(hostname, srv_name, conn_type, extra);
end

function module.unload()
	service.new = original_new;
end
