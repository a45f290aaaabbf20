/**
 * Address formats shared by the user-facing schema (./schema.ts) and the workflow wire schema
 * (./wire.ts). Kept apart so workflow code does not evaluate the user-facing schema: the workflow
 * sandbox evaluates imported modules again for every workflow.
 */
import ipaddr from 'ipaddr.js';

export function isIp(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || (text.includes(':') && ipaddr.IPv6.isValid(text));
}

export function isCidr(text: string): boolean {
  try {
    const [addr, len] = ipaddr.parseCIDR(text);
    return addr.toString() !== '' && len >= 0 && (text.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0] ?? ''));
  } catch {
    return false;
  }
}
