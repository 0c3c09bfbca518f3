import type { RestHeaders } from '../rest/api.js';

/** `envoy.config.core.v3.HeaderValue` as the proto loader gives it. */
export interface HeaderValue {
  key: string;
  value?: string;
  raw_value?: Buffer;
}

export interface HeaderMap {
  headers?: HeaderValue[];
}

/** `envoy.config.core.v3.HeaderValueOption`, as this service writes them. */
export interface HeaderValueOption {
  header: { key: string; raw_value: Buffer };
  append_action: 'OVERWRITE_IF_EXISTS_OR_ADD';
}

/**
 * Envoy's request headers by lower-case name, pseudo-headers (`:method`, `:path`) included.
 * Current Envoy puts values in `raw_value` (runtime guard `send_header_raw_value`), older
 * ones in `value`; both are read. A name sent twice is joined with ", " (HTTP's list form);
 * the REST core reads only single-valued headers.
 */
export function requestHeaders(map: HeaderMap | undefined): RestHeaders {
  const out: Record<string, string> = {};
  for (const h of map?.headers ?? []) {
    const key = h.key.toLowerCase();
    const value = h.raw_value && h.raw_value.length > 0 ? h.raw_value.toString('utf8') : (h.value ?? '');
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  }
  return out;
}

/** Headers to set on a reply, replacing Envoy's defaults (its local replies are text/plain). */
export function setHeaders(headers: Record<string, string>): HeaderValueOption[] {
  return Object.entries(headers).map(([key, value]) => ({
    header: { key, raw_value: Buffer.from(value, 'utf8') },
    append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
  }));
}
