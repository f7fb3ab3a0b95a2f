#!/usr/bin/env node
// The `hydra` command. Runs the TypeScript sources through tsx, so that
// `npm ci && npm start` needs no build step.
import { register } from 'tsx/esm/api';

/** Once a command has returned, how long a leftover handle may keep the process alive. */
const EXIT_GRACE_MS = 3_000;

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Normally the event loop is empty by now and the process exits at once. A handle
// left open (a socket stuck past a shutdown deadline) must not keep it running:
// the unref'd timer fires only if something else still holds the loop.
setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
