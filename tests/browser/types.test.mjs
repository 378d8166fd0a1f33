// coauth.d.ts: `tsc --noEmit` over a usage file that exercises the whole API (and lines
// that must be rejected), plus a check that the typings name what coauth.js defines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const here = new URL('.', import.meta.url).pathname;
const read = (path) => readFile(new URL(path, import.meta.url), 'utf8');

test('tsc --noEmit accepts the usage file and rejects every marked mistake', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'types/tsconfig.json'], { cwd: here, encoding: 'utf8' });
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});

test('the typings declare every method and option coauth.js defines', async () => {
  const js = await read('../../coauth-js/assets/coauth.js');
  const dts = await read('../../coauth-js/assets/coauth.d.ts');
  const methods = [...js.matchAll(/Auth\.prototype\.(\w+) = function/g)].map((m) => m[1]);
  assert.deepEqual(methods.sort(), ['auth', 'authResultFrameRequest', 'authResultHttpRequest', 'prepare', 'resume', 'session', 'signOut', 'tryAuth']);
  for (const method of methods) assert.match(dts, new RegExp(`\\n  ${method}[<(]`), method);

  // Every default option (top level and window.*) has a declared property.
  const defaults = js.slice(js.indexOf('var DEFAULTS = {'), js.indexOf('};', js.indexOf('var DEFAULTS = {')));
  const options = [...defaults.matchAll(/^\s{4,6}(\w+):/gm)].map((m) => m[1]);
  assert.ok(options.length >= 14, options.join());
  const declared = dts.slice(dts.indexOf('export interface AuthOptions'), dts.indexOf('export interface CustomResultData'));
  for (const option of [...options, 'signal']) assert.match(declared, new RegExp(`\\b${option}\\??:`), option);

  // Every error code the client raises is in ErrorCode.
  const codes = new Set([...js.matchAll(/coauthError\('(\w+)'/g)].map((m) => m[1]));
  assert.ok(codes.size >= 7, [...codes].join());
  for (const code of codes) assert.match(dts, new RegExp(`\\| '${code}'`), code);
});
