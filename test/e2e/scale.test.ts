import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { authorityService } from '../../domain/authorities/authority';
import { newPartnership } from '../../domain/partnerships/partnership';
import type { Caller } from '../../domain/shared/identity';
import { systemDeps } from '../../functions/shared/deps';
import { expectAccessible, useWebApp, waitForPage } from './support/web';

/**
 * A county partnership with its schools: 600 authorities (every school, college and nursery is a
 * specified authority). The dashboard, the report's benchmark table and the SOPs page must stay
 * usable: filtered, sorted and 50 rows a page, the filters and the page in the address.
 * The county is a partnership of its own, so the demo partnership the other tests use is untouched.
 */
const web = useWebApp();

const TENANT = 'county-with-schools';
const COUNCILS = 10;
const SCHOOLS = 590;
const TOTAL = COUNCILS + SCHOOLS;
const pad = (n: number) => String(n).padStart(3, '0');

beforeAll(async () => {
  const d = systemDeps();
  const { partnership, audit, courses } = newPartnership({ id: TENANT, name: 'County with its schools' }, d.clock, d.ids);
  await d.partnerships.create(partnership, audit, courses);
  const caller: Caller = { tenantId: TENANT, userId: 'scale-test', role: 'steering-group' };
  const authorities = authorityService({ store: d.authorities, clock: d.clock, ids: d.ids });
  const inputs = [
    ...Array.from({ length: COUNCILS }, (_, i) => ({ id: `council-${pad(i)}`, name: `Council ${pad(i)}`, sector: 'local-government', type: 'district-council' })),
    ...Array.from({ length: SCHOOLS }, (_, i) => ({ id: `school-${pad(i)}`, name: `School ${pad(i)}`, sector: 'education-childcare', type: 'school' })),
  ];
  // Eight at a time: each is a transaction with its audit event.
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < inputs.length) await authorities.create(caller, inputs[next++] as never);
    }),
  );
}, 300_000);

/** Opens a page as the county's steering group: the token is put where the app keeps it (this tab's session). */
async function openAsCounty(path: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const token = await web().issuer.mint({ sub: 'county-chair', tenantId: TENANT, role: 'steering-group' }, '1h');
  const { context, page, problems } = await web().newPage();
  await context.addInitScript(`sessionStorage.setItem('prevent.local.idToken', ${JSON.stringify(token)});`);
  await page.goto(path);
  await waitForPage(page);
  return {
    page,
    close: async () => {
      expect(problems).toEqual([]);
      await context.close();
    },
  };
}

const rowHeaders = (page: Page, table: string) => page.locator(`${table} tbody tr th[scope=row]`).allTextContents();
/** The table's result count ("Showing 1 to 50 of 600 authorities."). */
const status = (page: Page) => page.getByRole('status').filter({ hasText: /^(Showing|No) / }).first().textContent();

describe('a county with its schools (600 authorities)', () => {
  it('the dashboard shows 50 authorities a page, pages through them, and filters by sector and name', async () => {
    const { page, close } = await openAsCounty('/app/dashboard');
    try {
      const table = 'table.moj-sortable-table';
      await expect(status(page)).resolves.toBe(`Showing 1 to 50 of ${TOTAL} authorities.`);
      const first = await rowHeaders(page, table);
      expect(first).toHaveLength(50);
      expect(first[0]).toBe('Council 000');

      // Page 3 by its number: rows 101 to 150, the address says so, and focus is on the table's caption.
      await page.getByRole('navigation', { name: 'Pages of authorities' }).getByRole('link', { name: 'Page 3', exact: true }).click();
      await expect.poll(() => status(page)).toBe(`Showing 101 to 150 of ${TOTAL} authorities.`);
      expect(new URL(page.url()).searchParams.get('page')).toBe('3');
      expect((await rowHeaders(page, table))[0]).toBe('School 090');
      await expect.poll(() => page.evaluate<string | undefined>('document.activeElement && document.activeElement.id')).toBe('authorities-table');

      // A new order starts at page 1: name, descending.
      await page.locator(`${table} thead`).getByRole('button', { name: 'Authority' }).click();
      await expect.poll(async () => (await rowHeaders(page, table))[0]).toBe('School 589');
      expect(new URL(page.url()).searchParams.get('page')).toBeNull();

      // Filters apply on submit and keep the order: councils only, then a part of a name.
      await page.getByLabel('Sector').first().selectOption('local-government');
      expect(await status(page)).toBe(`Showing 1 to 50 of ${TOTAL} authorities.`); // nothing changes before "Apply filters"
      await page.getByRole('button', { name: 'Apply filters' }).first().click();
      await expect.poll(() => status(page)).toBe(`Showing all ${COUNCILS} authorities.`);
      expect(await rowHeaders(page, table)).toEqual(Array.from({ length: COUNCILS }, (_, i) => `Council ${pad(COUNCILS - 1 - i)}`));
      await page.getByLabel('Sector').first().selectOption('');
      await page.getByLabel('Name contains').first().fill('school 12');
      await page.getByRole('button', { name: 'Apply filters' }).first().click();
      // School 120 to School 129.
      await expect.poll(() => status(page)).toBe('Showing all 10 authorities.');
      expect(new URL(page.url()).searchParams.get('name')).toBe('school 12');
      await expectAccessible(page, 'dashboard, filtered');

      // Back restores the councils (the filters are in the address, and the form shows them).
      await page.goBack();
      await expect.poll(() => page.getByLabel('Sector').first().inputValue()).toBe('local-government');
      await expect.poll(() => status(page)).toBe(`Showing all ${COUNCILS} authorities.`);
      // Clear filters: every authority again, and nothing left to clear.
      await page.getByRole('button', { name: 'Clear filters' }).first().click();
      await expect.poll(() => status(page)).toBe(`Showing 1 to 50 of ${TOTAL} authorities.`);
      expect(await page.getByRole('button', { name: 'Clear filters' }).count()).toBe(0);
    } finally {
      await close();
    }
  });

  it('an attention list shows ten, and its link opens the table filtered to all of them', async () => {
    const { page, close } = await openAsCounty('/app/dashboard');
    try {
      // No IT-filter review is recorded anywhere: all 600 need one.
      const region = page.getByRole('region', { name: /^IT-filter reviews overdue or due/ });
      await expect(region.getByRole('heading').first().textContent()).resolves.toContain(`(${TOTAL})`);
      expect(await region.getByRole('listitem').count()).toBe(10);
      await region.getByRole('link', { name: new RegExp(`^Show all ${TOTAL} in the table`) }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get('itFilter')).toBe('needs-review');
      await expect.poll(() => status(page)).toBe(`Showing 1 to 50 of ${TOTAL} authorities.`);
      await expect.poll(() => page.evaluate<string | undefined>('document.activeElement && document.activeElement.id')).toBe('authorities');
      await expect(page.getByLabel('IT filter').first().inputValue()).resolves.toBe('needs-review');
      await expectAccessible(page, 'dashboard, from an attention list');
    } finally {
      await close();
    }
  });

  it("the report's benchmark table and the SOPs page are paged too", async () => {
    const { page, close } = await openAsCounty('/app/report');
    try {
      await page.locator('#heatmap-table').waitFor();
      await expect(status(page)).resolves.toBe(`Showing 1 to 50 of ${TOTAL} authorities.`);
      expect(await page.locator('#heatmap-table').locator('xpath=..').locator('tbody tr').count()).toBe(50);
      await page.getByRole('navigation', { name: 'Pages of benchmark scores' }).getByRole('link', { name: 'Next page' }).click();
      await expect.poll(() => status(page)).toBe(`Showing 51 to 100 of ${TOTAL} authorities.`);
      await page.getByLabel('Sector').first().selectOption('education-childcare');
      await page.getByRole('button', { name: 'Apply filters' }).first().click();
      await expect.poll(() => status(page)).toBe(`Showing 1 to 50 of ${SCHOOLS} authorities.`);
      await expectAccessible(page, 'report, filtered');

      await page.goto('/app/sops');
      await waitForPage(page);
      await expect.poll(() => status(page)).toBe(`Showing 1 to 50 of ${TOTAL} SOPs.`);
      await expect(page.getByRole('navigation', { name: 'Pages of SOPs' }).getByRole('link', { name: 'Page 12', exact: true }).count()).resolves.toBe(1);
      await expectAccessible(page, 'SOPs, 600 authorities');
    } finally {
      await close();
    }
  });
});
