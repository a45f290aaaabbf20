import type { OperationKind } from '../../../shared/operations';
import { applyKind } from './apply';
import { bringUpKind } from './bring-up';
import { certificatesKind } from './certificates';
import { drillKind } from './drill';
import type { OperationKindDefinition } from './kind';
import { resetKind } from './reset';
import { rejoinKind } from './rejoin';
import { replaceKind } from './replace';
import { upgradeKind } from './upgrade';

/** Every operation the cluster workflow takes, by kind. */
export const OPERATION_KINDS: Partial<Record<OperationKind, OperationKindDefinition>> = {
  'bring-up': bringUpKind as unknown as OperationKindDefinition,
  upgrade: upgradeKind as unknown as OperationKindDefinition,
  reset: resetKind as unknown as OperationKindDefinition,
  rejoin: rejoinKind as unknown as OperationKindDefinition,
  certificates: certificatesKind as unknown as OperationKindDefinition,
  apply: applyKind as unknown as OperationKindDefinition,
  drill: drillKind as unknown as OperationKindDefinition,
  replace: replaceKind as unknown as OperationKindDefinition,
};

export function kindOfOrUndefined(kind: string): OperationKindDefinition | undefined {
  return Object.hasOwn(OPERATION_KINDS, kind) ? OPERATION_KINDS[kind as OperationKind] : undefined;
}

export function kindOf(kind: OperationKind): OperationKindDefinition {
  const definition = OPERATION_KINDS[kind];
  if (!definition) throw new Error(`no operation kind ${kind}`);
  return definition;
}
