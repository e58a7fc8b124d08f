import { auditService } from '../../domain/audit/audit';
import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';

export const handler = createHandler('audit', {
  listAudit: ({ caller, query }) => auditService({ reader: tenantDeps(caller).audit }).list(caller, query),
});
