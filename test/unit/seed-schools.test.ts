import { describe, expect, it } from 'vitest';
import { AUTHORITY_TYPE_SECTOR, CreateAuthority } from '../../domain/authorities/authority';
import { demoSchools, schoolProfile } from '../../infra/local/seed-schools';

/** `npm start -- --schools N`: a county's schools, valid authorities with a plausible spread of records. */
describe('the demo schools', () => {
  const schools = demoSchools(600);

  it('are 600 valid education authorities with distinct ids and names', () => {
    expect(schools).toHaveLength(600);
    for (const school of schools) {
      expect(CreateAuthority.safeParse(school).success, school.id).toBe(true);
      expect(school.sector).toBe('education-childcare');
      expect([null, 'education-childcare']).toContain(AUTHORITY_TYPE_SECTOR[school.type]);
    }
    expect(new Set(schools.map((s) => s.id)).size).toBe(600);
    expect(new Set(schools.map((s) => s.name)).size).toBe(600);
    expect(new Set(schools.map((s) => s.type))).toEqual(new Set(['school', 'other', 'fe-college']));
  });

  it('are the same on every run, and the first N are the same whatever N', () => {
    expect(demoSchools(300)).toEqual(schools.slice(0, 300));
    expect(schools.map((s) => schoolProfile(s.id))).toEqual(demoSchools(600).map((s) => schoolProfile(s.id)));
  });

  it('have records spread as in a county: most in order, some lapsed, overdue or missing', () => {
    const profiles = schools.map((s) => schoolProfile(s.id)!);
    const share = (test: (p: (typeof profiles)[number]) => boolean) => profiles.filter(test).length / profiles.length;
    expect(share((p) => p.sopReviewInDays < 0)).toBeGreaterThan(0.05);
    expect(share((p) => p.sopReviewInDays >= 60)).toBeGreaterThan(0.5);
    expect(share((p) => p.filterReviewedDaysAgo === undefined)).toBeGreaterThan(0.03);
    expect(share((p) => (p.filterReviewedDaysAgo ?? 0) > 365)).toBeGreaterThan(0.1);
    expect(new Set(profiles.map((p) => p.thisYear))).toEqual(new Set(['accepted', 'submitted', 'returned', 'draft', 'missing']));
    expect(share((p) => p.workforce < 25)).toBeGreaterThan(0.2);
  });

  it('refuses a number out of range, and is not a school profile for another authority', () => {
    expect(() => demoSchools(1001)).toThrow(/0 to 1000/);
    expect(() => demoSchools(-1)).toThrow();
    expect(schoolProfile('police')).toBeUndefined();
  });
});
