/**
 * Allow-lists for every spec value that ends up inside a remote command or a rendered file.
 * Anything outside them is rejected before a host is touched, so no value can carry shell syntax.
 */
export const PATTERNS = {
  /** RFC 1123 subdomain, lowercase (a valid Kubernetes node name). */
  nodeName: /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
  /** RFC 1123 label (cluster name). */
  dnsLabel: /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
  /** A DNS name (case-insensitive), for endpoints and jump hosts. */
  dnsName: /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
  /** Linux interface name (IFNAMSIZ 16 including NUL). */
  interface: /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}$/,
  /** A file path without spaces or shell metacharacters. */
  path: /^[A-Za-z0-9._/~+@-]+$/,
  absolutePath: /^\/[A-Za-z0-9._/+@-]*$/,
  criSocket: /^unix:\/\/\/[A-Za-z0-9._/-]+$/,
  imageRepository: /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/,
  image:
    /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
  extraArgKey: /^[a-z0-9][a-z0-9-]*$/,
  extraArgValue: /^[A-Za-z0-9._:/=,@+%-]*$/,
  user: /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/,
  preflightCheck: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
} as const;
