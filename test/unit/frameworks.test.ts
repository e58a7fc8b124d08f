import { describe, expect, it } from 'vitest';
import { BUILT_IN_FRAMEWORKS, Framework, frameworkErrors } from '../../domain/statements/frameworks';
import toolkit2018 from '../../domain/statements/frameworks/home-office-toolkit-2018.json';

/** The built-in frameworks are not parsed at load (a cold start would pay for it): checked here instead. */
describe('built-in frameworks', () => {
  it('are exactly what Framework.parse makes of their JSON, and consistent', () => {
    expect(BUILT_IN_FRAMEWORKS).toStrictEqual([Framework.parse(toolkit2018)]);
    for (const f of BUILT_IN_FRAMEWORKS) expect(frameworkErrors(f)).toEqual([]);
  });
});
