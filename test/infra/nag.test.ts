import { App, Stack, Validations, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNagChecks, nagPacks } from '../../infra/deployment';
import { synthesise, type Synthesised } from './synth';

/**
 * cdk-nag (v3, a CDK validation plugin) over the whole deployment, both packs infra/app.ts runs
 * on every synth. Every finding is either fixed or acknowledged where it arises, with a reason
 * (`Validations.of(construct).acknowledge`); this lists whatever is neither.
 */

let synthesised: Synthesised;

beforeAll(() => {
  synthesised = synthesise({ bundle: false });
}, 120_000);

afterAll(() => synthesised?.cleanup());

/** One line per unacknowledged finding: severity, rule (with the finding, e.g. IAM5[Action::s3:*]), construct path. */
function findings(report: PolicyValidationPluginReport): string[] {
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`));
}

describe('cdk-nag', () => {
  for (const pack of nagPacks()) {
    it(`${pack.readPackName}: no unacknowledged errors or warnings`, () => {
      const unacknowledged = findings(pack.validateScope(synthesised.app));
      expect(unacknowledged, `unacknowledged findings:\n${unacknowledged.join('\n')}`).toEqual([]);
    });
  }

  it('has no acknowledgement that matches no finding (each stays as narrow as what it answers)', () => {
    // Every finding, acknowledged or not: the packs with acknowledgements ignored. isAcknowledged is
    // cdk-nag's private check; were it renamed, this would see no findings and fail on every acknowledgement.
    const all = nagPacks().flatMap((pack) => {
      (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
      return pack.validateScope(synthesised.app).violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })));
    });
    const unmatched: string[] = [];
    const visit = (construct: IConstruct) => {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const key of Object.keys(entry.data as object)) {
          const id = key.replace(/^annotation::/i, '');
          // CDK's own acknowledgements of its CloudFormation checks are not ours to judge.
          if (!/^(AwsSolutions|Serverless)-/.test(id)) continue;
          const path = construct.node.path;
          if (!all.some((f) => f.id === id && (f.path === path || f.path.startsWith(`${path}/`)))) unmatched.push(`${path}: ${id}`);
        }
      }
      for (const child of construct.node.children) visit(child);
    };
    visit(synthesised.app);
    expect(all.length).toBeGreaterThan(0);
    expect(unmatched, `acknowledgements matching no finding:\n${unmatched.join('\n')}`).toEqual([]);
  });

  it('reports what the packs find (the check above is not vacuous)', () => {
    // A bucket with neither access logs nor TLS enforcement.
    const app = new App();
    const stack = new Stack(app, 'Probe');
    new Bucket(stack, 'Unlogged');
    const [awsSolutions] = nagPacks();
    const rules = awsSolutions.validateScope(app).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
    // And an acknowledgement silences exactly the rule it names.
    Validations.of(stack).acknowledge({ id: 'AwsSolutions-S1', reason: 'probe' });
    const after = awsSolutions.validateScope(app).violations.map((v) => v.ruleName);
    expect(after).not.toContain('AwsSolutions-S1');
    expect(after).toContain('AwsSolutions-S10');
  });

  it('fails a synth with an unacknowledged finding and writes the report to the cloud assembly', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-out-'));
    try {
      const app = new App({ outdir });
      addNagChecks(app);
      new Bucket(new Stack(app, 'Probe'), 'Unlogged');
      expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
      expect(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')).toContain('AwsSolutions-S1');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('is what infra/app.ts runs on every synth', () => {
    // app.ts cannot be imported here (it builds the web app and synthesises on load).
    expect(readFileSync(new URL('../../infra/app.ts', import.meta.url), 'utf8')).toMatch(/^addNagChecks\(app\);$/m);
  });
});
