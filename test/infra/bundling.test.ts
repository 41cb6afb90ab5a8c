import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { SkewlessFunction } from '../../infra/functions.js';
import { tempDir } from '../helpers/tmp.js';

describe('Construct: SkewlessFunction bundling (esbuild for real)', () => {
  const out = tempDir('skewless-cdk-');
  afterAll(() => out.cleanup());

  it('ships a linked source map whenever the runtime is started with --enable-source-maps', () => {
    const app = new App({ outdir: out.dir });
    const stack = new Stack(app, 'Bundle');
    new SkewlessFunction(stack, 'fn', { name: 'freshness-check', definitionsPath: 'examples/feature_repo/definitions.ts', environment: {} });
    const assembly = app.synth();
    const [fn] = Object.values(Template.fromJSON(assembly.getStackByName('Bundle').template).findResources('AWS::Lambda::Function')) as {
      Properties: { Environment: { Variables: Record<string, string> }; Code: { S3Key: string } };
    }[];
    expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toContain('--enable-source-maps');
    const asset = join(out.dir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    expect(readdirSync(asset).sort()).toEqual(['index.js', 'index.js.map']);
    expect(readFileSync(join(asset, 'index.js'), 'utf8').trimEnd()).toMatch(/\/\/# sourceMappingURL=index\.js\.map$/);
    const map = JSON.parse(readFileSync(join(asset, 'index.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((s) => s.endsWith('functions/lambda/freshness-check.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  }, 120_000);
});
