/** `npm run gen:crd`: writes the CRD generated from the HydraMonitor schema to k8s/crds/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_FILE, renderCrdYaml } from './crd.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = path.join(repoRoot, CRD_FILE);
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, renderCrdYaml());
console.log(`wrote ${CRD_FILE}`);
