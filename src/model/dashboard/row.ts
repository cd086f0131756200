import { DashboardPanel } from './panel';
import { checkArray, checkInstances, checkStruct } from '../../core/checks';
import { checkNonEmpty } from '../../core/formats';

const PANEL_FIX = 'Use DashboardPanel.timeSeries({...}) or DashboardPanel.stat({...})';

/**
 * Properties of a `DashboardRow`.
 */
export interface DashboardRowProps {
  /** The row's title. */
  readonly title: string;
  /**
   * The panels of the row, laid out left to right and wrapped at the grid's width.
   *
   * @default - none; add them with `addPanel()`
   */
  readonly panels?: DashboardPanel[];
}

/**
 * A titled row of panels.
 */
export class DashboardRow {
  /** The row's title. */
  public readonly title: string;
  private readonly _panels: DashboardPanel[] = [];

  constructor(props: DashboardRowProps) {
    checkStruct('DashboardRow', 'props', props, true);
    checkNonEmpty('DashboardRow', 'title', props.title);
    this.title = props.title;
    for (const panel of checkArray(`DashboardRow '${props.title}'`, 'panels', props.panels) ?? []) this.addPanel(panel);
  }

  /** The panels, in order. */
  public get panels(): DashboardPanel[] {
    return [...this._panels];
  }

  /** Adds panels after the existing ones. */
  public addPanel(...panels: DashboardPanel[]): void {
    checkInstances(`DashboardRow '${this.title}'`, 'panels', panels, DashboardPanel, PANEL_FIX);
    this._panels.push(...panels);
  }
}
