/**
 * The `well_known` string formats of protoc-gen-validate, written from their definitions in
 * validate.proto (RFC 1034 hostnames, IP addresses, RFC 3986 URIs, RFC 4122 UUIDs, RFC 5322
 * addresses) and, for the header regexes, the exact expressions PGV's generated code uses, so
 * that we accept and reject what Envoy's generated validators do.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';

/**
 * PGV's strict HTTP_HEADER_NAME. The class is PGV's verbatim, including its `+-.` which is a
 * range (`+ , - .`), so a comma passes as it does in Envoy.
 */
const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$/;
/** PGV's strict HTTP_HEADER_VALUE: no control characters except horizontal tab. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's job
const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
/** `strict: false`, for names and values alike: only NUL, CR and LF are refused. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's job
const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;

export function isHeaderName(value: string, strict: boolean): boolean {
  return (strict ? HEADER_NAME_STRICT : HEADER_LOOSE).test(value);
}

export function isHeaderValue(value: string, strict: boolean): boolean {
  return (strict ? HEADER_VALUE_STRICT : HEADER_LOOSE).test(value);
}

const LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;

/** RFC 1034: dot-separated labels of 1-63 letters, digits and inner hyphens; 253 in all. */
export function isHostname(value: string): boolean {
  if (value.length > 253) return false;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name === '') return false;
  for (const label of name.split('.')) {
    if (label.length === 0 || label.length > 63 || !LABEL_RE.test(label)) return false;
  }
  return true;
}

/** Addresses without a zone (`fe80::1%eth0`) or brackets, as PGV's net.ParseIP-based check. */
export function isIp(value: string, version?: 4 | 6): boolean {
  if (value.includes('%')) return false;
  if (version === 4) return isIPv4(value);
  if (version === 6) return isIPv6(value);
  return isIP(value) !== 0;
}

export function isAddress(value: string): boolean {
  return isIp(value) || isHostname(value);
}

export function isUuid(value: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value);
}

// RFC 3986 characters: unreserved, reserved (gen-delims and sub-delims) and pct-encoded.
const URI_CHARS_RE = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** An absolute URI: a scheme and only characters RFC 3986 allows. */
export function isUri(value: string): boolean {
  return SCHEME_RE.test(value) && URI_CHARS_RE.test(value);
}

/** A URI reference: absolute or relative. */
export function isUriRef(value: string): boolean {
  return URI_CHARS_RE.test(value);
}

/** An addr-spec (local@domain) with a hostname domain, as PGV (which also allows "Name <addr>"). */
export function isEmail(value: string): boolean {
  let address = value;
  const angle = /<([^<>]*)>\s*$/.exec(value);
  if (angle) address = angle[1]!;
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  if (local.length > 64 || !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)) return false;
  return isHostname(address.slice(at + 1));
}
