// The checks of a client that `PrometheusStack.admitClient()` is given. Not exported.
import { ApiObjectMetadataDefinition } from 'cdk8s';
import { PrometheusClient } from './integration';
import { checkInstance, checkString, checkStringMap, checkStruct, fail, requireProp } from '../core/checks';
import { checkDnsLabel, checkPort, requireString } from '../core/formats';

/**
 * Checks a client given to `PrometheusStack.admitClient()`: its names, pod labels and pod
 * metadata, and the Service its scrape job needs.
 */
export function checkClient(path: string, client: PrometheusClient): void {
  checkStruct(path, 'client', requireProp(path, 'client', client), true);
  requireString(path, 'client.name', client.name);
  checkDnsLabel(path, 'client.namespaceName', requireProp(path, 'client.namespaceName', client.namespaceName));
  checkStringMap(path, 'client.podLabels', requireProp(path, 'client.podLabels', client.podLabels));
  checkInstance(path, 'client.podMetadata', requireProp(path, 'client.podMetadata', client.podMetadata), ApiObjectMetadataDefinition,
    'Pass the metadata of the client\'s pod template (an ApiObjectMetadataDefinition)');
  checkString(path, 'client.serviceName', client.serviceName);
  if (client.servicePort !== undefined) checkPort(path, 'client.servicePort', client.servicePort);
  checkString(path, 'client.scrapeJobName', client.scrapeJobName);
  if (client.scrapeJobName !== undefined && (client.serviceName === undefined || client.servicePort === undefined)) {
    fail(path, 'client.scrapeJobName', 'needs the client\'s serviceName and servicePort, which the job scrapes', client.scrapeJobName);
  }
}
