/**
 * Fetches the bring-up's workflow tree (the cluster workflow, its operation children and their
 * join children, followed through ChildWorkflowExecutionStarted events) and reduces each history
 * to BenchEvents. Payloads stay encrypted; only activity summaries go through the codec.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { BenchEvent, WorkflowHistory } from './history-metrics';

interface LongLike {
  toNumber(): number;
}
interface RawPayload {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}
interface RawEvent {
  eventId?: number | LongLike | null;
  eventType?: number | null;
  eventTime?: { seconds?: number | LongLike | null; nanos?: number | null } | null;
  userMetadata?: { summary?: RawPayload | null } | null;
  workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string | null } | null } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null; workflowTaskCompletedEventId?: number | LongLike | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: number | LongLike | null; attempt?: number | null } | null;
  activityTaskCompletedEventAttributes?: { scheduledEventId?: number | LongLike | null } | null;
  activityTaskFailedEventAttributes?: { scheduledEventId?: number | LongLike | null } | null;
  activityTaskTimedOutEventAttributes?: { scheduledEventId?: number | LongLike | null } | null;
  activityTaskCanceledEventAttributes?: { scheduledEventId?: number | LongLike | null } | null;
  startChildWorkflowExecutionInitiatedEventAttributes?: { workflowTaskCompletedEventId?: number | LongLike | null } | null;
  timerStartedEventAttributes?: { workflowTaskCompletedEventId?: number | LongLike | null } | null;
  childWorkflowExecutionStartedEventAttributes?: { workflowExecution?: { workflowId?: string | null; runId?: string | null } | null } | null;
}

const num = (v: number | LongLike | null | undefined): number | undefined => (v === null || v === undefined ? undefined : typeof v === 'number' ? v : v.toNumber());

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` -> `ActivityTaskScheduled`. */
export function eventTypeName(code: number): string {
  const name = temporal.api.enums.v1.EventType[code] ?? `Unknown${code}`;
  return name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

async function decodeSummary(codec: PayloadCodec | undefined, payload: RawPayload | null | undefined): Promise<string | undefined> {
  if (!codec || !payload?.data) return undefined;
  try {
    const [decoded] = await codec.decode([payload as Parameters<PayloadCodec['decode']>[0][number]]);
    const data = decoded?.data;
    return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : undefined;
  } catch {
    return undefined;
  }
}

async function toBenchEvent(raw: RawEvent, codec: PayloadCodec | undefined): Promise<BenchEvent> {
  const seconds = num(raw.eventTime?.seconds) ?? 0;
  const event: BenchEvent = { id: num(raw.eventId) ?? 0, type: eventTypeName(raw.eventType ?? 0), timeMs: seconds * 1000 + (raw.eventTime?.nanos ?? 0) / 1e6 };
  const scheduled = raw.activityTaskScheduledEventAttributes;
  if (scheduled) {
    event.activityType = scheduled.activityType?.name ?? undefined;
    event.workflowTaskCompletedEventId = num(scheduled.workflowTaskCompletedEventId);
    event.summary = await decodeSummary(codec, raw.userMetadata?.summary);
  }
  const ended =
    raw.activityTaskStartedEventAttributes ??
    raw.activityTaskCompletedEventAttributes ??
    raw.activityTaskFailedEventAttributes ??
    raw.activityTaskTimedOutEventAttributes ??
    raw.activityTaskCanceledEventAttributes;
  if (ended) event.scheduledEventId = num(ended.scheduledEventId);
  if (raw.activityTaskStartedEventAttributes) event.attempt = raw.activityTaskStartedEventAttributes.attempt ?? 1;
  const command = raw.startChildWorkflowExecutionInitiatedEventAttributes ?? raw.timerStartedEventAttributes;
  if (command) event.workflowTaskCompletedEventId = num(command.workflowTaskCompletedEventId);
  return event;
}

/** Every workflow reachable from `rootId` (its latest run), children through their started events. */
export async function fetchWorkflowTree(client: Client, rootId: string, codec?: PayloadCodec): Promise<WorkflowHistory[]> {
  const out: WorkflowHistory[] = [];
  const queue: Array<{ workflowId: string; runId?: string }> = [{ workflowId: rootId }];
  while (queue.length > 0) {
    const next = queue.shift() as { workflowId: string; runId?: string };
    const handle = client.workflow.getHandle(next.workflowId, next.runId);
    const history = await handle.fetchHistory();
    const raw = (history.events ?? []) as unknown as RawEvent[];
    const events = await Promise.all(raw.map((e) => toBenchEvent(e, codec)));
    const runId = next.runId ?? (await handle.describe()).runId;
    const workflowType = raw[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '?';
    const bytes = temporal.api.history.v1.History.encode(history as temporal.api.history.v1.IHistory).finish().length;
    out.push({ workflowId: next.workflowId, runId, workflowType, events, bytes });
    for (const e of raw) {
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId) queue.push({ workflowId: child.workflowId, runId: child.runId ?? undefined });
    }
  }
  return out;
}
