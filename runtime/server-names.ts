/**
 * gRPC authorities that stand for a server chosen at run time rather than a host: a target
 * that follows the writer leader (cluster/leader-resolver.ts) has the authority
 * `writer-leader` whichever writer leads. A TLS client checks the certificate it is shown
 * against the host that authority stands for now, the leader's, rather than the authority.
 */
const hosts = new Map<string, () => string | undefined>();

/** `authority` stands for the host `current()` names (undefined: none known). */
export function nameAuthorityHost(authority: string, current: () => string | undefined): void {
  hosts.set(authority, current);
}

/** The host a certificate shown for `authority` must name. */
export function certificateHost(authority: string): string {
  return hosts.get(authority)?.() ?? authority;
}
