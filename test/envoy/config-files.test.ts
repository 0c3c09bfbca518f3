/**
 * Every Envoy YAML file in the repository must load as Envoy would load it: each document a
 * Bootstrap, or the type its top-level "@type" names (snippets). The files are found at run
 * time, so a new one is checked without touching this test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateEnvoyYamlText, type YamlIssue } from '../../envoy-schema/index.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const envoyDir = join(repo, 'envoy');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [relative(repo, path)] : [];
  });
}

const files = yamlFiles(envoyDir).sort();

function show(issues: YamlIssue[]): string[] {
  return issues.map((i) => `${i.file}:${i.line ?? '?'} (document ${i.document}) ${i.path || '<root>'}: ${i.message}`);
}

describe('Envoy configuration files', () => {
  it('envoy/ holds at least one YAML file', () => {
    expect(files).not.toEqual([]);
  });

  it.each(files)('%s is a valid Envoy configuration', (file) => {
    const result = validateEnvoyYamlText(readFileSync(join(repo, file), 'utf8'), file);
    expect(show(result.errors)).toEqual([]);
    if (result.warnings.length > 0) console.warn(`${file}: warnings\n  ${show(result.warnings).join('\n  ')}`);
  });
});
