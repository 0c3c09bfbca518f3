import { TypeUrl } from '../xds/snapshot.js';

const NAMES = new Map<string, string>(Object.entries(TypeUrl).map(([name, url]) => [url, name]));

/** Whether the server serves this type URL. */
export function isServedType(typeUrl: string): typeUrl is TypeUrl {
  return NAMES.has(typeUrl);
}

/** Short name of a served type for logs and metric labels: cluster, endpoint, listener, route. */
export function typeName(typeUrl: TypeUrl): string {
  return NAMES.get(typeUrl)!;
}
