import type { DueItem } from '../../domain/reminders/due';
import type { Assurance, AssuranceStore } from '../../domain/itfilter/assurance';
import type { Framework } from '../../domain/statements/frameworks';
import { frameworkKey } from '../../domain/statements/frameworks';
import type { FrameworkStore, Statement, StatementStore, StatementVersion } from '../../domain/statements/statement';
import type { AuditEvent } from '../../domain/audit/audit';
import { keys } from './keys';
import { dueItemOp, dueItemRepository } from './sop-repositories';
import { versionedWrite, type TableStore, type WriteOp } from './store';

type Item = Record<string, unknown>;

export function assuranceRepository(table: TableStore): AssuranceStore {
  return {
    list: (tenantId, authorityId) => table.all<Assurance>(keys.itFilter.years(tenantId, authorityId)),
    get: (tenantId, authorityId, year) => table.get<Assurance>(keys.itFilter.year(tenantId, authorityId, year)),
    put: (tenantId, assurance, expectedVersion, due, audit) => {
      const key = keys.itFilter.year(tenantId, assurance.authorityId, assurance.year);
      const record = assurance as unknown as Item & { version: number };
      return table.write(
        tenantId,
        [versionedWrite('IT-filter assurance', key, record, expectedVersion), dueItemOp(due)],
        audit,
      );
    },
  };
}

export function statementRepository(table: TableStore): StatementStore {
  return {
    get: (tenantId, authorityId, year) => table.get<Statement>(keys.statements.current(tenantId, authorityId, year)),
    version: (tenantId, authorityId, year, n) => table.get<StatementVersion>(keys.statements.version(tenantId, authorityId, year, n)),
    put: (tenantId, statement, expectedVersion, audit, extra) => {
      const key = keys.statements.current(tenantId, statement.authorityId, statement.year);
      const record = statement as unknown as Item & { version: number };
      const ops: WriteOp[] = [versionedWrite('statement', key, record, expectedVersion)];
      // A submitted version is created once and never written again.
      if (extra?.version) ops.push({ kind: 'create', entity: 'statement version', key: keys.statements.version(tenantId, statement.authorityId, statement.year, extra.version.number), record: extra.version as unknown as Item });
      if (extra?.due) ops.push(dueItemOp(extra.due));
      if (extra?.dropDue) ops.push({ kind: 'delete', entity: 'due-item', key: keys.due.item(tenantId, extra.dropDue.kind, extra.dropDue.itemId) });
      return table.write(tenantId, ops, audit);
    },
  };
}

export function frameworkRepository(table: TableStore): FrameworkStore {
  return {
    list: (tenantId) => table.all<Framework>({ pk: keys.statements.frameworks(tenantId).PK }),
    create: (tenantId, framework, audit) =>
      table.write(tenantId, [{ kind: 'create', entity: 'framework', key: keys.statements.framework(tenantId, frameworkKey(framework)), record: framework as unknown as Item }], audit),
  };
}

export function deadlineRepository(table: TableStore) {
  return {
    get: async (tenantId: string, year: string) => (await table.get<{ dueOn: string }>(keys.statements.deadline(tenantId, year)))?.dueOn,
    /** The deadline and up to 98 authorities' due items in one transaction; larger partnerships in further batches. */
    put: async (tenantId: string, year: string, dueOn: string, dues: DueItem[], audit: AuditEvent) => {
      const first = dues.slice(0, 98);
      await table.write(tenantId, [{ kind: 'put', entity: 'statement deadline', key: keys.statements.deadline(tenantId, year), record: { year, dueOn } }, ...first.map(dueItemOp)], audit);
      const rest = dues.slice(98);
      if (rest.length) await dueItemRepository(table).putMany(rest);
    },
  };
}
