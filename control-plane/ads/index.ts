export { createAdsService, type AdsService, type AdsServiceOptions } from './service.js';
export { AdsMetrics } from './metrics.js';
export type { ClientStatus, NackRecord, SentRecord, StreamKind, TypeStatus } from './client-status.js';
export { ADS_SERVICE_NAME, loadAdsPackageDefinition } from '../../proto/xds.js';
