import { z } from 'zod';
import { clusterSpecWireSchema, wireProblems } from '../../spec/wire';
import { parseKubernetesVersion } from '../../spec/version';

/**
 * Operation requests as they arrive in the cluster workflow's update, checked in its (synchronous)
 * validator: anyone with access to the namespace can send one, so shapes and bounds are checked
 * before anything is queued. Tuning knobs are bounded numbers; nothing names a worker file.
 */
const requestedBy = z
  .string()
  .max(200)
  .refine((v) => v.trim() !== '', { error: 'requestedBy must name who asks' })
  .refine((v) => !/[\r\n]/.test(v), { error: 'requestedBy must be one line' });
const knob = z.number().int().min(0).max(86_400_000);
const version = z.string().refine((v) => parseKubernetesVersion(v) !== undefined, { error: (iss) => `${JSON.stringify(iss.input)} is not a Kubernetes version vX.Y.Z` });

const bringUp = z.strictObject({
  kind: z.literal('bring-up'),
  requestedBy,
  spec: z.unknown(),
  tuning: z.record(z.string().max(64), knob).optional(),
});

const upgrade = z.strictObject({
  kind: z.literal('upgrade'),
  requestedBy,
  to: version,
  maxUnavailable: z.number().int().min(1).max(1000).optional(),
  tuning: z.record(z.string().max(64), knob).optional(),
});

export const operationRequestSchema = z.discriminatedUnion('kind', [bringUp, upgrade]);

/** Problems with the request's shape, each one line; the spec of a bring-up is checked like a workflow input. */
export function requestProblems(request: unknown): string[] {
  const problems = wireProblems(operationRequestSchema, request);
  if (problems.length > 0) return problems;
  const r = request as { kind: string; spec?: unknown };
  return r.kind === 'bring-up' ? wireProblems(clusterSpecWireSchema, r.spec).map((p) => `spec ${p}`) : [];
}
