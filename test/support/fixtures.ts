import { addDays } from '../../domain/shared/dates';
import type { Role } from '../../domain/shared/identity';
import { newPartnership } from '../../domain/partnerships/partnership';
import { systemClock } from '../../domain/shared/ports';
import { systemDeps, ulidIds } from '../../functions/shared/deps';
import type { TestApi } from './api';

export interface PartnershipFixture {
  tenantId: string;
  authorities: { a: string; b: string };
  tokens: Record<string, string>;
}

/**
 * A partnership with two authorities (a: a district council, b: the OPCC, whose IT the
 * police force would provide) and a token for every role × authority combination.
 */
export async function seedPartnership(api: TestApi, tenantId: string): Promise<PartnershipFixture> {
  const { partnership, audit, courses } = newPartnership({ id: tenantId, name: `Partnership ${tenantId}` }, systemClock, ulidIds);
  await systemDeps().partnerships.create(partnership, audit, courses);
  const steering = await api.token({ sub: `${tenantId}-sg`, tenantId, role: 'steering-group' });
  const a = `${tenantId}-council`;
  const b = `${tenantId}-opcc`;
  for (const [id, name, sector, type] of [
    [a, 'Riverside District Council', 'local-government', 'district-council'],
    [b, 'Office of the Police and Crime Commissioner', 'police', 'opcc'],
  ]) {
    const res = await api.request('POST', '/authorities', {
      token: steering,
      body: { id, name, sector, type, preventLeadName: 'Pat Lead', preventLeadEmail: `lead@${id}.example` },
    });
    if (res.status !== 201) throw new Error(`fixture authority: ${res.status} ${res.text}`);
  }
  const tokens: Record<string, string> = { 'steering-group': steering };
  const roles: Role[] = ['authority-lead', 'authority-editor', 'viewer'];
  for (const role of roles) {
    tokens[`${role}@a`] = await api.token({ sub: `${tenantId}-${role}-a`, tenantId, role, authorityId: a });
    tokens[`${role}@b`] = await api.token({ sub: `${tenantId}-${role}-b`, tenantId, role, authorityId: b });
  }
  tokens['viewer@partnership'] = await api.token({ sub: `${tenantId}-viewer`, tenantId, role: 'viewer' });
  return { tenantId, authorities: { a, b }, tokens };
}

/** A valid SOP whose next review falls on `nextReviewDate` (a year after its implementation). */
export function sopBody(nextReviewDate: string) {
  return {
    title: 'Prevent Standard Operating Model', ownerName: 'Chief Executive', ownerRole: 'Chief Executive', sopVersion: '1.0',
    implementationDate: addDays(nextReviewDate, -365), nextReviewDate, securityClassification: 'OFFICIAL', foiDisclosable: true,
    riskRating: 'low', equalityAnalysis: 'Low', revisions: [], version: 0,
  };
}
