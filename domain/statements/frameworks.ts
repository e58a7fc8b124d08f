import * as z from 'zod';
import toolkit2018 from './frameworks/home-office-toolkit-2018.json';

/**
 * A benchmark framework is data with a version: the 2018 Home Office toolkit ships built in
 * (taken from seed 003's self-assessment tool); a partnership adds the next one by posting
 * its JSON (`POST /frameworks`) and choosing it for a reporting year — no code change.
 */
export const RATINGS = ['not-yet-started', 'developing', 'achieving'] as const;
export const Rating = z.enum(RATINGS);

export const Framework = z.object({
  id: z.string().regex(/^[a-z0-9-]{3,60}$/),
  version: z.string().regex(/^[A-Za-z0-9.-]{1,20}$/),
  name: z.string().min(1).max(300),
  source: z.string().max(500).optional(),
  benchmarks: z
    .array(
      z.object({
        number: z.number().int().min(1).max(50),
        title: z.string().min(1).max(500),
        outcome: z.string().max(1000).optional(),
        questions: z
          .array(z.object({ id: z.string().regex(/^\d+\.\d+$/), text: z.string().min(1).max(2000), type: z.enum(['expectation', 'good-practice']) }))
          .min(1),
      }),
    )
    .min(1),
});
export type Framework = z.infer<typeof Framework>;

export const frameworkKey = (f: Pick<Framework, 'id' | 'version'>) => `${f.id}@${f.version}`;

/**
 * Built-in frameworks are this repository's own data, checked against Framework by
 * test/unit/frameworks.test.ts rather than parsed on every cold start (a first zod parse
 * compiles the schema's parser: a large share of a function's module load). Only the fields
 * Framework has, as a parse would leave them.
 */
const builtIn = ({ id, version, name, source, benchmarks }: typeof toolkit2018): Framework => ({ id, version, name, source, benchmarks: benchmarks as Framework['benchmarks'] });
export const BUILT_IN_FRAMEWORKS: Framework[] = [builtIn(toolkit2018)];
export const DEFAULT_FRAMEWORK = frameworkKey(BUILT_IN_FRAMEWORKS[0]);

/** Checks a framework's own consistency: unique benchmark numbers, questions numbered under their benchmark. */
export function frameworkErrors(f: Framework): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const numbers = new Set<number>();
  f.benchmarks.forEach((b, i) => {
    if (numbers.has(b.number)) errors.push({ path: `benchmarks.${i}.number`, message: `Benchmark ${b.number} appears twice.` });
    numbers.add(b.number);
    b.questions.forEach((q, j) => {
      if (!q.id.startsWith(`${b.number}.`)) errors.push({ path: `benchmarks.${i}.questions.${j}.id`, message: `Question ${q.id} is not under benchmark ${b.number}.` });
    });
  });
  return errors;
}

/** The questions of the benchmarks that apply to a sector. */
export function applicableQuestions(f: Framework, benchmarkNumbers: readonly number[] | undefined) {
  const applicable = new Set(benchmarkNumbers ?? f.benchmarks.map((b) => b.number));
  const benchmarks = f.benchmarks.filter((b) => applicable.has(b.number));
  return { benchmarks: benchmarks.map((b) => b.number), questions: benchmarks.flatMap((b) => b.questions.map((q) => q.id)) };
}
