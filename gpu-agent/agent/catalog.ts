import { LedgerError } from '../../domain/shared/ledger-error';

/** Names the runner knows (gpu-agent/runner/datasets.py SPECS, protocols.py PROTOCOLS), checked before any job runs. */
export const DATASETS = ['fashion-mnist', 'mnist', 'cifar10', 'cifar100', 'svhn', 'cifar10-standin'] as const;
export const PROTOCOLS = ['fast', 'nngpt', 'full', 'native-dataloader'] as const;
export const DEVICES = ['cpu', 'cuda', 'auto'] as const;

export type DeviceRequest = (typeof DEVICES)[number];

function oneOf<T extends string>(what: string, value: string, allowed: readonly T[], hint: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new LedgerError('BAD_INPUT', `unknown ${what} "${value}"`, `Use one of: ${allowed.join(', ')}. ${hint}`.trim());
  }
  return value as T;
}

export const checkDataset = (name: string) =>
  oneOf('dataset', name, DATASETS, 'Files come from $NAS_LEDGER_DATA (default /usr/share/datasets).');
export const checkProtocol = (name: string) => oneOf('protocol', name, PROTOCOLS, '');
/** cpu | cuda | auto, or cuda:<n> for one GPU of several (the runners then see only that one). */
export function checkDevice(name: string): { readonly request: DeviceRequest; readonly visibleGpu: string | null } {
  const pinned = /^cuda:(\d+)$/.exec(name);
  if (pinned) return { request: 'cuda', visibleGpu: pinned[1]! };
  return { request: oneOf('device', name, DEVICES, 'cuda:<n> picks one GPU.'), visibleGpu: null };
}
