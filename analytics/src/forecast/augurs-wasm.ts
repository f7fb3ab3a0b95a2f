/**
 * Synchronous, once-only initialisation of the `@bsull/augurs` WebAssembly modules in Node.
 * The wasm-bindgen packages expect a browser `fetch`; in Node we read the `.wasm` file that sits next to
 * each module's JavaScript and call its `initSync`. Safe to call repeatedly: only the first call per module loads.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const loaded = new Set<string>();

interface WasmModule {
  initSync(module: { module: Uint8Array }): unknown;
}

/** Loads `@bsull/augurs/<name>`'s WebAssembly into `mod` the first time it is called for `name`. */
export function initAugursModule(name: 'mstl' | 'ets' | 'prophet' | 'seasons', mod: WasmModule): void {
  if (loaded.has(name)) return;
  const entry = require.resolve(`@bsull/augurs/${name}`);
  mod.initSync({ module: readFileSync(join(dirname(entry), `${name}_bg.wasm`)) });
  loaded.add(name);
}

/** Frees a WebAssembly-backed model (wasm-bindgen `free`, ctsa `destroy`) when its JavaScript wrapper is garbage-collected. */
export const wasmFinalizer = new FinalizationRegistry<{ free(): void }>((inner) => inner.free());
