/**
 * Modules the workflow sandbox evaluates once per worker and shares between workflows
 * (bundle-options.ts `preloadModules`) instead of once per workflow: zod's start-up was about 40 ms
 * of every join child's CPU. The SDK freezes what is preloaded, so zod's lazily set globals (the
 * default locale and memoizer, the eval probe of its object parser) are set here, by building and
 * parsing a schema once, before that; kubeha never changes zod's configuration afterwards. zod's
 * package says it has no side effects, so this module's statements are also what keeps it evaluated.
 */
import { z } from 'zod';

const warmUp = z.strictObject({ name: z.string().regex(/^[a-z]+$/), ports: z.array(z.number().int()).min(1), mode: z.enum(['a', 'b']).optional() });
warmUp.safeParse({ name: 'ok', ports: [1] });
warmUp.safeParse({ name: 'Not OK', ports: [], extra: true });
