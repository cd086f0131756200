// Pieces shared by the Alertmanager model and construct. Not exported from the package.
import { Duration } from 'cdk8s';
import type { RouteOptions } from './route';
import { checkArray, checkDuration, checkUnique, fail } from '../../core/checks';
import { formatMillis } from '../../core/formats';
import { Credential } from '../prometheus/credential';
import { checkLabelName } from '../prometheus/validate';

/** The alert name of the always-firing alert. */
export const WATCHDOG_ALERT = 'Watchdog';

/**
 * Where the Secrets of `Credential.fromSecret()` are mounted in the Alertmanager container:
 * one directory per Secret, one file per key.
 */
export const ALERTMANAGER_SECRETS_PATH = '/etc/alertmanager/secrets';

/** The file Alertmanager reads a credential from. */
export function credentialPath(c: Credential): string {
  return c.secretName ? `${ALERTMANAGER_SECRETS_PATH}/${c.secretName}/${c.secretKey}` : c.path;
}

/** group_by, group_wait, group_interval and repeat_interval, checked as Alertmanager checks them. */
export function renderRouteOptions(where: string, o: RouteOptions): { [key: string]: unknown } {
  const groupBy = checkArray(where, 'groupBy', o.groupBy);
  if (groupBy) {
    if (groupBy.includes('...') && groupBy.length > 1) {
      fail(where, 'groupBy', "must be ['...'] alone to group by every label", groupBy);
    }
    groupBy.forEach((l, i) => {
      if (l !== '...') checkLabelName(where, `groupBy[${i}]`, l);
    });
    checkUnique(where, (i) => `groupBy[${i}]`, groupBy, 'must not repeat a label');
  }
  return {
    group_by: groupBy,
    group_wait: o.groupWait && routeDuration(where, 'groupWait', o.groupWait, true),
    group_interval: o.groupInterval && routeDuration(where, 'groupInterval', o.groupInterval, false),
    repeat_interval: o.repeatInterval && routeDuration(where, 'repeatInterval', o.repeatInterval, false),
  };
}

/** An Alertmanager duration: whole milliseconds; zero only where `zeroAllowed`. */
export function routeDuration(where: string, prop: string, d: Duration, zeroAllowed: boolean): string {
  checkDuration(where, prop, d);
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 0) fail(where, prop, 'must be a whole, non-negative number of milliseconds', d.toHumanString());
  if (ms === 0 && !zeroAllowed) fail(where, prop, 'must not be zero (Alertmanager refuses it)', d.toHumanString());
  return ms === 0 ? '0s' : formatMillis(ms);
}
