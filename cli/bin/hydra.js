#!/usr/bin/env node
// The `hydra` command. Runs the TypeScript sources through tsx, so that
// `npm ci && npm start` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
