import { Notifier } from './notifier';
import { checkArray, checkStruct, fail } from '../../core/checks';
import { checkNonEmpty } from '../../core/formats';
import { Credential } from '../prometheus/credential';

/**
 * Properties of a `Receiver`.
 */
export interface ReceiverProps {
  /** The name that routes refer to; unique in the configuration. */
  readonly name: string;
  /**
   * Where it sends notifications.
   *
   * @default - nowhere: the receiver swallows what it is routed (a "null" receiver)
   */
  readonly notifiers?: Notifier[];
}

/**
 * A named set of notifiers that routes send alert groups to.
 *
 * @see https://prometheus.io/docs/alerting/latest/configuration/#receiver
 */
export class Receiver {
  /** The name. */
  public readonly name: string;
  private readonly notifiers: Notifier[];

  constructor(props: ReceiverProps) {
    checkStruct('Receiver', 'props', props, true);
    checkNonEmpty('Receiver', 'name', props.name);
    this.name = props.name;
    this.notifiers = [...checkArray(`Receiver '${props.name}'`, 'notifiers', props.notifiers) ?? []];
    this.notifiers.forEach((n, i) => {
      if (!(n instanceof Notifier)) fail(`Receiver '${props.name}'`, `notifiers[${i}]`, 'must be a Notifier', n, 'Use Notifier.webhook({...}), Notifier.slack({...}) or another Notifier factory');
    });
  }

  /** @internal */
  public _render(): { [key: string]: unknown } {
    const out: { [key: string]: unknown } = { name: this.name };
    for (const n of this.notifiers) {
      out[n._key] = [...(out[n._key] as unknown[] | undefined) ?? [], n._render()];
    }
    return out;
  }

  /** @internal */
  public _credentials(): Credential[] {
    return this.notifiers.flatMap((n) => n._credentials());
  }
}
