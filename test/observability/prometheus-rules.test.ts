import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import YAML from 'yaml';
import { findBinary } from '../harness/binaries.js';
import { deployPath, RULE_FILES, rulesOf } from './deploy-files.js';

/**
 * deploy/prometheus as Prometheus's own tool sees it: the rule files and both scrape
 * configurations are valid, and the alerts' unit tests (promtool's evaluator over synthetic
 * series) pass, with every alert covered both firing and not firing.
 */
const run = promisify(execFile);
const promtool = (...args: string[]) => run(findBinary('promtool'), args, { cwd: deployPath('prometheus') });

it('promtool check rules accepts the recording and alerting rules', async () => {
  const { stdout } = await promtool('check', 'rules', ...RULE_FILES);
  expect(stdout).toContain(`SUCCESS: ${rulesOf(RULE_FILES[0]!).length} rules found`);
  expect(stdout).toContain(`SUCCESS: ${rulesOf(RULE_FILES[1]!).length} rules found`);
});

it('promtool check config accepts both scrape configurations', async () => {
  for (const config of ['prometheus.yml', 'prometheus-static.yml']) {
    const { stdout } = await promtool('check', 'config', config);
    expect(stdout).toContain(`SUCCESS: ${config} is valid prometheus config file syntax`);
  }
});

it('promtool test rules passes, with every alert tested firing and not firing', async () => {
  const testFile = deployPath('prometheus/tests/alerts.test.yml');
  const { stdout } = await promtool('test', 'rules', testFile);
  expect(stdout).toContain('SUCCESS');
  const tests = (
    YAML.parse(readFileSync(testFile, 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] }
  ).tests.flatMap((t) => t.alert_rule_test);
  for (const { alert } of rulesOf(RULE_FILES[1]!)) {
    const cases = tests.filter((t) => t.alertname === alert);
    expect(
      cases.some((c) => c.exp_alerts.length > 0),
      `${alert} firing`,
    ).toBe(true);
    expect(
      cases.some((c) => c.exp_alerts.length === 0),
      `${alert} not firing`,
    ).toBe(true);
  }
});
