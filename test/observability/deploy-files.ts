import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

/** A file of the deploy/ folder, by path inside it. */
export const deployPath = (path: string): string => fileURLToPath(new URL(`../../deploy/${path}`, import.meta.url));

export const RULE_FILES = ['prometheus/rules/recording.yml', 'prometheus/rules/alerts.yml'].map(deployPath);

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}

/** Every rule of a rule file, in order. */
export function rulesOf(file: string): Rule[] {
  const doc = YAML.parse(readFileSync(file, 'utf8')) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** A Grafana panel of deploy/grafana/mishards.json, as far as the tests read it. */
export interface DashboardPanel {
  type: string;
  id: number;
  title: string;
  datasource?: { type: string; uid: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { refId: string; expr: string; datasource?: { type: string; uid: string } }[];
}

export interface Dashboard {
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query: unknown; datasource?: unknown }[] };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(deployPath('grafana/mishards.json'), 'utf8')) as Dashboard;
}

/**
 * A panel query as Prometheus evaluates it with every instance and group selected: the
 * dashboard's variables replaced as Grafana does for "All" (`.*`) and `$__rate_interval` with
 * a window the test's scrapes fill.
 */
export function evaluable(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$instance', '.*').replaceAll('$group', '.*');
}
