/**
 * The import boundaries of eslint.config.mjs hold at any folder depth: checked on snippets, so a
 * loosened rule fails here. ESLint loads its flat config with a dynamic import, which jest's VM
 * cannot do, so the snippets are linted in one plain Node process.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const CASES: [file: string, code: string, restricted: boolean][] = [
  ['src/workflows/bring-up/phases/example.ts', "import { x } from '../../../activities/join';", true],
  ['src/workflows/example.ts', "import { x } from '../activities';", true],
  ['src/workflows/bring-up/phases/example.ts', "import { x } from '../../../activities/types';", false],
  ['src/workflows/bring-up/example.ts', "import type { x } from '../../activities/join';", false],
  ['src/workflows/bring-up/example.ts', "import { x } from '../../ssh/quote';", true],
  ['src/workflows/bring-up/example.ts', "import { x } from 'node:fs';", true],
  ['src/spec/example.ts', "import { x } from '../../lab';", true],
  ['src/client/commands/example.ts', "import { x } from '../../../lab/layout';", true],
  ['src/client/commands/example.ts', "import type { x } from '../../../lab/layout';", false],
  ['src/activities/example.ts', "import { x } from '../client/errors';", true],
  ['src/codec/example.ts', "import { x } from '../errors';", false],
];

const LINT = `
const { ESLint } = require('eslint');
(async () => {
  const eslint = new ESLint();
  const out = [];
  for (const [filePath, code] of JSON.parse(process.env.CASES)) {
    const [result] = await eslint.lintText(code + '\\nexport const used = x;\\n', { filePath });
    out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').length > 0);
  }
  process.stdout.write(JSON.stringify(out));
})();`;

it('restricts exactly the imports that cross a boundary', () => {
  const root = path.join(__dirname, '..', '..');
  const out = execFileSync(process.execPath, ['-e', LINT], { cwd: root, env: { ...process.env, CASES: JSON.stringify(CASES) }, encoding: 'utf8' });
  const restricted = JSON.parse(out) as boolean[];
  expect(CASES.map(([file, code], i) => [file, code, restricted[i]])).toEqual(CASES);
});
