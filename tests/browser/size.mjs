// coauth.js minified (terser) and gzipped, next to the popup clients it is measured against.
// `node size.mjs` prints the table; size.test.mjs checks the 5 KB goal.

import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';

/**
 * The anchors' sizes, in bytes (1 KB = 1000 B): hello.js 1.21 (its core build), oidc-client-ts
 * 3.5 and auth0-spa-js 2.x, each measured minified and gzipped as published on npm.
 */
export const ANCHORS = [
  ['hello.js 1.21 (core)', 10_100],
  ['oidc-client-ts 3.5', 18_100],
  ['auth0-spa-js 2.x', 63_400],
];

/** coauth.js's budget: every feature under 5 KiB min+gzip. */
export const GOAL_BYTES = 5120;

/** Sizes of coauth.js: source, minified, minified+gzip (level 9), and coauth.mjs. */
export async function measure() {
  const source = await readFile(new URL('../../coauth-js/assets/coauth.js', import.meta.url), 'utf8');
  const module = await readFile(new URL('../../coauth-js/assets/coauth.mjs', import.meta.url), 'utf8');
  const { code } = await minify(source, {
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  return {
    source: Buffer.byteLength(source),
    minified: Buffer.byteLength(code),
    gzip: gzipSync(code, { level: 9 }).length,
    module: Buffer.byteLength(module),
  };
}

/** The size table as text. */
export function report(size) {
  const rows = [
    ['coauth.js (this tree)', size.gzip],
    ...ANCHORS,
  ];
  const lines = rows.map(([name, bytes]) => `${name.padEnd(26)} ${String(bytes).padStart(6)} B min+gzip`);
  return [
    `coauth.js: ${size.source} B source, ${size.minified} B minified, ${size.gzip} B min+gzip; coauth.mjs ${size.module} B`,
    ...lines,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(report(await measure()));
}
