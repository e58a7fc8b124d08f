import { auditService } from '../../domain/audit/audit';
import { createHandler } from '../shared/http';
import { deps } from '../shared/deps';

export const handler = createHandler('audit', {
  listAudit: ({ caller, query }) => auditService({ reader: deps().audit }).list(caller, query),
});
