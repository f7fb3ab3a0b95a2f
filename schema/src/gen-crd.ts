/** `npm run gen:crd`: writes the CRDs generated from the HydraMonitor and HydraCollector schemas to k8s/crds/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLLECTOR_CRD_FILE, CRD_FILE, renderCollectorCrdYaml, renderCrdYaml } from './crd.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const [file, render] of [
  [CRD_FILE, renderCrdYaml],
  [COLLECTOR_CRD_FILE, renderCollectorCrdYaml],
] as const) {
  const target = path.join(repoRoot, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, render());
  console.log(`wrote ${file}`);
}
