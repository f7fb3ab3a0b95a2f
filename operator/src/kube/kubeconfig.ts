/** Loads the kubeconfig the way kubectl does: KUBECONFIG, else ~/.kube/config, else the in-cluster service account. */
import { KubeConfig } from '@kubernetes/client-node';

/** A KubeConfig from `file` when given, else from the default locations. */
export function loadKubeConfig(file?: string): KubeConfig {
  const kc = new KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster()) throw new Error(`kubeconfig${file ? ` ${file}` : ''}: no current cluster`);
  return kc;
}
