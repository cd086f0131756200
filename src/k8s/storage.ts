import { ApiObjectMetadata, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkStorageClassName } from './checks';
import { toQuantity } from './quantity';
import { checkSize, checkString, checkStruct, fail, requireProp } from '../core/checks';

const quantity = (size: Size) => kplus.k8s.Quantity.fromString(toQuantity(size));

/**
 * Options of `DataStorage.emptyDir()`.
 */
export interface EmptyDirStorageOptions {
  /**
   * The most the volume may hold before the pod is evicted.
   *
   * @default - no limit
   */
  readonly sizeLimit?: Size;
}

/**
 * Options of `DataStorage.persistentVolumeClaim()`.
 */
export interface PersistentStorageOptions {
  /** The size of the claim. */
  readonly size: Size;
  /**
   * The StorageClass of the claim.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/**
 * Where the Prometheus server keeps its time-series database.
 */
export class DataStorage {
  /**
   * An emptyDir volume: the data lives as long as the pod, and is lost when the pod is
   * rescheduled or the Deployment rolls. Fine for trying things out or when every sample is
   * also remote-written.
   */
  public static emptyDir(options: EmptyDirStorageOptions = {}): DataStorage {
    checkSize('DataStorage.emptyDir', 'sizeLimit', checkStruct('DataStorage.emptyDir', 'options', options).sizeLimit);
    return new DataStorage({ sizeLimit: options.sizeLimit });
  }

  /**
   * A PersistentVolumeClaim for each Prometheus pod: Prometheus then runs as a StatefulSet
   * whose `volumeClaimTemplates` create a claim `data-<statefulset>-<ordinal>` per pod (each
   * replica and shard has its own), with an `fsGroup` so that the non-root Prometheus user can
   * write to the volume. The claims outlive the StatefulSet; a later change of `size` or
   * `storageClassName` is refused by the API server (claim templates cannot change), see the
   * README on moving data.
   */
  public static persistentVolumeClaim(options: PersistentStorageOptions): DataStorage {
    const where = 'DataStorage.persistentVolumeClaim';
    checkStruct(where, 'options', options, true);
    checkSize(where, 'size', requireProp(where, 'size', options.size, 'Use Size.gibibytes(20)'));
    checkStorageClassName(where, 'storageClassName', options.storageClassName);
    if (options.size.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) < 1) {
      fail('DataStorage.persistentVolumeClaim', 'size', 'must be at least 1 MiB', `${options.size.toKibibytes({ rounding: SizeRoundingBehavior.NONE })} KiB`);
    }
    return new DataStorage({ newClaim: options });
  }

  /**
   * A PersistentVolumeClaim that already exists in the stack's namespace, such as the claim an
   * earlier version of this library created. Prometheus then runs as a Deployment of one pod
   * with the `Recreate` strategy (a ReadWriteOnce volume and the TSDB lock allow one pod at a
   * time); it cannot be shared by replicas or shards.
   *
   * @param claimName the name of the claim
   */
  public static existingClaim(claimName: string): DataStorage {
    checkString('DataStorage.existingClaim', 'claimName', requireProp('DataStorage.existingClaim', 'claimName', claimName));
    if (claimName.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(claimName)) {
      fail('DataStorage.existingClaim', 'claimName', 'must be a DNS-1123 subdomain (a PersistentVolumeClaim name)', claimName);
    }
    return new DataStorage({ claimName });
  }

  /** @internal */
  public readonly _sizeLimit?: Size;
  /** @internal */
  public readonly _newClaim?: PersistentStorageOptions;
  /** @internal */
  public readonly _claimName?: string;

  private constructor(spec: { sizeLimit?: Size; newClaim?: PersistentStorageOptions; claimName?: string }) {
    this._sizeLimit = spec.sizeLimit;
    this._newClaim = spec.newClaim;
    this._claimName = spec.claimName;
  }

  /**
   * Creates the new claim, if any, in `scope` (id `Storage`), and returns the volume named
   * `name` that the pod mounts: the claim, the existing claim, or an emptyDir.
   *
   * @internal
   */
  public _bind(scope: Construct, metadata: ApiObjectMetadata, name: string): kplus.k8s.Volume {
    let claimName = this._claimName;
    if (this._newClaim) {
      claimName = new kplus.k8s.KubePersistentVolumeClaim(scope, 'Storage', {
        metadata,
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: this._newClaim.storageClassName,
          resources: { requests: { storage: quantity(this._newClaim.size) } },
        },
      }).name;
    }
    return claimName
      ? { name, persistentVolumeClaim: { claimName } }
      : { name, emptyDir: this._sizeLimit ? { sizeLimit: quantity(this._sizeLimit) } : {} };
  }

  /**
   * The claim template named `name` of a StatefulSet, for a new claim.
   *
   * @internal
   */
  public _claimTemplate(name: string, labels: { [key: string]: string }): kplus.k8s.KubePersistentVolumeClaimProps | undefined {
    if (!this._newClaim) return undefined;
    return {
      metadata: { name, labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: this._newClaim.storageClassName,
        resources: { requests: { storage: quantity(this._newClaim.size) } },
      },
    };
  }

  /** Whether the data outlives the pod. */
  public get persistent(): boolean {
    return this._newClaim !== undefined || this._claimName !== undefined;
  }
}
