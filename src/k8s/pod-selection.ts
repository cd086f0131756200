import { IConstruct } from 'constructs';
import { checkKubernetesLabels } from './checks';
import { checkStringMap, checkStruct, fail, requireProp } from '../core/checks';
import { checkDnsLabel } from '../core/formats';
import { Labels, PlusWorkload, describe, isWorkload, selectedPods } from '../core/plus';

/**
 * Options of `PodSelection.fromLabels()`.
 */
export interface PodLabelsOptions {
  /**
   * The namespace of the pods.
   *
   * @default - the namespace of whoever uses the selection (for `AppServiceMonitor`, its
   * `metadata.namespace`, else the chart's, else 'default')
   */
  readonly namespaceName?: string;
}

/**
 * An application's pods, selected by equality labels in one namespace, as a Service selects
 * them: from the workload that runs them (of any cdk8s-plus version) or from plain labels.
 *
 * Features that change the pods (prometheus.io annotations, multi-process metrics) need the
 * workload: `PodSelection.fromPods(workload)`.
 */
export class PodSelection {
  /**
   * The pods of a cdk8s-plus workload (`Deployment`, `StatefulSet`, `DaemonSet`, `Job`, `Pod`...)
   * or of `Pods.select()`, from any cdk8s-plus version (cdk8s-plus-28, the library's peer
   * dependency, or a newer one such as cdk8s-plus-33). A workload's pods are selected by the
   * label cdk8s-plus gives them, in the workload's namespace.
   *
   * @param pods the workload, or the `Pods.select()` selector
   */
  public static fromPods(pods: IConstruct): PodSelection {
    const where = 'PodSelection.fromPods';
    const selected = selectedPods(where, 'pods', pods,
      'Pass the workload that runs the pods, or use PodSelection.fromLabels({ app: \'my-app\' })');
    // Errors about what a real object selects name that object.
    const at = describe(pods);
    if ((selected.pods.matchExpressions ?? []).length > 0) {
      fail(where, 'pods', `must select pods by labels only (a Service selector cannot use expressions), but ${at} selects by expressions`,
        selected.pods.matchExpressions);
    }
    const labels = { ...selected.pods.matchLabels };
    if (Object.keys(labels).length === 0) {
      fail(where, 'pods', `must select pods by at least one label (an empty selector matches every pod of the namespace), but ${at} selects by none`,
        labels, 'Pass the workload that runs the pods, or use PodSelection.fromLabels({ app: \'my-app\' })');
    }
    let namespaceName: string | undefined;
    const namespaces = selected.namespaces;
    if (namespaces) {
      const bySelector = Object.keys(namespaces.selector?.matchLabels ?? {}).length > 0 || (namespaces.selector?.matchExpressions ?? []).length > 0;
      if (namespaces.names?.length !== 1 || bySelector) {
        const how = bySelector ? 'selects namespaces by labels' : namespaces.names ? `names ${namespaces.names.length} namespaces` : 'selects every namespace';
        fail(where, 'pods', `must select pods of one namespace, by its name (a Service selects pods of its own namespace), but ${at} ${how}`,
          namespaces.names ?? namespaces.selector, 'Select the namespace by name, or use PodSelection.fromLabels(labels, { namespaceName })');
      }
      namespaceName = namespaces.names[0];
    }
    return new PodSelection(labels, namespaceName, isWorkload(pods) ? pods : undefined);
  }

  /**
   * The pods with these labels (every one of them), in `options.namespaceName`.
   *
   * Features that change the pods (prometheus.io annotations, multi-process metrics) cannot use
   * such a selection: they need `PodSelection.fromPods(workload)`.
   */
  public static fromLabels(labels: { [key: string]: string }, options: PodLabelsOptions = {}): PodSelection {
    const where = 'PodSelection.fromLabels';
    checkStringMap(where, 'labels', requireProp(where, 'labels', labels, 'Give the labels of the application\'s pods, such as { app: \'my-app\' }'));
    checkStruct(where, 'options', options);
    if (Object.keys(labels).length === 0) {
      fail(where, 'labels', 'must select pods by at least one label (an empty selector matches every pod of the namespace)', labels,
        'Give the labels of the application\'s pods, such as { app: \'my-app\' }');
    }
    if (options.namespaceName !== undefined) checkDnsLabel(where, 'namespaceName', options.namespaceName);
    return new PodSelection(checkKubernetesLabels(where, 'labels', labels), options.namespaceName, undefined);
  }

  /** The labels that select the pods. */
  public readonly labels: { [key: string]: string };
  /**
   * The namespace of the pods.
   *
   * @default - the namespace of whoever uses the selection
   */
  public readonly namespaceName?: string;
  /**
   * The workload that runs the pods, when the selection was made from one.
   *
   * @internal
   */
  public readonly _workload?: PlusWorkload;

  private constructor(labels: Labels, namespaceName: string | undefined, workload: PlusWorkload | undefined) {
    this.labels = labels;
    this.namespaceName = namespaceName;
    this._workload = workload;
  }
}
