import type { RpcStatus } from './proto.js';

/** Which variant of the protocol a stream speaks. */
export type StreamKind = 'sotw' | 'delta';

export interface SentRecord {
  /** The type version (`version_info` / `system_version_info`) of the response. */
  version: string;
  nonce: string;
}

export interface NackRecord extends SentRecord {
  /** `error_detail` of the NACK. */
  code: number;
  message: string;
}

/** What one client was sent, and accepted or rejected, for one type on one stream. */
export interface TypeStatus {
  typeUrl: string;
  wildcard: boolean;
  names: string[];
  /** The last response sent. */
  sent?: SentRecord;
  /** The last response the client ACKed. */
  acked?: SentRecord;
  /** The last response the client NACKed, until it ACKs a later one. */
  nacked?: NackRecord;
}

/** One stream's client, as the control plane exposes it (operator routes, tests). */
export interface ClientStatus {
  stream: number;
  kind: StreamKind;
  peer: string;
  node: { id: string; cluster: string };
  types: TypeStatus[];
}

export type Settlement = { kind: 'ack'; record: SentRecord } | { kind: 'nack'; record: NackRecord };

/** Most responses that may await an ACK on one type of one stream; older ones are forgotten. */
const MAX_PENDING = 32;

/**
 * The responses of one type sent on one stream, matched to the client's ACKs and NACKs by
 * nonce. Each response is settled at most once: later requests carrying the same nonce
 * (subscription changes, or grpc-js repeating its error_detail) are not counted again.
 */
export class ResponseLedger {
  private readonly pending = new Map<string, string>();
  lastSent: SentRecord | undefined;
  acked: SentRecord | undefined;
  nacked: NackRecord | undefined;

  /** The nonce of the last response sent, '' before the first. */
  get lastNonce(): string {
    return this.lastSent?.nonce ?? '';
  }

  sent(nonce: string, version: string): void {
    this.lastSent = { version, nonce };
    this.pending.set(nonce, version);
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
  }

  /**
   * Records the client's answer to the response with this nonce: a NACK when `error` is set,
   * else an ACK. Answers to older responses still pending are dropped. Undefined when the
   * nonce is unknown or already settled.
   */
  settle(nonce: string, error: RpcStatus | null): Settlement | undefined {
    const version = this.pending.get(nonce);
    if (version === undefined) return undefined;
    for (const key of this.pending.keys()) {
      this.pending.delete(key);
      if (key === nonce) break;
    }
    if (error) {
      this.nacked = { version, nonce, code: error.code, message: error.message };
      return { kind: 'nack', record: this.nacked };
    }
    this.acked = { version, nonce };
    this.nacked = undefined;
    return { kind: 'ack', record: this.acked };
  }
}
