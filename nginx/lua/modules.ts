import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Lua module's dynamic modules, in load order: the Nginx Development Kit, then Lua. */
const LUA_MODULES = ['ndk_http_module.so', 'ngx_http_lua_module.so'];

/** Where distributions put Nginx's dynamic modules (Debian's libnginx-mod-* first). */
const MODULE_DIRS = ['/usr/lib/nginx/modules', '/usr/lib64/nginx/modules', '/usr/share/nginx/modules', '/etc/nginx/modules'];

/** The paths to load_module for Lua mode, or undefined when the Lua module is not installed. */
export function findLuaModules(): string[] | undefined {
  const dir = MODULE_DIRS.find((d) => LUA_MODULES.every((m) => existsSync(join(d, m))));
  return dir ? LUA_MODULES.map((m) => join(dir, m)) : undefined;
}
