/**
 * protobufjs computes `fullName` on every read (walking the parents and joining): too slow for
 * per-value use in the walkers, so it is cached here per reflection object.
 */
import type protobuf from 'protobufjs';

const fullNames = new WeakMap<protobuf.ReflectionObject, string>();

/** `.envoy.config.cluster.v3.Cluster` (with the leading dot, as protobufjs names types). */
export function fullNameOf(element: protobuf.ReflectionObject): string {
  let name = fullNames.get(element);
  if (name === undefined) {
    name = element.fullName;
    fullNames.set(element, name);
  }
  return name;
}
