import { z } from 'zod';

/** A tuning knob in a request: a bounded whole number (milliseconds or a count). */
export const knob = z.number().int().min(0).max(86_400_000);

export const requestedBy = z
  .string()
  .max(200)
  .refine((v) => v.trim() !== '', { error: 'requestedBy must name who asks' })
  .refine((v) => !/[\r\n]/.test(v), { error: 'requestedBy must be one line' });
