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
