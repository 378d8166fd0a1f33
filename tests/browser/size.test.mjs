// coauth.js minified (terser) and gzipped, printed next to the anchors of CLIENT.md; the
// goal of issue 3 is under 5 KiB with every feature.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOAL_BYTES, measure, report } from './size.mjs';

test('coauth.js min+gzip size, next to hello.js, oidc-client-ts and auth0-spa-js', async () => {
  const size = await measure();
  console.log(report(size));
  assert.ok(size.minified > 0 && size.gzip > 0);
  assert.ok(size.gzip < GOAL_BYTES, `${size.gzip} B min+gzip is over the ${GOAL_BYTES} B goal`);
});
