/**
 * Loaded by path (`failureConverterPath`) in the client, the worker and the workflow bundle:
 * failure messages and stack traces move into an encoded payload, so the payload codec
 * encrypts them like any other value (histories show "Encoded failure" without the key).
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
