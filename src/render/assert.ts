/**
 * What a renderer accepts in each field it pastes into a file. The spec is validated before it
 * reaches a renderer, but the worker trusts nothing it is sent: a renderer checks every value
 * again, so a newline can never add a directive and shell syntax can never reach a script.
 */
import ipaddr from 'ipaddr.js';
import { PATTERNS } from '../spec/patterns';

/** A value a renderer refuses to paste into a file. */
export class RenderInputError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`cannot render ${field} ${describe(value)}: expected ${expected}`);
    this.name = 'RenderInputError';
  }
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function text(field: string, value: unknown, expected: string): string {
  if (typeof value !== 'string') throw new RenderInputError(field, value, expected);
  if (CONTROL.test(value)) throw new RenderInputError(field, value, `${expected} (no newlines or control characters)`);
  return value;
}

export function isIpLiteral(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value) || (value.includes(':') && ipaddr.IPv6.isValid(value) && !value.includes('%'));
}

/** An IPv4 or IPv6 address (a VIP). */
export function assertIp(field: string, value: unknown): string {
  const v = text(field, value, 'an IPv4 or IPv6 address');
  if (!isIpLiteral(v)) throw new RenderInputError(field, v, 'an IPv4 or IPv6 address');
  return v;
}

/** An IP address or a DNS name (a host's address, an endpoint host). */
export function assertHost(field: string, value: unknown): string {
  const v = text(field, value, 'an IP address or DNS name');
  if (!isIpLiteral(v) && !PATTERNS.dnsName.test(v)) throw new RenderInputError(field, v, 'an IP address or DNS name');
  return v;
}

export function assertPort(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) throw new RenderInputError(field, value, 'a port number 1-65535');
  return value;
}

export function assertInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new RenderInputError(field, value, `an integer ${min}-${max}`);
  return value;
}

/** A Kubernetes node name (RFC 1123 subdomain): host names, HAProxy server names, keepalived router ids. */
export function assertNodeName(field: string, value: unknown): string {
  const v = text(field, value, 'a node name (lowercase RFC 1123 subdomain)');
  if (!PATTERNS.nodeName.test(v)) throw new RenderInputError(field, v, 'a node name (lowercase RFC 1123 subdomain)');
  return v;
}

/** The cluster name (RFC 1123 label). */
export function assertClusterName(field: string, value: unknown): string {
  const v = text(field, value, 'a cluster name (lowercase RFC 1123 label)');
  if (!PATTERNS.dnsLabel.test(v)) throw new RenderInputError(field, v, 'a cluster name (lowercase RFC 1123 label)');
  return v;
}

export function assertInterface(field: string, value: unknown): string {
  const v = text(field, value, 'a network interface name (up to 15 of A-Z a-z 0-9 _ . : -)');
  if (!PATTERNS.interface.test(v)) throw new RenderInputError(field, v, 'a network interface name (up to 15 of A-Z a-z 0-9 _ . : -)');
  return v;
}

export function assertImage(field: string, value: unknown): string {
  const v = text(field, value, 'a container image reference');
  if (!PATTERNS.image.test(v)) throw new RenderInputError(field, v, 'a container image reference');
  return v;
}

/** One of a fixed set of words. */
export function assertOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new RenderInputError(field, value, `one of ${allowed.join(', ')}`);
  return value as T;
}
