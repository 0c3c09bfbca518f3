import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateEnvoyYamlText } from '../../envoy-schema/index.js';
import { type K8sObject, kustomize } from './kustomize.js';
import { parseSettings } from './settings.js';

/**
 * deploy/kubernetes, rendered as `kubectl kustomize` renders it (./kustomize.ts): every object
 * valid by the Kubernetes API's schemas (the kubernetes-models package), everything it names
 * (ConfigMaps and their keys, Secrets and their keys, claims, Services, volumes, ports,
 * autoscaling targets, the hosts in the settings) rendered beside it, and Mishards' own
 * settings and flags accepted by the executable.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KUBERNETES = join(ROOT, 'deploy/kubernetes');
const RENDERS = ['base', 'overlays/small', 'overlays/production', 'overlays/nginx'];
const rendered = new Map(RENDERS.map((r) => [r, kustomize(join(KUBERNETES, r))]));
const WORKLOADS = new Set(['Deployment', 'StatefulSet']);

/** The kubernetes-models classes by apiVersion: each one's validate() applies the API's schema. */
const MODELS: Record<string, Record<string, unknown>> = { v1: core, 'apps/v1': apps, 'autoscaling/v2': autoscaling, 'policy/v1': policy };

function modelOf(o: K8sObject): new (data: unknown) => { validate(): void } {
  const model = MODELS[o.apiVersion]?.[o.kind];
  if (typeof model !== 'function') throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  return model as new (
    data: unknown,
  ) => { validate(): void };
}

const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** The values of a Secret or ConfigMap by key (stringData as the API server stores it). */
function dataOf(o: K8sObject | undefined): Record<string, string> | undefined {
  if (!o) return undefined;
  const decoded = Object.fromEntries(
    Object.entries(o.data ?? {}).map(([k, v]) => [k, o.kind === 'Secret' ? Buffer.from(String(v), 'base64').toString() : String(v)]),
  );
  return { ...decoded, ...o.stringData };
}

/** What a container's environment resolves to, with stand-ins for what the pod's fields give (its IP, name, namespace). */
function environmentOf(objects: K8sObject[], pod: any, container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const source = from.configMapRef ? find(objects, 'ConfigMap', from.configMapRef.name) : find(objects, 'Secret', from.secretRef.name);
    Object.assign(env, dataOf(source) ?? expect.fail(`envFrom names ${JSON.stringify(from)}, which is not rendered`));
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom;
    // $(NAME) is a variable defined before, as the kubelet expands it.
    if (e.value !== undefined) env[e.name] = e.value.replace(/\$\((\w+)\)/g, (ref: string, name: string) => env[name] ?? ref);
    else if (ref?.configMapKeyRef || ref?.secretKeyRef) {
      const [kind, r] = ref.configMapKeyRef ? ['ConfigMap', ref.configMapKeyRef] : ['Secret', ref.secretKeyRef];
      const value = dataOf(find(objects, kind, r.name))?.[r.key];
      if (value === undefined) expect.fail(`${container.name}: ${e.name} from ${kind} ${r.name} key ${r.key}, which is not rendered`);
      env[e.name] = value;
    } else if (ref?.fieldRef) {
      const label = /^metadata\.labels\['(.+)'\]$/.exec(ref.fieldRef.fieldPath)?.[1];
      env[e.name] = label
        ? (pod.metadata.labels[label] ?? expect.fail(`${e.name}: the pod has no label ${label}`))
        : `pod-${e.name.toLowerCase()}`;
    }
  }
  return env;
}

/** Host names the settings dial, without a domain: they must be Services of the render. */
function clusterHosts(addresses: (string | undefined)[]): string[] {
  return addresses
    .flatMap((a) => (a ?? '').split(','))
    .map((a) => a.replace(/^\w+:\/\/([^@]*@)?/, '').split(/[:/]/)[0]!)
    .filter((host) => host && !host.includes('.'));
}

describe.each(RENDERS)('deploy/kubernetes/%s', (render) => {
  const objects = rendered.get(render)!;
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  const pods = workloads.map((w) => ({ workload: w, pod: w.spec.template }));

  it('is valid by the Kubernetes API schemas, one object per kind and name, all in the namespace mishards', () => {
    const invalid: string[] = [];
    for (const o of objects) {
      try {
        const Model = modelOf(o);
        new Model(o).validate();
      } catch (e) {
        invalid.push(`${id(o)}: ${(e as Error).message}`);
      }
    }
    expect(invalid).toEqual([]);
    const ids = objects.map(id);
    expect(ids.filter((x, i) => ids.indexOf(x) !== i)).toEqual([]);
    expect(objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== 'mishards').map(id)).toEqual([]);
    expect(find(objects, 'Namespace', 'mishards')).toBeDefined();
  });

  it('names only ConfigMaps, Secrets, claims, Services, volumes and ports that are rendered', () => {
    for (const { workload, pod } of pods) {
      const where = id(workload);
      expect(selects(workload.spec.selector.matchLabels, pod.metadata.labels), `${where} selects its own pods`).toBe(true);
      if (workload.kind === 'StatefulSet')
        expect(find(objects, 'Service', workload.spec.serviceName), `${where} serviceName`).toBeDefined();
      const volumes = new Set([
        ...(pod.spec.volumes ?? []).map((v: any) => v.name),
        ...(workload.spec.volumeClaimTemplates ?? []).map((c: any) => c.metadata.name),
      ]);
      for (const v of pod.spec.volumes ?? []) {
        if (v.configMap) expect(find(objects, 'ConfigMap', v.configMap.name), `${where} volume ${v.name}`).toBeDefined();
        if (v.secret) expect(find(objects, 'Secret', v.secret.secretName), `${where} volume ${v.name}`).toBeDefined();
        if (v.persistentVolumeClaim)
          expect(find(objects, 'PersistentVolumeClaim', v.persistentVolumeClaim.claimName), `${where} volume ${v.name}`).toBeDefined();
      }
      for (const c of pod.spec.containers) {
        environmentOf(objects, pod, c);
        for (const m of c.volumeMounts ?? []) expect(volumes.has(m.name), `${where} ${c.name} mounts ${m.name}`).toBe(true);
        const ports = new Set((c.ports ?? []).flatMap((p: any) => [p.name, p.containerPort]));
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe].filter(Boolean)) {
          const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
          if (port !== undefined) expect(ports.has(port), `${where} ${c.name} probes port ${port}`).toBe(true);
        }
      }
    }
    for (const service of objects.filter((o) => o.kind === 'Service')) {
      const backing = pods.filter(({ pod }) => selects(service.spec.selector, pod.metadata.labels));
      expect(backing.length, `${id(service)} selects pods`).toBeGreaterThan(0);
      const ports = new Set(backing.flatMap(({ pod }) => pod.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name))));
      for (const p of service.spec.ports) expect(ports.has(p.targetPort), `${id(service)} port ${p.name}`).toBe(true);
    }
    for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget'))
      expect(
        pods.some(({ pod }) => selects(pdb.spec.selector.matchLabels, pod.metadata.labels)),
        `${id(pdb)} selects pods`,
      ).toBe(true);
    for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler'))
      expect(find(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name), `${id(hpa)} target`).toBeDefined();
  });

  it('runs every container as non-root on a read-only root file system, with requests and a memory limit', () => {
    for (const { workload, pod } of pods) {
      expect(pod.spec.securityContext, id(workload)).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.spec.securityContext.runAsUser, id(workload)).toBeGreaterThan(0);
      for (const c of pod.spec.containers) {
        expect(c.securityContext, `${id(workload)} ${c.name}`).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.resources.requests, `${id(workload)} ${c.name}`).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
        expect(c.resources.limits?.memory, `${id(workload)} ${c.name}`).toBeDefined();
        expect(c.readinessProbe, `${id(workload)} ${c.name}`).toBeDefined();
        expect(c.livenessProbe, `${id(workload)} ${c.name}`).toBeDefined();
      }
    }
  });

  it("starts Mishards with settings and flags the executable accepts, probes on its health endpoints, the drain inside the grace period, dialing the render's Services", () => {
    const mishards = pods.flatMap(({ workload, pod }) =>
      pod.spec.containers.filter((c: any) => /^mishards(-nginx)?:/.test(c.image)).map((c: any) => ({ workload, pod, c })),
    );
    expect(new Set(mishards.map(({ c }) => c.args[0]))).toEqual(
      new Set(
        ['writer', 'reader', 'coordinator', 'control-plane', render === 'overlays/nginx' ? 'nginx-agent' : undefined].filter(Boolean),
      ),
    );
    for (const { workload, pod, c } of mishards) {
      const env = Object.entries(environmentOf(objects, pod, c)).filter(([name]) => name.startsWith('MISHARDS_'));
      const settings = parseSettings(Object.fromEntries(env), c.args.slice(1));
      const metricsPort = c.ports.find((p: any) => p.containerPort === settings.metricsPort)?.name;
      expect(c.readinessProbe.httpGet, id(workload)).toEqual({ path: '/healthz', port: metricsPort });
      expect(c.livenessProbe.httpGet, id(workload)).toEqual({ path: '/livez', port: metricsPort });
      expect(pod.spec.terminationGracePeriodSeconds, id(workload)).toBeGreaterThan(settings.drainDelay + 5);
      const hosts = clusterHosts([settings.etcd?.join(','), settings.xds, settings.meta.startsWith('mysql:') ? settings.meta : undefined]);
      for (const host of hosts) expect(find(objects, 'Service', host), `${id(workload)} dials ${host}`).toBeDefined();
      if (c.args[0] === 'reader') expect(settings.group).toBe(pod.metadata.labels['mishards.io/group']);
      // A stable pod name (POD.SERVICE.NAMESPACE.svc) needs a headless Service over the pod.
      const [, service] = /^[^.]+\.([^.]+)\.[^.]+\.svc$/.exec(settings.advertiseHost ?? '') ?? [];
      if (service) {
        const headless = find(objects, 'Service', service);
        expect(headless?.spec.clusterIP, `${id(workload)} advertises a name under ${service}`).toBe('None');
        expect(selects(headless!.spec.selector, pod.metadata.labels)).toBe(true);
        expect(workload.spec.serviceName).toBe(service);
      }
    }
    const groups = mishards.filter(({ c }) => c.args[0] === 'reader').map(({ pod }) => pod.metadata.labels['mishards.io/group']);
    expect(new Set(groups).size, 'one StatefulSet per reader group').toBe(groups.length);
    expect(find(objects, 'StatefulSet', 'mishards-writer')?.spec.replicas).toBe(1);
  });
});

it("gives Envoy envoy/bootstrap-ads.yaml with the control plane's Service for its address, a valid Envoy configuration", () => {
  const bootstrap = find(rendered.get('base')!, 'ConfigMap', 'mishards-envoy-bootstrap')!.data['bootstrap-ads.yaml'];
  const result = validateEnvoyYamlText(bootstrap, 'bootstrap-ads.yaml');
  expect(result.errors).toEqual([]);
  const expected = YAML.parse(readFileSync(join(ROOT, 'envoy/bootstrap-ads.yaml'), 'utf8'));
  const socket = expected.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address;
  socket.address = 'mishards-control-plane';
  expect(YAML.parse(bootstrap)).toEqual(expected);
  expect(find(rendered.get('base')!, 'Service', 'mishards-control-plane')?.spec.ports).toContainEqual(
    expect.objectContaining({ port: socket.port_value }),
  );
});

describe('the kustomize subset (./kustomize.ts)', () => {
  it('renders a reader group as kustomize does: the suffix on its names and its Service reference, the label on selectors and templates', () => {
    const base = rendered.get('base')!;
    const g1 = find(base, 'StatefulSet', 'mishards-reader-g1')!;
    expect(g1.metadata.namespace).toBe('mishards');
    expect(g1.spec.serviceName).toBe('mishards-reader-g1');
    const group = { 'mishards.io/group': 'g1' };
    expect(g1.spec.selector.matchLabels).toMatchObject(group);
    expect(g1.spec.template.metadata.labels).toMatchObject(group);
    expect(find(base, 'Service', 'mishards-reader-g1')!.spec.selector).toMatchObject(group);
    expect(find(base, 'PodDisruptionBudget', 'mishards-reader-g1')!.spec.selector.matchLabels).toMatchObject(group);
    // Names from outside the group's kustomization keep theirs.
    expect(g1.spec.template.spec.volumes).toContainEqual({ name: 'segments', persistentVolumeClaim: { claimName: 'mishards-segments' } });
    expect(find(base, 'StatefulSet', 'mishards-reader')).toBeUndefined();
  });

  it('applies JSON patches and replica counts of an overlay to the objects they target', () => {
    const production = rendered.get('overlays/production')!;
    for (const group of ['g1', 'g2', 'g3']) {
      const readers = find(production, 'StatefulSet', `mishards-reader-${group}`)!;
      expect(readers.spec.replicas).toBe(3);
      expect(readers.spec.template.spec.containers[0].resources.requests.memory).toBe('16Gi');
    }
    expect(find(production, 'Service', 'mishards')!.spec.type).toBe('LoadBalancer');
    expect(find(production, 'StatefulSet', 'mishards-mariadb')).toBeUndefined();
    expect(find(rendered.get('base')!, 'StatefulSet', 'mishards-reader-g1')!.spec.replicas).toBe(2);
  });

  it('refuses a kustomization field it does not render', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mishards-kustomize-'));
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources: []\nnamePrefix: x-\n');
      expect(() => kustomize(dir)).toThrow(/namePrefix/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
