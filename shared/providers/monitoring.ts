import { join, resolve } from 'node:path';
import { createAwsClients } from '../aws/clients.js';
import type { RepoConfig } from '../config/config.js';
import { FileHistoryLog } from '../history/file-history-log.js';
import type { HistoryLog } from '../history/history-log.js';
import { S3HistoryLog } from '../history/s3-history-log.js';
import { LOCAL_LAYOUT } from '../layout/local-layout.js';
import { athenaResultsLocation, historyPrefix } from '../layout/s3-layout.js';
import { athenaStatisticsEngine, duckdbStatisticsEngine, type StatisticsEngine } from '../offline/statistics-engine.js';
import type { AuditRecord, FreshnessCheck } from '../services/monitoring-history.js';

/** What monitoring (`skewless ui`) keeps and queries besides the three stores: histories and a statistics engine. */
export interface MonitoringParts {
  freshnessLog: HistoryLog<FreshnessCheck>;
  auditLog: HistoryLog<AuditRecord>;
  statistics: StatisticsEngine;
}

/** provider local: JSON lines in the data dir and DuckDB; provider aws: objects under `monitoring/` and Athena. */
export function createMonitoring(config: RepoConfig, now: () => Date): MonitoringParts {
  if (config.provider === 'aws' && config.aws) {
    const aws = config.aws;
    const clients = createAwsClients(aws.region);
    return {
      freshnessLog: new S3HistoryLog(clients.s3, aws.bucket, historyPrefix('freshness'), now),
      auditLog: new S3HistoryLog(clients.s3, aws.bucket, historyPrefix('audits'), now),
      statistics: athenaStatisticsEngine({
        client: clients.athena,
        workgroup: aws.athenaWorkgroup,
        database: aws.glueDatabase,
        outputLocation: aws.athenaOutput ?? athenaResultsLocation(aws.bucket),
      }),
    };
  }
  const dataDir = resolve(config.repoDir, config.dataDir);
  return {
    freshnessLog: new FileHistoryLog(join(dataDir, LOCAL_LAYOUT.freshnessHistoryFile)),
    auditLog: new FileHistoryLog(join(dataDir, LOCAL_LAYOUT.auditHistoryFile)),
    statistics: duckdbStatisticsEngine(config.repoDir),
  };
}
