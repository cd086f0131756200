// Where files a Credential points to appear in the Prometheus container: the stack mounts them
// there. Not exported from the package.

/**
 * Where mounted Secrets appear in the Prometheus container: one directory per Secret,
 * one file per key.
 */
export const SECRETS_MOUNT_PATH = '/etc/prometheus/secrets';

/**
 * Where Kubernetes mounts the pod's service account token and the cluster's CA certificate.
 */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
