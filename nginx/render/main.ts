/**
 * The main configuration of the private Nginx the agent runs: everything outside the `http`
 * block, in a working directory of its own (pid file, temporary files), its error log on
 * stderr, where the agent reads it (reload confirmations, upstream errors).
 */
export interface PrivateNginxSettings {
  /** The working directory; `temp/` under it must exist (Nginx creates one level only). */
  prefix: string;
  /** Dynamic modules to load (the Lua balancer needs ndk and lua). */
  modules: readonly string[];
  /** Workers run as root when the agent does: as `nobody` they could not enter its directory. */
  runAsRoot: boolean;
}

export function privateMainConfig(http: string, s: PrivateNginxSettings): string {
  const temp = (name: string) => `${name}_temp_path ${s.prefix}/temp/${name};`;
  return [
    ...s.modules.map((m) => `load_module ${m};`),
    'daemon off;',
    'master_process on;',
    'worker_processes auto;',
    ...(s.runAsRoot ? ['user root;'] : []),
    `pid ${s.prefix}/nginx.pid;`,
    'error_log stderr notice;',
    'events {',
    '    worker_connections 8192;',
    '}',
    'http {',
    '    access_log off;',
    '    server_tokens off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `    ${temp(n)}`),
    ...http.split('\n').map((l) => (l ? `    ${l}` : l)),
    '}',
    '',
  ].join('\n');
}
