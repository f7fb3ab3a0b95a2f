/** Restricted pod security (non-root, read-only root filesystem, no privilege escalation) for every hydra pod. */
import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

/** UID/GID the hydra image runs as. */
export const HYDRA_UID = 10001;

export const POD_SECURITY_CONTEXT: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: HYDRA_UID,
  runAsGroup: HYDRA_UID,
  fsGroup: HYDRA_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const CONTAINER_SECURITY_CONTEXT: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
