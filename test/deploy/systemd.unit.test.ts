import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../runtime/executables.js';
import { parseSettings } from './settings.js';

/**
 * The systemd units of deploy/systemd, checked by systemd itself: `systemd-analyze verify`
 * (syntax, directives, the executable) and `systemd-analyze security --offline` (the sandbox
 * of the shared drop-in, applied to each unit as systemd applies it). The units name Node at
 * /usr/bin/node, Debian's; where it lives elsewhere, the copy checked names this machine's.
 */
const DIR = fileURLToPath(new URL('../../deploy/systemd', import.meta.url));
const ROLES = ['writer', 'reader', 'coordinator', 'control-plane', 'nginx-agent'];
const units = readdirSync(DIR).filter((f) => f.endsWith('.service') || f.endsWith('.target'));
const services = units.filter((f) => f.endsWith('.service'));
const systemdAnalyze = findExecutable('systemd-analyze');
const checked = mkdtempSync(join(tmpdir(), 'mishards-systemd-'));
cpSync(DIR, checked, { recursive: true });
for (const unit of units) {
  const path = join(checked, unit);
  writeFileSync(path, readFileSync(path, 'utf8').replaceAll('/usr/bin/node ', `${process.execPath} `));
}
afterAll(() => rmSync(checked, { recursive: true, force: true }));

function analyze(args: string[]): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(systemdAnalyze!, args, { cwd: checked, encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

it('has a unit for every role, each starting the executable with its role', () => {
  for (const role of ROLES) {
    const unit = services.find((f) => f === `mishards-${role}.service` || f === `mishards-${role}@.service`);
    expect(unit, role).toBeDefined();
    expect(readFileSync(join(DIR, unit!), 'utf8')).toMatch(
      new RegExp(`^ExecStart=/usr/bin/node /opt/mishards/bin/mishards\\.js ${role}$`, 'm'),
    );
  }
});

it('sets every role option in the shared settings file to a valid value', () => {
  const env = Object.fromEntries(
    readFileSync(join(DIR, 'mishards.env'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  expect(Object.keys(env).length).toBeGreaterThan(0);
  const parsed = parseSettings(env);
  expect(parsed.drainDelay).toBeGreaterThan(0);
  // The stop bound systemd gives: the drain delay plus the server's 5 s, with room to spare.
  const stopSec = Number(/^TimeoutStopSec=(\d+)$/m.exec(readFileSync(join(DIR, 'mishards-.service.d/10-mishards.conf'), 'utf8'))?.[1]);
  expect(stopSec).toBeGreaterThan(parsed.drainDelay + 5);
});

describe.runIf(systemdAnalyze)('systemd-analyze', () => {
  it.each(units)('verifies %s', (unit) => {
    const { ok, output } = analyze(['verify', unit]);
    expect(output).toBe('');
    expect(ok).toBe(true);
  });

  it.each(services)('sandboxes %s (exposure below 2 of 10)', (unit) => {
    const { output } = analyze(['security', '--offline=yes', unit]);
    const exposure = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(output)?.[1]);
    expect(exposure).toBeLessThan(2);
  });
});

if (!systemdAnalyze) console.log('systemd-analyze is not installed: the systemd units are not verified');
