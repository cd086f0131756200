// The config reloader beside Alertmanager. Not exported from the package.
//
// Alertmanager never watches its config file (prometheus/alertmanager v0.28.1
// cmd/alertmanager/main.go: it reloads on SIGHUP or POST /-/reload only). The config Secret is
// mounted as a directory, so the kubelet swaps its files in place when the Secret changes; this
// loop, run by the Alertmanager image's own busybox shell, hashes the files and POSTs /-/reload
// when the hash changes. A failed POST (Alertmanager not up yet, or a config it refuses) is
// retried on the next round; Alertmanager keeps its running config meanwhile.

/**
 * The shell script: hashes every file in `configDir` each `periodSeconds`, and POSTs
 * `reloadUrl` when the hash differs from the one last reloaded (the first hash is the one
 * Alertmanager started with). It avoids `$(...)`, which Kubernetes reads as a variable
 * reference in container args.
 */
export function reloaderScript(configDir: string, reloadUrl: string, periodSeconds: number): string {
  return [
    `loaded=\`cat ${configDir}/* | md5sum\``,
    'while true; do',
    `  sleep ${periodSeconds}`,
    `  now=\`cat ${configDir}/* | md5sum\``,
    '  if [ "$now" != "$loaded" ]; then',
    `    if wget -q -O /dev/null --post-data= ${reloadUrl}; then`,
    '      loaded="$now"; echo "reloaded $now"',
    '    else',
    '      echo "reload failed, retrying"',
    '    fi',
    '  fi',
    'done',
  ].join('\n');
}
