/** The first address of the service CIDR: the `kubernetes` Service's ClusterIP (an apiserver SAN). */
export function serviceIp(serviceSubnet: string): string {
  const base = (serviceSubnet.split(',')[0] ?? '10.96.0.0/12').split('/')[0] ?? '10.96.0.0';
  const o = base.split('.').map(Number);
  const n = (((o[0] ?? 0) << 24) | ((o[1] ?? 0) << 16) | ((o[2] ?? 0) << 8) | (o[3] ?? 0)) >>> 0;
  const next = n + 1;
  return [next >>> 24, (next >>> 16) & 255, (next >>> 8) & 255, next & 255].join('.');
}
