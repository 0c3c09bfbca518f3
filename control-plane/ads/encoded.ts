import type { TypeUrl, XdsResource } from '../xds/snapshot.js';
import { encodeAny, encodeDeltaResource } from './wire.js';

interface Encodings {
  typeUrl: TypeUrl;
  any: Buffer;
  delta?: Buffer;
}

/**
 * The encoded forms of snapshot resources, computed on first use and kept as long as the
 * resource object lives: a resource is encoded once per snapshot (once in all, when the
 * snapshot builder reuses unchanged resource objects), however many streams receive it.
 */
export class EncodedResources {
  private readonly cache = new WeakMap<XdsResource, Encodings>();

  private encodings(typeUrl: TypeUrl, resource: XdsResource): Encodings {
    let e = this.cache.get(resource);
    if (!e || e.typeUrl !== typeUrl) {
      e = { typeUrl, any: encodeAny(typeUrl, resource.value) };
      this.cache.set(resource, e);
    }
    return e;
  }

  /** The resource as google.protobuf.Any (SotW `resources`). */
  any(typeUrl: TypeUrl, resource: XdsResource): Buffer {
    return this.encodings(typeUrl, resource).any;
  }

  /** The resource as envoy.service.discovery.v3.Resource (delta `resources`). */
  delta(typeUrl: TypeUrl, resource: XdsResource): Buffer {
    const e = this.encodings(typeUrl, resource);
    e.delta ??= encodeDeltaResource(resource.name, resource.version, e.any);
    return e.delta;
  }
}
