import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { nginxAgentConfig } from '../../cli/nginx-agent.js';
import { parseServerOptions } from '../../cli/options.js';
import { up } from '../../cli/up.js';

/** The agent's flags as its configuration, and the usage errors of the agent and `up --nginx` (TLS among them). */
const log = pino({ level: 'silent' });
const agent = (...argv: string[]) => nginxAgentConfig(parseServerOptions(argv, {}), log);

describe('nginx-agent and up --nginx options', () => {
  it('maps the flags onto the agent', () => {
    const c = agent(
      '--xds',
      '127.0.0.1:18000',
      '--name',
      'edge-1',
      '--http-port',
      '8081',
      '--nginx-mode',
      'reload',
      '--data-dir',
      '/var/lib/m',
    );
    expect(c).toMatchObject({
      xds: '127.0.0.1:18000',
      nodeId: 'edge-1',
      restPort: 8081,
      mode: 'reload',
      dir: '/var/lib/m/nginx',
      tls: undefined,
      include: undefined,
    });
    expect(
      agent('--xds', 'cp:1', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--nginx-include', '/etc/nginx/conf.d/m.conf'),
    ).toMatchObject({
      tls: { certificate: 'c.pem', key: 'k.pem' },
      include: { file: '/etc/nginx/conf.d/m.conf', mainConfig: undefined },
      restPort: undefined,
    });
    expect(agent('--xds', 'cp:1').nodeId).toMatch(/^nginx-.+-\d+$/);
    expect(agent('--xds', 'cp:1', '--nginx-bin', '/opt/nginx/sbin/nginx').binary).toBe('/opt/nginx/sbin/nginx');
  });

  it.each([
    [['--name', 'x'], /nginx-agent needs --xds HOST:PORT/],
    [['--xds', 'cp:1', '--nginx-mode', 'sometimes'], /--nginx-mode must be auto, reload or lua/],
    [['--xds', 'cp:1', '--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/],
    [['--xds', 'cp:1', '--nginx-conf', '/etc/nginx/nginx.conf'], /--nginx-conf goes with --nginx-include/],
    [
      ['--xds', 'cp:1', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--tls-ca', 'ca.pem'],
      /nginx-agent: no --tls-ca: the agent speaks plaintext/,
    ],
  ])('%j', (argv, reason) => {
    expect(() => agent(...argv)).toThrow(reason);
  });

  it('up --nginx needs etcd', async () => {
    await expect(up(parseServerOptions(['--nginx'], {}))).rejects.toThrow(/up --nginx needs --etcd HOST:PORT/);
  });

  it('up --nginx refuses TLS, with the reason', async () => {
    const tls = ['--tls-cert', 'c.pem', '--tls-key', 'k.pem'];
    await expect(up(parseServerOptions(['--nginx', '--etcd', '127.0.0.1:2379', '--nginx-bin', '/bin/true', ...tls], {}))).rejects.toThrow(
      /up --nginx cannot be combined with --tls-cert\/--tls-key\/--tls-ca: the agent speaks plaintext/,
    );
  });
});
