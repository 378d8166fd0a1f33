// coauth.js minified (terser) and gzipped, printed next to the anchors in size.mjs
// (hello.js 1.21, oidc-client-ts 3.5 and auth0-spa-js 2.x, measured min+gzip as published);
// the budget is under 5 KiB with every feature.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOAL_BYTES, measure, report } from './size.mjs';

test('coauth.js min+gzip size, next to hello.js, oidc-client-ts and auth0-spa-js', async () => {
  const size = await measure();
  console.log(report(size));
  assert.ok(size.minified > 0 && size.gzip > 0);
  assert.ok(size.gzip < GOAL_BYTES, `${size.gzip} B min+gzip is over the ${GOAL_BYTES} B goal`);
});
