import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';

/**
 * The subset of kustomize that deploy/kubernetes uses, rendered as `kubectl kustomize` renders
 * it: the tests run no kustomize binary, and no npm package renders kustomizations. Any other
 * field of a kustomization is refused, so a manifest cannot come to rely on what this does not
 * do.
 *
 * - `resources`: YAML files (every document) and directories holding a kustomization.
 * - `configMapGenerator` with `files`, under `generatorOptions.disableNameSuffixHash: true`.
 * - `patches`: JSON 6902 operations (add, replace, remove) inline, on a target kind and name
 *   (anchored regular expressions, as kustomize matches them).
 * - `namespace`, set on every namespaced object.
 * - `nameSuffix`, with the references to the renamed objects from the same kustomization
 *   (a StatefulSet's serviceName, an autoscaler's target, a pod's ConfigMaps, Secrets and
 *   claims) following, as kustomize's name references do.
 * - `labels` with `includeSelectors` and `includeTemplates`: on metadata, on the selectors of
 *   workloads, Services and disruption budgets, and on pod and claim templates.
 * - `replicas`: counts by workload name.
 *
 * In kustomize's order: resources and generators, patches, namespace, suffix, labels, replicas.
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: any;
}

const FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'configMapGenerator',
  'generatorOptions',
  'patches',
  'namespace',
  'nameSuffix',
  'labels',
  'replicas',
]);
const CLUSTER_SCOPED = new Set(['Namespace', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet']);

export function kustomize(dir: string): K8sObject[] {
  const k = YAML.parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  for (const field of Object.keys(k))
    if (!FIELDS.has(field)) throw new Error(`${dir}: kustomization field "${field}" is not rendered by this subset`);
  const objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...kustomize(path));
    else
      objects.push(
        ...YAML.parseAllDocuments(readFileSync(path, 'utf8'))
          .map((d) => d.toJS() as K8sObject)
          .filter(Boolean),
      );
  }
  for (const generator of k.configMapGenerator ?? []) objects.push(generateConfigMap(dir, generator, k.generatorOptions));
  for (const patch of k.patches ?? []) applyPatch(objects, patch);
  if (k.namespace) for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  if (k.nameSuffix) addSuffix(objects, k.nameSuffix);
  for (const label of k.labels ?? []) addLabels(objects, label);
  for (const { name, count } of k.replicas ?? []) {
    const targets = objects.filter((o) => WORKLOADS.has(o.kind) && o.metadata.name === name);
    if (targets.length === 0) throw new Error(`${dir}: replicas for ${name}, which is not rendered`);
    for (const o of targets) o.spec.replicas = count;
  }
  return objects;
}

function generateConfigMap(
  dir: string,
  g: { name: string; files: string[] },
  options: { disableNameSuffixHash?: boolean } = {},
): K8sObject {
  if (options.disableNameSuffixHash !== true) throw new Error(`${dir}: generated names with a hash are not rendered by this subset`);
  const data = Object.fromEntries(g.files.map((f) => [basename(f), readFileSync(join(dir, f), 'utf8')]));
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data };
}

interface Operation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** Kustomize matches a target's kind and name as anchored regular expressions. */
const matches = (pattern: string | undefined, value: string) => pattern === undefined || new RegExp(`^(?:${pattern})$`).test(value);

function applyPatch(objects: K8sObject[], p: { target: { kind: string; name?: string }; patch: string }): void {
  const targets = objects.filter((o) => matches(p.target.kind, o.kind) && matches(p.target.name, o.metadata.name));
  if (targets.length === 0) throw new Error(`a patch targets ${p.target.kind} ${p.target.name ?? '*'}, which is not rendered`);
  const operations = YAML.parse(p.patch) as Operation[];
  for (const target of targets) for (const operation of operations) applyOperation(target, operation);
}

/** One JSON Patch (RFC 6902) operation, in place. */
function applyOperation(doc: any, { op, path, value }: Operation): void {
  const keys = path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop();
  if (last === undefined) throw new Error(`JSON patch path ${path}: no target`);
  const parent = keys.reduce((node, key) => {
    if (node?.[key] === undefined) throw new Error(`JSON patch path ${path}: no ${key}`);
    return node[key];
  }, doc);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (op === 'add') parent.splice(index, 0, value);
    else if (index >= parent.length) throw new Error(`JSON patch path ${path}: no element ${last}`);
    else if (op === 'replace') parent[index] = value;
    else parent.splice(index, 1);
    return;
  }
  if (op !== 'add' && !(last in parent)) throw new Error(`JSON patch path ${path}: nothing to ${op}`);
  if (op === 'remove') delete parent[last];
  else parent[last] = value;
}

function podSpecs(o: K8sObject): any[] {
  return o.spec?.template?.spec ? [o.spec.template.spec] : [];
}

function addSuffix(objects: K8sObject[], suffix: string): void {
  const renamed = new Map<string, string>();
  for (const o of objects) {
    if (o.kind === 'Namespace') continue;
    renamed.set(`${o.kind}/${o.metadata.name}`, `${o.metadata.name}${suffix}`);
    o.metadata.name += suffix;
  }
  const follow = (kind: string, name: string | undefined) => (name === undefined ? name : (renamed.get(`${kind}/${name}`) ?? name));
  for (const o of objects) {
    if (o.kind === 'StatefulSet' && o.spec.serviceName) o.spec.serviceName = follow('Service', o.spec.serviceName);
    if (o.kind === 'HorizontalPodAutoscaler') o.spec.scaleTargetRef.name = follow(o.spec.scaleTargetRef.kind, o.spec.scaleTargetRef.name);
    for (const pod of podSpecs(o)) {
      for (const v of pod.volumes ?? []) {
        if (v.configMap) v.configMap.name = follow('ConfigMap', v.configMap.name);
        if (v.secret) v.secret.secretName = follow('Secret', v.secret.secretName);
        if (v.persistentVolumeClaim) v.persistentVolumeClaim.claimName = follow('PersistentVolumeClaim', v.persistentVolumeClaim.claimName);
      }
      for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
        for (const from of c.envFrom ?? []) {
          if (from.configMapRef) from.configMapRef.name = follow('ConfigMap', from.configMapRef.name);
          if (from.secretRef) from.secretRef.name = follow('Secret', from.secretRef.name);
        }
        for (const e of c.env ?? []) {
          const ref = e.valueFrom;
          if (ref?.configMapKeyRef) ref.configMapKeyRef.name = follow('ConfigMap', ref.configMapKeyRef.name);
          if (ref?.secretKeyRef) ref.secretKeyRef.name = follow('Secret', ref.secretKeyRef.name);
        }
      }
    }
  }
}

function addLabels(
  objects: K8sObject[],
  l: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean },
): void {
  const add = (target: Record<string, string> | undefined) => ({ ...target, ...l.pairs });
  for (const o of objects) {
    o.metadata.labels = add(o.metadata.labels);
    if (l.includeSelectors) {
      if (o.kind === 'Service' && o.spec.selector) o.spec.selector = add(o.spec.selector);
      if ((WORKLOADS.has(o.kind) || o.kind === 'PodDisruptionBudget') && o.spec.selector)
        o.spec.selector.matchLabels = add(o.spec.selector.matchLabels);
    }
    if (l.includeSelectors || l.includeTemplates) {
      if (o.spec?.template?.metadata) o.spec.template.metadata.labels = add(o.spec.template.metadata.labels);
      for (const claim of o.kind === 'StatefulSet' ? (o.spec.volumeClaimTemplates ?? []) : [])
        claim.metadata.labels = add(claim.metadata.labels);
    }
  }
}
