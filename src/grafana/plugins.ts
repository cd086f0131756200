// The plugins Grafana installs at start.
import { checkBoolean, checkString, fail, requireProp } from '../core/checks';

/**
 * A Grafana plugin installed when Grafana starts.
 */
export class GrafanaPlugin {
  /**
   * A plugin of the Grafana plugin catalog at a pinned version, such as
   * `GrafanaPlugin.of('grafana-piechart-panel', '1.6.4')`. Grafana downloads it from grafana.com
   * at start, so the pod needs egress there.
   */
  public static of(id: string, version: string): GrafanaPlugin {
    checkPlugin('GrafanaPlugin.of', id, version);
    return new GrafanaPlugin(id, version, `${id}@${version}`, false);
  }

  /**
   * A plugin that is not in the catalog, downloaded from `url` (a zip archive of the plugin),
   * such as Kuma's data source from its GitHub release. `unsigned` lets Grafana load a plugin
   * without a Grafana signature (Kuma's is one).
   *
   * @param unsigned whether the plugin is unsigned (allowed explicitly)
   */
  public static fromUrl(id: string, version: string, url: string, unsigned?: boolean): GrafanaPlugin {
    checkPlugin('GrafanaPlugin.fromUrl', id, version);
    checkString('GrafanaPlugin.fromUrl', 'url', url);
    checkBoolean('GrafanaPlugin.fromUrl', 'unsigned', unsigned);
    if (!/^https:\/\/[^\s@,]+\.zip$/.test(url)) {
      fail('GrafanaPlugin.fromUrl', 'url', 'must be an https:// URL of a .zip archive, without \'@\' or \',\'', url);
    }
    return new GrafanaPlugin(id, version, `${id}@${version}@${url}`, unsigned ?? false);
  }

  /** The plugin id. */
  public readonly id: string;
  /** The plugin version. */
  public readonly version: string;
  /** Whether Grafana may load it without a signature. */
  public readonly unsigned: boolean;
  /** @internal */
  public readonly _spec: string;

  private constructor(id: string, version: string, spec: string, unsigned: boolean) {
    this.id = id;
    this.version = version;
    this._spec = spec;
    this.unsigned = unsigned;
  }
}

function checkPlugin(where: string, id: string, version: string): void {
  checkString(where, 'id', requireProp(where, 'id', id));
  checkString(where, 'version', requireProp(where, 'version', version));
  if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(id)) fail(where, 'id', 'must be a plugin id such as grafana-piechart-panel', id);
  if (!/^\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(version)) {
    fail(where, 'version', 'must be a pinned version such as 1.2.3 (an unpinned plugin changes under you)', version);
  }
}
