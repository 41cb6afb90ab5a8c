import { describe, expect, it } from 'vitest';
import { entityTableIdOf, entityTableName, ENTITY_TABLE_PREFIX, glueTableName, projectNames } from '../../shared/layout/glue-names.js';
import {
  athenaResultsLocation,
  checkpointRoot,
  datasetsRoot,
  dayPartition,
  partitionDayOf,
  REGISTRY_KEY,
  S3_PREFIX,
  latestStagingPrefix,
  stagingIdOf,
  stagingPrefix,
  stagingRoot,
  viewPrefix,
} from '../../shared/layout/s3-layout.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';

const rand = seededRandom(7);
const hexId = () => Array.from({ length: 32 }, () => '0123456789abcdef'[randomInt(rand, 0, 16)]).join('');

describe('Module: shared/layout/s3-layout — where provider aws keeps things', () => {
  it('names every top-level prefix without slashes, and the registry key under its own', () => {
    for (const p of Object.values(S3_PREFIX)) expect(p).toMatch(/^[a-z][a-z-]*$/);
    expect(new Set(Object.values(S3_PREFIX)).size).toBe(Object.values(S3_PREFIX).length);
    expect(REGISTRY_KEY).toBe('registry/registry.json');
    expect(Object.values(S3_PREFIX).some((p) => REGISTRY_KEY.startsWith(`${p}/`))).toBe(false);
  });

  it('puts each view version under its own prefix, whatever trailing slashes the offline prefix has', () => {
    expect(viewPrefix('offline', 'user_activity', 2)).toBe('offline/user_activity/v2/');
    expect(viewPrefix('team/offline//', 'user_activity', 2)).toBe('team/offline/user_activity/v2/');
    expect(`${viewPrefix('offline', 'a', 1)}${dayPartition('2024-03-10')}part-1.parquet`).toBe('offline/a/v1/dt=2024-03-10/part-1.parquet');
  });

  it('reads back the day partition it writes, and nothing from keys without one', () => {
    for (const day of ['2024-03-10', '1999-12-31', '2026-02-28'])
      expect(partitionDayOf(`${viewPrefix('offline', 'a', 1)}${dayPartition(day)}part.parquet`)).toBe(day);
    for (const key of ['offline/a/v1/part.parquet', 'offline/a/v1/dt=2024-3-10/p', 'offline/a/v1/dt=2024-03-10']) expect(partitionDayOf(key)).toBeUndefined();
  });

  it('round-trips a dataset id through its staging prefix (any offline prefix of plain segments)', () => {
    for (const prefix of ['offline', 'offline/', 'team/offline', 'a=b/c_d-e.f']) {
      for (let i = 0; i < 50; i++) {
        const id = hexId();
        expect(stagingPrefix(prefix, id).startsWith(stagingRoot(prefix))).toBe(true);
        expect(stagingIdOf(stagingPrefix(prefix, id))).toBe(id);
        // A materialization chunk's scratch space is under the same expiring root, never taken for a dataset's.
        expect(latestStagingPrefix(prefix, id).startsWith(stagingRoot(prefix))).toBe(true);
        expect(stagingIdOf(latestStagingPrefix(prefix, id))).toBeUndefined();
      }
    }
  });

  it.each([
    '',
    'offline/',
    'offline/_staging/',
    `offline/_staging/${'a'.repeat(31)}/`,
    `offline/_staging/${'A'.repeat(32)}/`,
    `offline/_staging/${'a'.repeat(32)}`,
    `../_staging/${'a'.repeat(32)}/`,
    `offline/../_staging/${'a'.repeat(32)}/`,
    `/offline/_staging/${'a'.repeat(32)}/`,
    `offline/_staging/${'a'.repeat(32)}/x/`,
  ])('refuses %j as a staging prefix (finalize deletes everything under it)', (prefix) => expect(stagingIdOf(prefix)).toBeUndefined());

  it('keeps checkpoints and staged rows beside the offline data, datasets and Athena results at the top', () => {
    expect(stagingRoot('offline')).toBe('offline/_staging/');
    expect(checkpointRoot('offline/')).toBe('offline/_materialize/');
    expect(datasetsRoot()).toBe('datasets/');
    expect(datasetsRoot('/training//')).toBe('training/');
    expect(athenaResultsLocation('bucket')).toBe('s3://bucket/athena-results/');
  });
});

describe('Module: shared/layout/glue-names — names in the Glue catalog', () => {
  it('names one lower-case table per view version', () => {
    expect(glueTableName('User_Activity', 3)).toBe('user_activity_v3');
  });

  it('round-trips a dataset id through its staging table name, and refuses other tables', () => {
    for (let i = 0; i < 50; i++) {
      const id = hexId();
      expect(entityTableName(id).startsWith(ENTITY_TABLE_PREFIX)).toBe(true);
      expect(entityTableIdOf(entityTableName(id))).toBe(id);
    }
    for (const t of ['user_activity_v1', ENTITY_TABLE_PREFIX, `${ENTITY_TABLE_PREFIX}XYZ`, `x${ENTITY_TABLE_PREFIX}ab`, `${ENTITY_TABLE_PREFIX}ab/..`])
      expect(entityTableIdOf(t)).toBeUndefined();
  });

  it('names the database and workgroup after the project', () => {
    expect(projectNames('Demo_1')).toEqual({ database: 'demo_1', workgroup: 'skewless-demo_1' });
  });
});
