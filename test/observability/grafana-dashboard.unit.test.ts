import { expect, it } from 'vitest';
import { readDashboard } from './deploy-files.js';

/**
 * deploy/grafana/mishards.json is a Grafana dashboard model an operator can import as it is:
 * its rows, its variables, and panels that each name the Prometheus data source, a query, a
 * unit and a title. (That every query returns data from a real cluster is checked in
 * cluster-observability.test.ts.)
 */
const dashboard = readDashboard();
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's reference to the data source variable, not a template
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

it('has a row for each part of the cluster, every panel under one', () => {
  const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
  for (const part of [/front door/i, /fan-out per reader group/i, /data nodes/i, /ingest/i, /control plane and xds/i, /process health/i])
    expect(
      rows.some((r) => part.test(r)),
      String(part),
    ).toBe(true);
  expect(dashboard.panels[0]!.type).toBe('row');
});

it('lets the operator pick a data source, instances and reader groups', () => {
  const vars = new Map(dashboard.templating.list.map((v) => [v.name, v]));
  expect(vars.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
  for (const name of ['instance', 'group']) {
    expect(vars.get(name)).toMatchObject({ type: 'query', datasource: DATASOURCE, includeAll: true, allValue: '.*' });
  }
  const uses = (v: string) => dashboard.panels.some((p) => p.targets?.some((t) => t.expr.includes(v)));
  expect(uses('$instance')).toBe(true);
  expect(uses('$group')).toBe(true);
});

it('gives every panel a title, the data source, a query and a unit', () => {
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  expect(panels.length).toBeGreaterThan(20);
  for (const p of panels) {
    expect(p.title, `panel ${p.id}`).toMatch(/\S/);
    expect(p.datasource, p.title).toEqual(DATASOURCE);
    expect(p.fieldConfig?.defaults?.unit, p.title).toMatch(/\S/);
    expect(p.targets?.length, p.title).toBeGreaterThan(0);
    for (const t of p.targets!) {
      expect(t.expr, p.title).toMatch(/\S/);
      expect(t.datasource, p.title).toEqual(DATASOURCE);
      // Only the variables the dashboard defines (and Grafana's rate interval).
      expect(t.expr.match(/\$\w+/g)?.filter((v) => !['$instance', '$group', '$__rate_interval'].includes(v)) ?? [], p.title).toEqual([]);
    }
  }
  expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
});
