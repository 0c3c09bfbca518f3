import { COORDINATOR, EXT_PROC_FILTER } from './names.js';
import type { EnvoyJson } from '../../envoy-schema/index.js';

export interface ExtProcSettings {
  /** Longest wait for the processor's answer to one message: above the fan-out's p99. */
  messageTimeoutMs: number;
  /** The largest REST body the front accepts (and buffers for the processor). */
  maxBodyBytes: number;
}

/**
 * The ext_proc filter of the front listener: the coordinators process REST search, query and
 * get bodies. Headers always go to the processor, which asks for the buffered body only on
 * those paths; a processor failure fails the request rather than letting it through
 * unprocessed to an upstream that cannot answer it.
 */
export function extProcFilter(s: ExtProcSettings): EnvoyJson {
  return {
    name: EXT_PROC_FILTER,
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor',
      grpc_service: { envoy_grpc: { cluster_name: COORDINATOR } },
      failure_mode_allow: false,
      processing_mode: {
        request_header_mode: 'SEND',
        response_header_mode: 'SKIP',
        request_body_mode: 'NONE',
        response_body_mode: 'NONE',
        request_trailer_mode: 'SKIP',
        response_trailer_mode: 'SKIP',
      },
      allow_mode_override: true,
      message_timeout: `${s.messageTimeoutMs / 1000}s`,
      request_attributes: ['request.id', 'source.address', 'xds.route_name'],
    },
  };
}

/** Per-route settings that keep the processor out of a route's requests. */
export const EXT_PROC_DISABLED = {
  [EXT_PROC_FILTER]: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute', disabled: true },
};
