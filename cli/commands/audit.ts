import { Option, type Command } from 'commander';
import { ValidationError } from '../../shared/errors.js';
import { instantArg, listArg } from '../args.js';
import { withStore } from '../context.js';
import { printTable, toJson, type GlobalOptions } from '../output.js';

const pct = (r: number) => `${(r * 100).toFixed(2)}%`;

export function registerAuditCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('audit-skew')
    .description('compare sampled online vectors with offline PIT vectors at the same time; exit 1 above --threshold')
    // -v means --views in every verb; --view stays accepted.
    .option('-v, --views <names>', 'feature views (name or name@vN), comma-separated', listArg)
    .addOption(new Option('--view <names>').argParser(listArg).hideHelp())
    .option('-s, --feature-service <name>', 'audit every view and on demand view of a feature service')
    .option('-n, --sample <n>', 'entity keys sampled per view', '1000')
    .option('--seed <n>', 'sampling seed (same seed, same sample)', '1')
    .option('--threshold <rate>', 'highest tolerated mismatch / missing rate', '0')
    .option('--tolerance <rel>', 'relative tolerance for floats', '1e-6')
    .option('--now <ts>', 'the clock aggregation views are looked up and recomputed at (default: now)')
    // Kept like the UI's audits, so `skewless ui` shows the audits CI ran.
    .option('--no-record', 'do not keep this audit in the audit history')
    .action(
      (o: {
        views?: string[];
        view?: string[];
        featureService?: string;
        sample: string;
        seed: string;
        threshold: string;
        tolerance: string;
        now?: string;
        record: boolean;
      }) => {
        const fixed = o.now ? instantArg(o.now, 'now') : undefined;
        return withStore(
          globals(),
          async (store) => {
            const threshold = Number(o.threshold);
            if (!Number.isFinite(threshold) || threshold < 0)
              throw new ValidationError(`--threshold: expected a rate >= 0, got '${o.threshold}'`, [{ field: 'threshold', message: 'expected a number' }]);
            const report = await store.auditSkew(
              {
                ...(o.views || o.view ? { views: [...(o.views ?? []), ...(o.view ?? [])] } : {}),
                ...(o.featureService ? { featureService: o.featureService } : {}),
                sample: Number(o.sample),
                seed: Number(o.seed),
                floatTolerance: Number(o.tolerance),
              },
              { record: o.record },
            );
            // A feature with nothing to compare was not checked: that is not a pass.
            const passed = report.worstRate <= threshold && report.notChecked.length === 0;
            if (globals().json) console.log(toJson({ ...report, threshold, passed }));
            else {
              const rate = (compared: number, r: number) => (compared ? pct(r) : 'not checked');
              printTable(
                report.features.map((f) => ({
                  ...f,
                  mismatch: rate(f.compared, f.mismatchRate),
                  missing_online: rate(f.compared, f.missingOnlineRate),
                  missing_offline: rate(f.compared, f.missingOfflineRate),
                })),
                ['view', 'feature', 'compared', 'mismatch', 'missing_online', 'missing_offline'],
                globals(),
              );
              for (const d of report.drift) console.log(`DRIFT ${d.view}: applied code ${d.applied}, loaded ${d.loaded ?? 'nothing'}`);
              if (report.notChecked.length) console.log(`NOT CHECKED (no row could be compared): ${report.notChecked.join(', ')}`);
              const verdict = report.worstRate > threshold ? 'SKEW' : report.notChecked.length ? 'NOT CHECKED' : 'OK';
              console.log(`worst rate ${pct(report.worstRate)} over compared rows (threshold ${pct(threshold)}): ${verdict}`);
            }
            if (!passed) process.exitCode = 1;
          },
          fixed ? () => fixed : undefined,
          true,
        );
      },
    );
}
