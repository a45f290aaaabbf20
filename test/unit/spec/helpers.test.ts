import { formatDuration, formatElapsed, parseDuration } from '../../../src/spec/duration';
import { joinHostPort, parseEndpoint } from '../../../src/spec/hosts';
import { kubeadmApiFor } from '../../../src/render/kubeadm-api';

describe('durations', () => {
  it.each([
    ['2h', 7_200_000],
    ['15m', 900_000],
    ['30s', 30_000],
    ['250ms', 250],
    ['1h30m', 5_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '2', 'h', '2d', '1.5h', '-1s', '2 h'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats back to the largest whole unit', () => {
    expect([7_200_000, 900_000, 1_500, 250].map(formatDuration)).toEqual(['2h', '15m', '1500ms', '250ms']);
  });

  it('formats a measured wait to the second', () => {
    expect([2_016, 90_000, 14_401_000, 120].map(formatElapsed)).toEqual(['2s', '1m 30s', '4h 1s', '120ms']);
  });
});

describe('endpoints', () => {
  it('splits host:port, bracketed IPv6 and DNS names', () => {
    expect(parseEndpoint('192.168.0.100:6443')).toEqual({ host: '192.168.0.100', port: 6443 });
    expect(parseEndpoint('[fd00::1]:443')).toEqual({ host: 'fd00::1', port: 443 });
    expect(parseEndpoint('api.example.com:6443')).toEqual({ host: 'api.example.com', port: 6443 });
  });

  it.each(['192.168.0.100', 'fd00::1:6443', 'host:0', 'host:65536', ':6443'])('rejects %j', (text) => {
    expect(parseEndpoint(text)).toBeUndefined();
  });

  it('brackets IPv6 when joining', () => {
    expect(joinHostPort('fd00::1', 6443)).toBe('[fd00::1]:6443');
    expect(joinHostPort('10.0.0.1', 6443)).toBe('10.0.0.1:6443');
  });
});

describe('kubeadm API version', () => {
  it('switches to v1beta4 at v1.31 like kubeadm', () => {
    expect(['v1.28.0', 'v1.30.14', 'v1.31.0', 'v1.33.2'].map(kubeadmApiFor)).toEqual([
      'kubeadm.k8s.io/v1beta3',
      'kubeadm.k8s.io/v1beta3',
      'kubeadm.k8s.io/v1beta4',
      'kubeadm.k8s.io/v1beta4',
    ]);
  });
});
