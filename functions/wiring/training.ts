import { courseService } from '../../domain/training/courses';
import { planService } from '../../domain/training/plan';
import { importMappingService } from '../../domain/training/import-mapping';
import { trainingService } from '../../domain/training/service';
import { importService } from '../../domain/training/import-job';
import { importQueue, importTimings } from '../jobs/import-queue';
import type { Deps } from '../shared/deps';

/**
 * Training use cases wired to the adapters given: `tenantDeps(caller)` for a request or the
 * import worker's job, `systemDeps()` for the local seed.
 */
export function trainingServices(d: Deps) {
  return {
    courses: courseService({ store: d.courses, clock: d.clock, ids: d.ids }),
    plans: planService({ plans: d.plans, courses: d.courses, authorityExists: d.authorities.exists, clock: d.clock, ids: d.ids }),
    importMappings: importMappingService({ mappings: d.importMappings, plans: d.plans, authorityExists: d.authorities.exists, clock: d.clock, ids: d.ids }),
    training: trainingService({ ...d, timings: importTimings() }),
    imports: importService({ ...d, files: d.importFiles, queue: importQueue(), timings: importTimings() }),
  };
}
