import { z } from 'zod';
import { wireProblems } from '../../spec/wire';
import type { OperationRequest } from '../../shared/operations';
import { OPERATION_KINDS } from './kinds';
import { requestedBy } from './request-fields';

/**
 * Operation requests as they arrive in the cluster workflow's update, checked in its (synchronous)
 * validator: anyone with access to the namespace can send one, so shapes and bounds are checked
 * before anything is queued. Tuning knobs are bounded numbers; nothing names a worker file.
 */
const kinds = Object.values(OPERATION_KINDS).map((k) => z.strictObject({ kind: z.literal(k.kind), requestedBy, ...k.fields }));
export const operationRequestSchema = z.discriminatedUnion('kind', kinds as unknown as [z.ZodObject, ...z.ZodObject[]]);

/** Problems with the request's shape, each one line; then the kind's own deeper checks (a bring-up's spec). */
export function requestProblems(request: unknown): string[] {
  const problems = wireProblems(operationRequestSchema, request);
  if (problems.length > 0) return problems;
  const r = request as OperationRequest;
  return OPERATION_KINDS[r.kind]?.problems?.(r) ?? [];
}
